"""The questionnaire as a form: one optional choice per question part, and the open question."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from los.survey.questions import COMMENT_MAX, questions_for


class QuestionnaireForm(forms.Form):
    """Every field is optional: a question left out is simply not answered."""

    def __init__(self, *args, respondent: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions_for(respondent)
        for question in self.questions:
            for item in question.items:
                self.fields[item.field] = forms.TypedChoiceField(
                    label=item.text, required=False, coerce=int, empty_value=None,
                    choices=[(str(code), label) for code, label in item.scale.choices],
                    widget=forms.RadioSelect(attrs={"class": "ds-input"}),
                    error_messages={"invalid_choice": _("Choose one of the answers, or leave the question out.")})
        self.fields["comment"] = forms.CharField(
            label=_("Your answer"), required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4, "class": "ds-input"}),
            error_messages={"max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d).")})

    def groups(self) -> list[dict]:
        """The questions with their bound fields, in order, for the template."""
        out = []
        for question in self.questions:
            out.append({"question": question, "fields": [self[item.field] for item in question.items],
                        "comment": self["comment"] if question.open else None})
        return out


ALL = ""


class MunicipalityForm(forms.Form):
    """Which municipality's figures to show, for a user with roles in several (or "all my municipalities")."""

    kommune = forms.ChoiceField(label=_("Municipality"), required=False,
                                error_messages={"invalid_choice": _("Choose one of your municipalities.")})

    def __init__(self, data=None, *, municipalities: list) -> None:
        super().__init__(data)
        self.municipalities = municipalities
        choices = [(str(m.pk), m.name) for m in municipalities]
        if len(municipalities) > 1:
            choices.insert(0, (ALL, str(_("All my municipalities"))))
        self.fields["kommune"].choices = choices
        if len(municipalities) <= 1:
            del self.fields["kommune"]

    def chosen(self) -> list:
        """The municipalities to show; all of the user's when nothing (or something unreadable) was chosen."""
        if "kommune" not in self.fields or not self.is_bound or not self.is_valid():
            return list(self.municipalities)
        value = self.cleaned_data.get("kommune")
        return [m for m in self.municipalities if str(m.pk) == value] or list(self.municipalities)
