from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from los.portal.models import STORY_FIELDS, FamilyStory
from los.servicemap import uploads

MESSAGE_MAX = 5000


class StoryForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = FamilyStory
        fields = list(STORY_FIELDS)
        help_texts = {
            "about_child": _("Who is your child? What do they like, what are they good at?"),
            "what_helps": _("What makes a good day? What calms your child?"),
            "what_to_avoid": _("What makes things hard? What should nobody do?"),
            "daily_routines": _("Meals, sleep, medicines, getting to school."),
            "communication": _("How your child shows what they want and how to talk with them."),
            "what_matters": _("What is most important for your family right now?"),
            "about_siblings": _("Brothers and sisters, and what they need."),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 4, "class": "ds-input"}) for name in STORY_FIELDS}


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds-input"}),
        error_messages={"required": _("Write a message before you send it."),
                        "max_length": _("The message is too long. Keep it under %(limit_value)d characters.")},
    )
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"class": "ds-input"}))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        self.checked = None
        if upload:
            try:
                self.checked = uploads.check_upload(upload, upload.size)
            except ValidationError as exc:
                raise ValidationError(list(exc.messages)) from exc
        return upload


class NeedsForm(forms.Form):
    """One text field per sibling or carer, each with the version of the text it was opened with (optimistic
    locking: ``services.save_needs`` refuses a stale version). A text that is not in the POST at all is left as it
    is; a POST without the versions changes nothing."""

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for m in self.members:
            self.fields[f"needs_{m.pk}"] = forms.CharField(
                label=f"{m.given_name} ({m.get_relation_display()})", required=False, max_length=3000,
                initial=m.needs, widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}),
            )
            self.fields[f"version_{m.pk}"] = forms.IntegerField(widget=forms.HiddenInput, initial=m.version,
                                                               required=False, min_value=0)

    def clean(self):
        data = super().clean()
        if self.members and any(data.get(f"version_{m.pk}") is None for m in self.members):
            raise ValidationError(_("The page was sent without the version of what is saved, so nothing was changed. "
                                    "Open the page again and write your changes there."), code="no_version")
        return data

    def needs(self) -> dict[int, tuple[str, int]]:
        """(text, version opened) per member whose text was sent."""
        return {m.pk: (self.cleaned_data.get(f"needs_{m.pk}") or "", self.cleaned_data[f"version_{m.pk}"])
                for m in self.members if self.add_prefix(f"needs_{m.pk}") in self.data}

    def set_versions(self, members) -> None:
        """After a conflict: keep what the user typed, but move the form to the saved versions, so that saving
        again is a choice made after seeing what the other person saved."""
        self.data = self.data.copy()
        for m in members:
            self.data[self.add_prefix(f"version_{m.pk}")] = str(m.version)
