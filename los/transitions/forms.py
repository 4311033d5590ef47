"""Forms for transitions. Rules live in ``services``, ``handover`` and ``transfer``; forms turn what the user typed
into values and show each service error at the field it belongs to, keeping the input."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.access.models import Consent
from los.accounts.models import Role, User
from los.core.forms import ServiceFormMixin, StyledForm
from los.core.models import Municipality, ServiceProvider
from los.families.models import Family, FamilyMember
from los.meetings.forms import meeting_times
from los.transitions.models import ChecklistGroup, PlanStatus, ReceiverKind, TransitionPlan

OSLO = ZoneInfo("Europe/Oslo")
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
DATE_ERRORS = {"invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")}
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def date_field(label, required: bool = True, **kwargs) -> forms.DateField:
    errors = dict(DATE_ERRORS)
    errors.update(kwargs.pop("error_messages", {}))
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS, error_messages=errors,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class LosForm(ServiceFormMixin, StyledForm):
    """Designsystemet inputs; a service's errors onto the form."""


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class TimelineFilterForm(LosForm):
    kinds = forms.MultipleChoiceField(label=_("What to show"), required=False, widget=forms.CheckboxSelectMultiple)
    since = date_field(_("From"), required=False)
    until = date_field(_("To"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kinds

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period is before its start. Check the dates."))
        return data


class OpenPlanForm(forms.Form):
    key = forms.CharField(max_length=80, widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ChecklistToggleForm(VersionForm):
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ChecklistItemForm(LosForm):
    group = forms.ChoiceField(label=_("Part of the checklist"), choices=ChecklistGroup.choices)
    text = forms.CharField(label=_("What is to be done"), max_length=300,
                           error_messages={"required": _("Write what is to be done.")})


class TaskForm(LosForm):
    text = forms.CharField(label=_("What is to be done"), max_length=300,
                           error_messages={"required": _("Write what is to be done.")})
    owner = PersonChoiceField(label=_("Responsible person"), queryset=User.objects.none(), required=False,
                              empty_label=_("Choose a person"))
    owner_provider = forms.ModelChoiceField(label=_("Responsible service (if any)"),
                                            queryset=ServiceProvider.objects.none(), required=False,
                                            empty_label=_("No service"))
    due_date = date_field(_("Due date"), error_messages={"required": _("Give a due date.")})

    def __init__(self, *args, owners: list[User], plan: TransitionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(pk__in=[u.pk for u in owners]).order_by(
            "first_name", "last_name")
        self.fields["owner_provider"].queryset = ServiceProvider.objects.filter(
            municipality_id=plan.municipality_id).order_by("kind", "name")


class PlanEditForm(LosForm, VersionForm):
    receiving_provider = forms.ModelChoiceField(label=_("Receiving school or service"),
                                                queryset=ServiceProvider.objects.none(), required=False,
                                                empty_label=_("Not chosen yet"))
    child_view = forms.CharField(label=_("What the child says"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=TransitionPlan._meta.get_field("child_view").help_text)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan: TransitionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_provider"].queryset = ServiceProvider.objects.filter(
            municipality_id=plan.municipality_id).order_by("kind", "name")


class ChildViewForm(LosForm, VersionForm):
    child_view = forms.CharField(label=_("What the child says"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=TransitionPlan._meta.get_field("child_view").help_text,
                                 error_messages={"required": _("Write what the child says.")})


class MeetingForm(LosForm):
    date = date_field(_("Date"), error_messages={"required": _("Give the date of the meeting.")})
    start_time, end_time = meeting_times()
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False,
                                error_messages={"invalid": _("Write the whole address, starting with https://.")})
    phone = forms.CharField(label=_("Phone number to call"), max_length=30, required=False)

    def starts_at(self) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["start_time"], tzinfo=OSLO)

    def ends_at(self) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["end_time"], tzinfo=OSLO)


class CloseForm(LosForm, VersionForm):
    status = forms.ChoiceField(label=_("How did it end?"), widget=forms.RadioSelect,
                               choices=[(PlanStatus.DONE, _("The transition is done")),
                                        (PlanStatus.CANCELLED, _("The plan was not needed"))],
                               error_messages={"required": _("Choose how the plan ends.")})
    what_worked = forms.CharField(label=_("What worked"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=TransitionPlan._meta.get_field("what_worked").help_text)


class HandoverForm(LosForm):
    receiver_kind = forms.ChoiceField(label=_("Who is the summary for?"), choices=ReceiverKind.choices,
                                      widget=forms.RadioSelect,
                                      error_messages={"required": _("Choose who the summary is for.")})
    receiver_provider = forms.ModelChoiceField(label=_("Receiving school or service"),
                                               queryset=ServiceProvider.objects.none(), required=False,
                                               empty_label=_("Choose a service"))
    receiver_user = PersonChoiceField(label=_("Receiving person"), queryset=User.objects.none(), required=False,
                                      empty_label=_("Choose a person"),
                                      help_text=_("For a new barnekoordinator or the coordinating unit: the person. "
                                                  "For a service: a named contact person, if there is one."))
    note = forms.CharField(label=_("Note to the receiver"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.now()
        consented = Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now,
                                           valid_to__gt=now).values("service_provider_id")
        providers = ServiceProvider.objects.filter(Q(municipality_id=family.municipality_id) | Q(pk__in=consented))
        self.fields["receiver_provider"].queryset = providers.order_by("kind", "name")
        people = User.objects.filter(
            is_active=True, staff_roles__active=True,
            staff_roles__role__in=[Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.UNIT_LEADER, Role.SERVICE_CONTACT],
        ).filter(Q(staff_roles__municipality_id=family.municipality_id)
                 | Q(staff_roles__service_provider__in=providers)
                 | Q(staff_roles__role__in=[Role.BARNEKOORDINATOR, Role.CASEWORKER, Role.UNIT_LEADER],
                     staff_roles__municipality__transfers_in__family=family)).distinct()
        self.fields["receiver_user"].queryset = people.order_by("first_name", "last_name")


class ProposeMoveForm(LosForm):
    to_municipality = forms.ModelChoiceField(label=_("Moving to"), queryset=Municipality.objects.none(),
                                             empty_label=_("Choose the municipality"),
                                             error_messages={"required": _("Choose the municipality the family "
                                                                           "moves to.")})
    handover_date = date_field(_("Handover date"), error_messages={"required": _("Give the handover date.")},
                               help_text=_("When the family has confirmed the move, the new municipality's "
                                           "coordinating unit can see the family in Los from this day."))
    note = forms.CharField(label=_("Note to the family"), required=False, max_length=300)

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_municipality"].queryset = Municipality.objects.exclude(pk=family.municipality_id).order_by("name")


class PaperConfirmationForm(LosForm):
    """The family's barnekoordinator records a confirmation a guardian signed on paper."""

    member = forms.ModelChoiceField(label=_("Signed by"), queryset=FamilyMember.objects.none(),
                                    widget=forms.RadioSelect, empty_label=None,
                                    error_messages={"required": _("Choose the guardian who signed.")})
    signed_on = date_field(_("Signed on"), error_messages={"required": _("Give the day the paper was signed.")})
    confirm = forms.BooleanField(label=_("I have the paper the guardian signed, with the text on the family's page, "
                                         "and it is kept in the municipality's archive."),
                                 error_messages={"required": _("Confirm that you have the signed paper.")})

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = FamilyMember.objects.filter(
            pk__in=[m.pk for m in family.members.filter(may_consent=True) if m.is_guardian])
        self.fields["member"].widget.attrs.pop("class", None)
        self.fields["confirm"].widget.attrs["class"] = "ds-input"


class MoveAnswerForm(forms.Form):
    """The family's answer: the digest of the text the guardian read, and the confirmation."""

    text_digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have read what is sent and what stays, and I confirm the move on the "
                                         "family's behalf."),
                                 error_messages={"required": _("Tick the box to confirm the move.")})


class ImportForm(LosForm):
    municipality = forms.ModelChoiceField(label=_("Receiving municipality"), queryset=Municipality.objects.none(),
                                          empty_label=None)
    package = forms.FileField(label=_("The family package (.json)"),
                              error_messages={"required": _("Choose the package file from the former municipality.")})

    def __init__(self, *args, municipalities: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])


class ImportConfirmForm(forms.Form):
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)


class SettingsForm(LosForm, VersionForm):
    kindergarten_months = forms.IntegerField(label=_("Start of kindergarten: months ahead"), min_value=0, max_value=36)
    school_start_months = forms.IntegerField(label=_("School start: months ahead"), min_value=0, max_value=36)
    lower_secondary_months = forms.IntegerField(label=_("Lower secondary school: months ahead"), min_value=0,
                                                max_value=36)
    upper_secondary_months = forms.IntegerField(label=_("Upper secondary school: months ahead"), min_value=0,
                                                max_value=36)
    adult_months = forms.IntegerField(label=_("Turning 18: months ahead"), min_value=0, max_value=36)
    event_window_days = forms.IntegerField(
        label=_("Recorded events (a move, a new coordinator or contact): open a plan up to this many days after"),
        min_value=0, max_value=365)
