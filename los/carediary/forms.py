"""Forms of the care diary: a day in a few taps, what is usual for the age, and the attachment's period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from los.core.forms import ServiceFormMixin

#: Minutes offered as one tap each (supervision and care); "Other" takes hours as a number.
AMOUNT_MINUTES = (0, 30, 60, 120, 180, 240, 360, 480, 720)
NIGHT_MINUTES = (0, 15, 30, 60, 120, 180, 240)
WAKINGS = (0, 1, 2, 3, 4, 5)


def minutes_label(minutes: int) -> str:
    """A short label for a number of minutes: "½ h", "2 h", "15 min"."""
    from django.utils.translation import gettext as _g

    if minutes == 0:
        return str(pgettext_lazy("amount of time", "None"))
    if minutes < 60 and minutes != 30:
        return _g("%(n)s min") % {"n": minutes}
    hours = minutes / 60
    text = "½" if minutes == 30 else (f"{hours:g}" if hours != int(hours) else str(int(hours)))
    return _g("%(n)s h") % {"n": text}


def _hours(value: str, field: str) -> int:
    try:
        hours = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise forms.ValidationError({field: _("Write the hours as a number, for example 2,5.")}) from exc
    if hours < 0 or hours > 24:
        raise forms.ValidationError({field: _("Give between 0 and 24 hours.")})
    return int((hours * 60).to_integral_value())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DayForm(ServiceFormMixin, forms.Form):
    """One day: each group is a row of chips (radio buttons), with "Other" for a number of hours."""

    day = forms.DateField(label=_("Day"), widget=DateInput(attrs={"class": "ds-input"}))
    supervision = forms.TypedChoiceField(label=_("Extra supervision"), coerce=int, required=False,
                                         widget=forms.RadioSelect,
                                         help_text=_("Watching over the child beyond what is usual for the age."))
    supervision_other = forms.CharField(label=_("Other number of hours of supervision"), required=False,
                                        max_length=6)
    care = forms.TypedChoiceField(label=_("Care"), coerce=int, required=False, widget=forms.RadioSelect,
                                  help_text=_("Feeding, medicines, personal care, training, appointments."))
    care_other = forms.CharField(label=_("Other number of hours of care"), required=False, max_length=6)
    night_wakings = forms.TypedChoiceField(label=_("Times woken at night"), coerce=int, required=False,
                                           widget=forms.RadioSelect)
    night_minutes = forms.TypedChoiceField(label=_("Up at night"), coerce=int, required=False,
                                           widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "ds-input"}),
                           help_text=_("What happened, in a few words (optional)."))
    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervision"].choices = [(m, minutes_label(m)) for m in AMOUNT_MINUTES]
        self.fields["care"].choices = [(m, minutes_label(m)) for m in AMOUNT_MINUTES]
        self.fields["night_wakings"].choices = [
            (n, str(pgettext_lazy("times woken", "None")) if n == 0 else (f"{n}+" if n == WAKINGS[-1] else str(n)))
            for n in WAKINGS]
        self.fields["night_minutes"].choices = [(m, minutes_label(m)) for m in NIGHT_MINUTES]
        for name in ("supervision_other", "care_other"):
            self.fields[name].widget.attrs.update({"class": "ds-input", "inputmode": "decimal",
                                                   "autocomplete": "off"})

    def clean(self) -> dict:
        data = super().clean()
        for name in ("supervision", "care"):
            other = (data.get(f"{name}_other") or "").strip()
            if other:
                try:
                    data[name] = _hours(other, f"{name}_other")
                except forms.ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        self.add_error(field, messages)
            elif data.get(name) in (None, ""):
                data[name] = 0
        for name in ("night_wakings", "night_minutes"):
            if data.get(name) in (None, ""):
                data[name] = 0
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"day": data["day"], "supervision_minutes": data["supervision"], "care_minutes": data["care"],
                "night_wakings": data["night_wakings"], "night_minutes": data["night_minutes"],
                "note": data.get("note", ""), "version": data.get("version")}

    @staticmethod
    def initial_for(day: date, row) -> dict:
        if row is None:
            return {"day": day, "supervision": 0, "care": 0, "night_wakings": 0, "night_minutes": 0, "version": 0}
        initial = {"day": day, "note": row.note, "version": row.version, "night_wakings": min(row.night_wakings, 5)}
        for name, value, offered in (("supervision", row.supervision_minutes, AMOUNT_MINUTES),
                                     ("care", row.care_minutes, AMOUNT_MINUTES)):
            if value in offered:
                initial[name] = value
            else:
                initial[f"{name}_other"] = f"{value / 60:g}".replace(".", ",")
        initial["night_minutes"] = row.night_minutes if row.night_minutes in NIGHT_MINUTES else None
        return initial


class CopyForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)


class UsualForm(ServiceFormMixin, forms.Form):
    usual_for_age = forms.CharField(
        label=_("What is usual for a child of the same age"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
        help_text=_("So that the reader knows what you count as extra: for example “a 9-year-old dresses, eats "
                    "and goes to the toilet alone and sleeps through the night”."))
    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)


class Purpose:
    HJELPESTONAD = "hjelpestonad"
    OMSORGSSTONAD = "omsorgsstonad"
    PLEIEPENGER = "pleiepenger"
    OTHER = "other"


PURPOSES = [
    (Purpose.HJELPESTONAD, _("Attendance benefit (hjelpestønad) from NAV")),
    (Purpose.OMSORGSSTONAD, _("Care allowance (omsorgsstønad) from the municipality")),
    (Purpose.PLEIEPENGER, _("Care benefit (pleiepenger) from NAV")),
    (Purpose.OTHER, _("Another application")),
]
USES = [("application", _("An application")), ("appeal", _("An appeal"))]
LANGUAGES = [("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")]


class AttachmentForm(forms.Form):
    """The attachment's period, what it is for, its language, and whether the notes go with it."""

    fra = forms.DateField(label=_("From"), widget=DateInput(attrs={"class": "ds-input"}))
    til = forms.DateField(label=_("To"), widget=DateInput(attrs={"class": "ds-input"}))
    formal = forms.ChoiceField(label=_("For"), choices=PURPOSES, initial=Purpose.HJELPESTONAD,
                               widget=forms.Select(attrs={"class": "ds-input"}))
    bruk = forms.ChoiceField(label=_("Goes with"), choices=USES, initial="application",
                             widget=forms.Select(attrs={"class": "ds-input"}))
    sprak = forms.ChoiceField(label=_("Language"), choices=LANGUAGES,
                              widget=forms.Select(attrs={"class": "ds-input"}))
    notater = forms.BooleanField(label=_("Include the notes"), required=False,
                                 help_text=_("The notes may say more than the agency needs. Read them first."))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        today = timezone.localdate()
        if end and end > today:
            self.add_error("til", _("The period cannot end after today."))
        if start and end and start > end:
            self.add_error("fra", _("The start of the period must be on or before its end."))
        if start and end and (end - start).days > 366:
            self.add_error("fra", _("Choose a period of at most a year."))
        return data
