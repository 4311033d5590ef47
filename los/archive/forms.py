from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text to journal"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("It becomes a case document: the family and the coordinating unit can read it, "
                                       "and it goes to the municipality's archive."))


class DepositForm(forms.Form):
    period_start = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class ConfirmDepositForm(forms.Form):
    receipt = forms.CharField(label=_("The depot's receipt or reference"), max_length=200)
