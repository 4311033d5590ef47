"""Forms for the coordination group. Rules live in ``services``; forms turn what the user typed into
values and show each service error at the field it belongs to, keeping the input."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.forms import ServiceFormMixin, StyledForm
from los.families.models import Family
from los.meetings import plans_link
from los.meetings.models import ContactKind, GroupMember, Meeting, MeetingKind, MemberKind
from los.meetings.services import validate_contact, validate_meeting_input

OSLO = ZoneInfo("Europe/Oslo")


class LosForm(ServiceFormMixin, StyledForm):
    """Designsystemet inputs; a service's errors onto the form."""


def _member_label(member: GroupMember) -> str:
    return f"{member.name} ({member.affiliation})"


class MemberChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: GroupMember) -> str:
        return _member_label(obj)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: GroupMember) -> str:
        return _member_label(obj)


def _active_members(family: Family, professionals_only: bool = False):
    today = timezone.localdate()
    qs = GroupMember.objects.filter(family=family, joined__lte=today).exclude(left__lte=today).select_related(
        "family_member", "child", "user", "service_provider").order_by("kind", "id")
    if professionals_only:
        qs = qs.exclude(kind=MemberKind.FAMILY)
    return qs


def meeting_times() -> tuple[forms.TimeField, forms.TimeField]:
    """The fields for the time a meeting starts and ends (hh:mm), with their messages."""
    def time_field(label: str, required: str, invalid: str) -> forms.TimeField:
        return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               error_messages={"required": required, "invalid": invalid})

    return (time_field(_("Starts at"), _("Give the time the meeting starts."),
                       _("Write the time as hh:mm, for example 09:30.")),
            time_field(_("Ends at"), _("Give the time the meeting ends."),
                       _("Write the time as hh:mm, for example 11:00.")))


class MeetingForm(LosForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices, initial=MeetingKind.COORDINATION,
                             widget=forms.RadioSelect)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": _("Give the date of the meeting."),
                                           "invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")})
    start_time, end_time = meeting_times()
    place = forms.CharField(label=_("Place"), max_length=300, required=False,
                            help_text=_("For example the school's meeting room. Give a place, a video link or a "
                                        "phone number."))
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https",
                                error_messages={"invalid": _("Paste the whole video link, starting with https://")})
    phone = forms.CharField(label=_("Phone number to call"), max_length=30, required=False)
    participants = MemberChoiceField(label=_("Who is invited"), queryset=GroupMember.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family: Family, allow_professional: bool, meeting: Meeting | None = None, **kwargs):
        self.family, self.meeting = family, meeting
        if meeting is not None and "initial" not in kwargs:
            start, end = timezone.localtime(meeting.starts_at, OSLO), timezone.localtime(meeting.ends_at, OSLO)
            kwargs["initial"] = {
                "kind": meeting.kind, "date": start.date(), "start_time": start.time(), "end_time": end.time(),
                "place": meeting.place, "video_link": meeting.video_link, "phone": meeting.phone,
                "participants": list(meeting.attendance.filter(invited=True).values_list("member_id", flat=True)),
                "version": meeting.version,
            }
        super().__init__(*args, **kwargs)
        professional = meeting.kind == MeetingKind.PROFESSIONAL if meeting else False
        self.fields["participants"].queryset = _active_members(family, professionals_only=professional)
        if meeting is not None or not allow_professional:
            del self.fields["kind"]
        if meeting is None:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        data["starts_at"] = datetime.combine(day, start, tzinfo=OSLO)
        data["ends_at"] = datetime.combine(day, end, tzinfo=OSLO)
        kind = data.get("kind") or (self.meeting.kind if self.meeting else MeetingKind.COORDINATION)
        data["kind"] = kind
        try:
            validate_meeting_input(
                municipality_id=self.family.municipality_id, kind=kind, starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data.get("place", ""), video_link=data.get("video_link", ""),
                phone=data.get("phone", ""), participants=data.get("participants") or [], family=self.family,
                check_date=self.meeting is None or data["starts_at"] != self.meeting.starts_at,
            )
        except ValidationError as error:
            self.apply_errors(error)
        return data


class CancelForm(LosForm):
    reason = forms.CharField(label=_("Reason (shown to the participants in Los)"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class GroupMemberForm(LosForm):
    person = forms.ChoiceField(label=_("Person"), error_messages={"required": _("Choose a person.")})
    role_title = forms.CharField(label=_("Role in the group (optional)"), max_length=200, required=False,
                                 help_text=_("For example “contact teacher” or “grandmother, helps at home”."))
    joined = forms.DateField(label=_("Member from"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             error_messages={"invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")})

    def __init__(self, *args, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Choose …")), *choices]


class LeaveForm(LosForm):
    reason = forms.CharField(label=_("Reason for leaving (optional)"), max_length=300, required=False)


class AgendaItemForm(LosForm):
    title = forms.CharField(label=_("What do you want to talk about?"), max_length=300,
                            error_messages={"required": _("Write what you want to talk about.")})
    details = forms.CharField(label=_("More about it (optional)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(LosForm):
    text = forms.CharField(label=_("Notes from the meeting"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(LosForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(LosForm):
    present = forms.MultipleChoiceField(label=_("Who came"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members: list[GroupMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), _member_label(m)) for m in members]

    def present_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("present", [])]


class _ActionFields(LosForm):
    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _active_members(meeting.family,
                                                        professionals_only=meeting.kind == MeetingKind.PROFESSIONAL)


class ActionForm(_ActionFields):
    title = forms.CharField(label=_("What is to be done"), max_length=300,
                            error_messages={"required": _("Write what is to be done.")})
    owner = OwnerChoiceField(label=_("Owner"), queryset=GroupMember.objects.none(), empty_label=_("Choose …"),
                             error_messages={"required": _("Choose who owns the action.")})
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"required": _("Give a due date."),
                                               "invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")})
    measure = forms.TypedChoiceField(label=_("Plan measure (optional)"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        measures = plans_link.measure_choices(meeting.family)
        if measures:
            self.fields["measure"].choices = [("", _("None")), *[(m.pk, m.title) for m in measures]]
        else:
            del self.fields["measure"]


class DecisionForm(_ActionFields):
    text = forms.CharField(label=_("Agreement"), widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write the agreement.")})
    owner = OwnerChoiceField(label=_("Owner, if it is an action"), queryset=GroupMember.objects.none(),
                             required=False, empty_label=_("No action"))
    due_date = forms.DateField(label=_("Due date, if it is an action"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")})
    as_measure = forms.BooleanField(label=_("Also add it to the individual plan as a measure"), required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        if not plans_link.plans_available(meeting.family):
            del self.fields["as_measure"]


class ContactForm(LosForm):
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": _("Give the date of the contact."),
                                                  "invalid": _("Write the date as dd.mm.yyyy, for example 14.03.2027.")})
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices, initial=ContactKind.PHONE)
    with_whom = forms.CharField(label=_("With whom"), max_length=200,
                                help_text=_("For example “the mother” or “the school's special needs teacher”."),
                                error_messages={"required": _("Write who you talked with.")})
    agreed = forms.CharField(label=_("What was said and agreed"), widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Write what was said and agreed, in a sentence or two.")})
    follow_up = forms.CharField(label=_("Follow-up (optional)"), max_length=300, required=False,
                                help_text=_("What you or someone else will do next."))
    follow_up_due = forms.DateField(label=_("Follow up by (optional)"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    error_messages={"invalid": _("Write the date as dd.mm.yyyy, for example "
                                                                 "14.03.2027.")})
    shared_with_family = forms.BooleanField(
        label=_("The family may read this"), required=False,
        help_text=_("Tick when the entry concerns the family and they should be able to read it."))

    def __init__(self, *args, may_keep_private: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_keep_private = may_keep_private
        if not may_keep_private:
            del self.fields["shared_with_family"]

    def clean(self):
        data = super().clean()
        if not self.may_keep_private:
            data["shared_with_family"] = True
        try:  # every rule at once, not only the missing fields
            validate_contact(happened_on=data.get("happened_on"), with_whom=data.get("with_whom") or "x",
                             agreed=data.get("agreed") or "x", follow_up=data.get("follow_up") or "",
                             follow_up_due=data.get("follow_up_due"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data
