"""The filter on the statistics pages: period, municipality, and weeks without contact.

A viewer who may open every family behind the figures chooses any period (from/to). A viewer who gets small
numbers hidden chooses one whole calendar period that has ended (:mod:`los.stats.periods`) and one
municipality at a time: free periods and sums of municipalities could be subtracted from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality
from los.stats import periods
from los.stats.selectors import DEFAULT_WEEKS, MAX_WEEKS, Period

ALL = ""


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterForm(forms.Form):
    fra = forms.DateField(label=_("From"), required=False, widget=DateInput())
    til = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kommune = forms.ChoiceField(label=_("Municipality"), required=False)
    uker = forms.IntegerField(label=_("Weeks without contact"), required=False, min_value=1, max_value=MAX_WEEKS,
                              error_messages={"min_value": _("Give a number of weeks from 1 to 52."),
                                              "max_value": _("Give a number of weeks from 1 to 52."),
                                              "invalid": _("Give a number of weeks from 1 to 52.")})

    periode = forms.ChoiceField(label=_("Period"), required=False,
                                error_messages={"invalid_choice": _("Choose a period from the list.")})

    def __init__(self, data, *, municipalities: list[Municipality], today: date, period: bool, weeks: bool,
                 fixed: list[periods.ReportingPeriod] | None = None, combine: bool = True):
        super().__init__(data)
        self.today = today
        self.municipalities = municipalities
        self.fixed = fixed
        self.combine = combine
        choices = [(str(m.pk), m.name) for m in municipalities]
        if len(municipalities) > 1 and combine:
            choices.insert(0, (ALL, str(_("All my municipalities"))))
        self.fields["kommune"].choices = choices
        self.fields["fra"].error_messages["invalid"] = _("Write the date as dd.mm.yyyy.")
        self.fields["til"].error_messages["invalid"] = _("Write the date as dd.mm.yyyy.")
        if not period or fixed is not None:
            del self.fields["fra"], self.fields["til"]
        if not period or fixed is None:
            del self.fields["periode"]
        else:
            self.fields["periode"].choices = [(p.key, p.label) for p in fixed]
        if not weeks:
            del self.fields["uker"]
        if len(municipalities) <= 1:
            del self.fields["kommune"]

    def clean(self):
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        if end and end > self.today:
            self.add_error("til", _("The period cannot end after today."))
        if start and end and start > end:
            self.add_error("fra", _("The start of the period must be on or before its end."))
        return data


@dataclass
class Filters:
    municipalities: list[Municipality]
    period: Period
    weeks: int
    reporting: periods.ReportingPeriod | None = None  # the fixed period chosen, for protected figures

    @property
    def ids(self) -> list[int]:
        return [m.pk for m in self.municipalities]


def read_filters(form: FilterForm) -> Filters:
    """The filters to use: what the user chose when it is valid; the default for anything that is not."""
    default = Period.default(form.today)
    form.is_valid()
    data = form.cleaned_data  # only the fields that are valid
    chosen = form.municipalities
    kommune = data.get("kommune") or ALL
    if kommune != ALL:
        chosen = [m for m in form.municipalities if str(m.pk) == kommune] or form.municipalities
    if not form.combine:
        chosen = chosen[:1]
    if form.fixed is not None:
        reporting = next((p for p in form.fixed if p.key == data.get("periode")), None) or form.fixed[0]
        return Filters(municipalities=chosen, period=reporting.as_period(), weeks=data.get("uker") or DEFAULT_WEEKS,
                       reporting=reporting)
    start = data.get("fra") or default.start
    end = data.get("til") or default.end
    if start > end or "fra" in form.errors or "til" in form.errors:  # half a period is no period
        start, end = default.start, default.end
    return Filters(municipalities=chosen, period=Period(start, end), weeks=data.get("uker") or DEFAULT_WEEKS)
