"""Forms of the working day: finding a family, the start guide and the unit's capacity norm."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from los.core.forms import StyledForm
from los.families.models import FamilyStatus
from los.workday.models import GUIDE_LANGUAGES


class FindForm(StyledForm):
    q = forms.CharField(label=_("Name, child's name, case number or date of birth"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(FamilyStatus.choices))
    mine = forms.BooleanField(label=_("Only the families I work on"), required=False)


class GuideForm(StyledForm):
    text = forms.CharField(
        label=_("The guide"), widget=forms.Textarea(attrs={"rows": 30}), max_length=30000,
        help_text=_("Steps are separated by an empty line. The first line of a step is its heading; a line that "
                    "starts with “- ” is a point in a list."),
        error_messages={"required": _("Write the guide, or press “Use Los's text” to start again from it.")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = forms.ChoiceField(widget=forms.HiddenInput, choices=GUIDE_LANGUAGES)


class NormForm(StyledForm):
    families_per_10_percent = forms.DecimalField(
        label=_("Families a barnekoordinator can follow per 10 % of a position"), max_digits=4, decimal_places=1,
        min_value=Decimal("0.1"), max_value=Decimal("50"), required=False, localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Empty: the default of Los. Example: with 2.5, a coordinator with 40 % of a position can follow "
                    "10 families and one with 4 % one family."),
        error_messages={"invalid": _("Write a number, for example 2.5."),
                        "min_value": _("Write a number from 0.1 to 50."),
                        "max_value": _("Write a number from 0.1 to 50.")})
