from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Category, ConsentMethod
from los.access.services import default_last_day
from los.core.forms import DescribedInputs
from los.core.models import ServiceProvider
from los.families.models import Child, FamilyMember

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DsForm(DescribedInputs, forms.Form):
    """Designsystemet inputs, with help texts and errors linked to their field (WCAG 2.1: 3.3.1, 1.3.1); the error
    is read first."""

    error_first = True


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceProvider) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class ConsentForm(DsForm):
    """Which service, which information and until when: the choices behind a consent."""

    service_provider = ProviderChoiceField(
        label=_("Service"), queryset=ServiceProvider.objects.none(), empty_label=_("Choose a service"),
        error_messages={"required": _("Choose the service the consent is for."),
                        "invalid_choice": _("Choose a service from the list.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Information the service may see"), widget=forms.CheckboxSelectMultiple, choices=[],
        error_messages={"required": _("Choose at least one kind of information."),
                        "invalid_choice": _("Choose from the list.")},
    )
    last_day = forms.DateField(
        label=_("Last day the consent applies"), widget=DATE_WIDGET,
        help_text=_("One year from today unless you choose otherwise. You can withdraw the consent before then."),
        error_messages={"required": _("Give the last day the consent applies."),
                        "invalid": _("Write the date as day.month.year, for example 31.12.2026.")},
    )

    def __init__(self, *args, providers, categories: list[Category], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("last_day", default_last_day())
        super().__init__(*args, **kwargs)
        self.fields["service_provider"].queryset = providers
        self.fields["categories"].choices = [(c.value, c.label) for c in categories]
        if len(categories) == 1:
            self.fields["categories"].initial = [categories[0].value]


class ConfirmConsentForm(ConsentForm):
    """The second step: the same choices (hidden), the digest of the text shown, and the confirmation."""

    text_digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I have read the text above and I give this consent"),
        error_messages={"required": _("Tick the box to confirm that you give the consent.")},
    )


class RecordConsentForm(ConsentForm):
    """Staff record a consent the family gave on paper or orally."""

    given_by = forms.ChoiceField(label=_("Who in the family gave the consent"), choices=[],
                                 error_messages={"required": _("Choose who in the family gave the consent.")})
    method = forms.ChoiceField(
        label=_("How the consent was given"), widget=forms.RadioSelect,
        choices=[(ConsentMethod.PAPER.value, ConsentMethod.PAPER.label),
                 (ConsentMethod.ORAL.value, ConsentMethod.ORAL.label)],
        error_messages={"required": _("Choose whether the consent was given on paper or orally.")},
    )
    first_day = forms.DateField(label=_("Day the consent was given"), widget=DATE_WIDGET,
                                error_messages={"required": _("Give the day the consent was given."),
                                                "invalid": _("Write the date as day.month.year, for example "
                                                             "31.12.2026.")})
    text_shown = forms.CharField(
        label=_("The text the family was shown or told"), widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Copy the text of the signed form, or write what you told the family. It is kept with the "
                    "consent."),
        error_messages={"required": _("Write the text the family was shown or told.")},
    )

    field_order = ["given_by", "method", "service_provider", "categories", "first_day", "last_day", "text_shown"]

    def __init__(self, *args, givers: list[FamilyMember | Child], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("first_day", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.givers = {self.giver_key(g): g for g in givers}
        self.fields["given_by"].choices = [("", _("Choose a person"))] + [
            (key, self.giver_label(g)) for key, g in self.givers.items()
        ]

    @staticmethod
    def giver_key(giver: FamilyMember | Child) -> str:
        return f"{'child' if isinstance(giver, Child) else 'member'}-{giver.pk}"

    @staticmethod
    def giver_label(giver: FamilyMember | Child) -> str:
        name = f"{giver.given_name} {giver.family_name}"
        if isinstance(giver, Child):
            return f"{name} ({_('the young person, own health information')})"
        return f"{name} ({giver.get_relation_display()})"

    def clean_given_by(self) -> FamilyMember | Child:
        key = self.cleaned_data["given_by"]
        if key not in self.givers:
            raise forms.ValidationError(_("Choose who in the family gave the consent."))
        return self.givers[key]
