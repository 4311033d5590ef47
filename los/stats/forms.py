"""The filter on the statistics pages: period, municipality, and weeks without contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from los.core.models import Municipality
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

    def __init__(self, data, *, municipalities: list[Municipality], today: date, period: bool, weeks: bool):
        super().__init__(data)
        self.today = today
        self.municipalities = municipalities
        choices = [(str(m.pk), m.name) for m in municipalities]
        if len(municipalities) > 1:
            choices.insert(0, (ALL, str(_("All my municipalities"))))
        self.fields["kommune"].choices = choices
        self.fields["fra"].error_messages["invalid"] = _("Write the date as dd.mm.yyyy.")
        self.fields["til"].error_messages["invalid"] = _("Write the date as dd.mm.yyyy.")
        if not period:
            del self.fields["fra"], self.fields["til"]
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
    start = data.get("fra") or default.start
    end = data.get("til") or default.end
    if start > end or "fra" in form.errors or "til" in form.errors:  # half a period is no period
        start, end = default.start, default.end
    return Filters(municipalities=chosen, period=Period(start, end), weeks=data.get("uker") or DEFAULT_WEEKS)
