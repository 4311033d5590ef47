"""Forms for the service map. They only parse and check input; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core import deadlines
from los.core.dates import format_day
from los.core.forms import StyledForm
from los.families.models import Family
from los.servicemap import catalog, uploads
from los.servicemap.models import (
    DELIVERY_UNITS,
    AppealOutcome,
    AppealStatus,
    Application,
    Decision,
    DeclinedReason,
    DocumentKind,
    EntryState,
    ExtentPer,
    ExtentUnit,
    Need,
    NeedResponse,
    NeedSource,
    NeedStatus,
    Sector,
    ServiceEntry,
)
from los.servicemap.selectors import providers_for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _blank(choices, label="—") -> list:
    return [("", label), *choices]


def _child_field(family: Family) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=family.children.all(), required=False, label=_("For whom"),
                                  empty_label=_("The whole family"))


def _provider_field(family: Family, label, help_text="") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=providers_for(family), required=False, label=label,
                                  empty_label=_("Not in the list"), help_text=help_text)


class EntryForm(StyledForm):
    catalog_id = forms.ChoiceField(label=_("Right or benefit"), required=False,
                                   help_text=_("From the navigator’s catalogue. Leave empty and write a name if "
                                               "it is not in the list."))
    title = forms.CharField(label=_("Name"), max_length=200, required=False,
                            help_text=_("As the family calls it, for example “Respite at Solsikken”."))
    state = forms.ChoiceField(label=_("State"), choices=EntryState.choices, initial=EntryState.CONSIDERED)
    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=_blank(Sector.choices, _("Find from the provider or the catalogue")))
    provider_name = forms.CharField(label=_("Provider, if not in the list"), max_length=200, required=False)
    extent_amount = forms.DecimalField(label=_("Extent (amount)"), required=False, max_digits=9, decimal_places=1,
                                       min_value=0)
    extent_unit = forms.ChoiceField(label=_("Unit"), required=False, choices=_blank(ExtentUnit.choices))
    extent_per = forms.ChoiceField(label=_("Per"), required=False, choices=_blank(ExtentPer.choices))
    extent_note = forms.CharField(label=_("About the extent"), max_length=200, required=False,
                                  help_text=_("For example “every other weekend and one week in summer”."))
    period_from = forms.DateField(label=_("Granted from"), required=False, widget=DateInput)
    period_to = forms.DateField(label=_("Granted until"), required=False, widget=DateInput,
                                help_text=_("For a time-limited decision. Los reminds you to apply for renewal."))
    renewal_notice_months = forms.IntegerField(
        label=_("Remind me this many months before the end"), required=False, min_value=1, max_value=12,
        help_text=_("Empty: the usual 3 months."))
    contact_name = forms.CharField(label=_("Contact person at the provider"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact’s phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact’s e-mail"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, family: Family, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_id"].choices = _blank(catalog.choices(family.municipality_id), _("Not in the catalogue"))
        self.fields["child"] = _child_field(family)
        self.fields["provider"] = _provider_field(family, _("Service provider"))
        self.fields["child"].widget.attrs["class"] = "ds-input"
        self.fields["provider"].widget.attrs["class"] = "ds-input"
        self.order_fields(["catalog_id", "title", "state", "child", "provider", "provider_name", "sector"])

    @staticmethod
    def initial_for(entry: ServiceEntry) -> dict:
        return {name: getattr(entry, name) for name in (
            "catalog_id", "title", "state", "sector", "provider_name", "extent_amount", "extent_unit", "extent_per",
            "extent_note", "period_from", "period_to", "renewal_notice_months", "contact_name", "contact_phone",
            "contact_email", "notes", "version")} | {"child": entry.child_id, "provider": entry.provider_id}


class EntryUpdateForm(VersionMixin, EntryForm):
    pass


class ApplicationForm(StyledForm):
    sent_on = forms.DateField(label=_("Date sent"), widget=DateInput, initial=timezone.localdate)
    reference = forms.CharField(label=_("The agency’s case number"), max_length=60, required=False)
    expected_processing_days = forms.IntegerField(
        label=_("Expected processing time (days)"), required=False, min_value=1, max_value=730,
        help_text=_("If the agency has said how long it will take. Leave empty to use the usual time."))
    preliminary_reply_on = forms.DateField(label=_("Preliminary reply received"), required=False, widget=DateInput,
                                           help_text=_("A letter saying the application is received and when "
                                                       "to expect an answer (foreløpig svar)."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_for(app: Application) -> dict:
        return {k: getattr(app, k) for k in ("sent_on", "reference", "expected_processing_days",
                                            "preliminary_reply_on", "notes", "version")}


class ApplicationUpdateForm(VersionMixin, ApplicationForm):
    pass


def _legal_basis_help():
    return _("As written in the decision letter, for example “ftrl § 6-4”, “hol § 3-6”, “pbrl § 2-5 c” "
             "or “fvl § 29”. The appeal deadline follows from it.")


class DecisionForm(VersionMixin, StyledForm):
    decision = forms.ChoiceField(label=_("What does the decision say?"),
                                 choices=_blank([c for c in Decision.choices if c[0] != Decision.PENDING]))
    decision_received_on = forms.DateField(
        label=_("Date the decision reached the family"), widget=DateInput, required=False, initial=timezone.localdate,
        help_text=_("The appeal deadline runs from this day. For digital post: the day it arrived in the mailbox. "
                    "Leave empty if you do not know."))
    decision_on = forms.DateField(label=_("Date on the decision letter"), widget=DateInput, required=False)
    legal_basis = forms.CharField(label=_("Legal basis of the decision"), max_length=200, required=False)
    period_from = forms.DateField(label=_("Granted from"), required=False, widget=DateInput)
    period_to = forms.DateField(label=_("Granted until"), required=False, widget=DateInput)
    extent_amount = forms.DecimalField(label=_("Granted extent (amount)"), required=False, max_digits=9,
                                       decimal_places=1, min_value=0)
    extent_unit = forms.ChoiceField(label=_("Unit"), required=False, choices=_blank(ExtentUnit.choices))
    extent_per = forms.ChoiceField(label=_("Per"), required=False, choices=_blank(ExtentPer.choices))
    decision_reasons = forms.CharField(
        label=_("What the decision says"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Its reasons, in short, as the letter gives them. If it is a refusal, the appeal outline starts "
                    "from them."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].help_text = _legal_basis_help()
        self.fields["legal_basis"].widget.attrs["list"] = "servicemap-legal-bases"

    @staticmethod
    def initial_for(app: Application) -> dict:
        entry = app.entry
        return {"decision": "" if app.decision == Decision.PENDING else app.decision,
                "decision_received_on": app.decision_received_on or timezone.localdate(),
                "decision_on": app.decision_on,
                "legal_basis": app.legal_basis or catalog.usual_legal_basis(entry.catalog_id, entry.municipality_id),
                "period_from": entry.period_from, "period_to": entry.period_to,
                "extent_amount": entry.extent_amount, "extent_unit": entry.extent_unit,
                "extent_per": entry.extent_per, "decision_reasons": app.decision_reasons, "version": app.version}


def legal_basis_suggestions() -> list[str]:
    """Law references for the legal-basis field's list of suggestions."""
    refs = [basis.law_reference for basis in deadlines.DECISION_BASES.values()]
    refs += [spec.law_reference for spec in deadlines.APPEAL_RULES.values()]
    return sorted(set(refs))


class NoAppealForm(VersionMixin, StyledForm):
    no_appeal = forms.BooleanField(label=_("The family will not appeal this decision"), required=False)


class AppealForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), initial=AppealStatus.SENT,
                               choices=[(AppealStatus.PREPARING, AppealStatus.PREPARING.label),
                                        (AppealStatus.SENT, AppealStatus.SENT.label)])
    sent_on = forms.DateField(label=_("Date sent"), widget=DateInput, required=False, initial=timezone.localdate)
    sent_to = forms.CharField(label=_("Sent to"), max_length=200, required=False,
                              help_text=_("The appeal goes to the body that made the decision."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealUpdateForm(VersionMixin, StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=AppealStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices)
    sent_on = forms.DateField(label=_("Date sent"), widget=DateInput, required=False)
    outcome_on = forms.DateField(label=_("Date of the outcome"), widget=DateInput, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("For example “Decision on respite care, March”."))
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices, initial=DocumentKind.DECISION)
    application = forms.ModelChoiceField(queryset=Application.objects.none(), required=False,
                                         label=_("Belongs to the application"), empty_label=_("None in particular"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, entry: ServiceEntry, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = entry.applications.all()
        self.fields["application"].label_from_instance = lambda app: format_day(app.sent_on)
        self.fields["application"].widget.attrs["class"] = "ds-input"
        _describe_upload(self.fields["file"])


def _describe_upload(field: forms.Field) -> None:
    """What a document upload accepts, said on its field, and its messages for a missing or empty file."""
    field.help_text = _("%(types)s, at most %(size)s.") % {
        "types": uploads.allowed_types_text(), "size": _filesize(uploads.max_upload_bytes())}
    field.widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg,.txt,.docx,.odt"
    field.error_messages.update({
        "empty": uploads.empty_message(), "required": _("Choose a file to upload."),
        "invalid": _("No file came through. Choose the file again.")})


def _filesize(value: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(value)


class NeedForm(StyledForm):
    description = forms.CharField(label=_("The need"), widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("In the family’s words where you can."))
    source = forms.ChoiceField(label=_("Where the need came from"), choices=NeedSource.choices,
                               initial=NeedSource.COORDINATOR)
    provider_name = forms.CharField(label=_("Service asked, if not in the list"), max_length=200, required=False)

    def __init__(self, *args, family: Family, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"] = _child_field(family)
        self.fields["provider"] = _provider_field(family, _("Service asked to take it"),
                                                  _("Leave empty if no service has been asked yet."))
        for name in ("child", "provider"):
            self.fields[name].widget.attrs["class"] = "ds-input"
        self.order_fields(["description", "source", "child", "provider", "provider_name"])


class NeedUpdateForm(VersionMixin, StyledForm):
    description = forms.CharField(label=_("The need"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)

    @staticmethod
    def initial_for(need: Need) -> dict:
        return {"description": need.description, "status": need.status, "version": need.version}


class AskServiceForm(StyledForm):
    provider_name = forms.CharField(label=_("Service, if not in the list"), max_length=200, required=False)
    asked_on = forms.DateField(label=_("Asked on"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, family: Family, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"] = _provider_field(family, _("Service asked"))
        self.fields["provider"].widget.attrs["class"] = "ds-input"
        self.order_fields(["provider", "provider_name", "asked_on"])


class AnswerForm(VersionMixin, StyledForm):
    response = forms.ChoiceField(label=_("The service’s answer"), choices=NeedResponse.choices)
    response_note = forms.CharField(label=_("What the service said"), max_length=500, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    responded_on = forms.DateField(label=_("Answered on"), widget=DateInput, required=False,
                                   initial=timezone.localdate)


# --------------------------------------------------------------------------------------------------
# Delivery, declining, thresholds
# --------------------------------------------------------------------------------------------------


class DeliveryForm(StyledForm):
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate,
                                   help_text=_("The day it was delivered, or a day in the week or month you record "
                                               "at once."))
    amount = forms.DecimalField(label=_("How much was delivered"), max_digits=7, decimal_places=1, min_value=0,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("For example “cancelled on Friday: no staff”."))

    def __init__(self, *args, entry: ServiceEntry | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if entry is not None and entry.extent_unit in DELIVERY_UNITS:
            self.fields["amount"].label = _("How much was delivered (%(unit)s)") % {
                "unit": entry.get_extent_unit_display()}


class DeclineForm(VersionMixin, StyledForm):
    declined_on = forms.DateField(label=_("We declined it from"), widget=DateInput, initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("Why"), choices=_blank(DeclinedReason.choices))
    note = forms.CharField(label=_("What was not good enough"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("In your own words. The barnekoordinator reads it, and the municipality counts "
                                       "how often services are declined and why."))


class FollowForm(VersionMixin, StyledForm):
    follow = forms.BooleanField(required=False)


class DeliverySettingsForm(VersionMixin, StyledForm):
    weeks = forms.IntegerField(label=_("Flag when nothing is delivered for this many weeks"), min_value=1,
                               max_value=26)
    share = forms.IntegerField(label=_("Flag when less than this share is delivered in a quarter (per cent)"),
                               min_value=1, max_value=100)


# --------------------------------------------------------------------------------------------------
# Appeals, kits, the plan and the meetings
# --------------------------------------------------------------------------------------------------


class ReasonsForm(VersionMixin, StyledForm):
    decision_reasons = forms.CharField(
        label=_("What the decision says"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Its reasons, in short, as the letter gives them. The outline below starts from them."))


class AppealDraftForm(VersionMixin, StyledForm):
    text = forms.CharField(label=_("My working draft"), widget=forms.Textarea(attrs={"rows": 18}))


class KitUploadForm(StyledForm):
    kind = forms.ChoiceField(widget=forms.HiddenInput, choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _describe_upload(self.fields["file"])


class MeasureLinkForm(StyledForm):
    """A plan measure that needs a decision: a service already on the map, or a new one made from the measure."""

    CHOICE_NEW = "new"
    CHOICE_NONE = "none"
    entry = forms.ChoiceField(label=_("Which service on the map holds the decision?"))
    catalog_id = forms.ChoiceField(label=_("For a new service: which right or service"), required=False,
                                   help_text=_("Leave empty to use the measure’s own words as its name."))

    def __init__(self, *args, family: Family, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        entries = ServiceEntry.objects.filter(family=family).order_by("sector", "title", "catalog_id")
        self.entries = {str(e.pk): e for e in entries}
        self.fields["entry"].choices = [
            (self.CHOICE_NEW, _("A new service on the map, made from this measure")),
            (self.CHOICE_NONE, _("None yet: flag the measure until there is one")),
            *[(str(e.pk), f"{e.name} ({e.get_state_display().lower()})") for e in entries]]
        self.fields["catalog_id"].choices = _blank(catalog.choices(), _("Not in the catalogue"))

    def clean_entry(self) -> Any:
        value = self.cleaned_data["entry"]
        if value in (self.CHOICE_NEW, self.CHOICE_NONE):
            return value
        if value not in self.entries:
            raise forms.ValidationError(_("Choose a service on this family’s map."))
        return self.entries[value]


class AgreementApplicationForm(StyledForm):
    catalog_id = forms.ChoiceField(label=_("Which right or service"), required=False)
    sent_on = forms.DateField(label=_("Already sent? The date"), widget=DateInput, required=False,
                              help_text=_("Leave empty if the application is still to be written."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_id"].choices = _blank(catalog.choices(), _("Use the agreement’s words"))
