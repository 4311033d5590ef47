"""The coordination group: members, meetings, agenda, minutes, decisions and actions.

Norwegian terms used here:

- *Ansvarsgruppe* = the coordination group around a family: the family itself (guardians, the child,
  sometimes others), the barnekoordinator and named contacts in the services (school, PPT,
  helsestasjon, HABU, BUP, NAV ...). Who is a member, and from when to when, is kept in
  :class:`GroupMember`; nothing is deleted when someone leaves.
- *Samarbeidsmøte* / *ansvarsgruppemøte* = a meeting of the coordination group, with the family.
- *Fagmøte* = a professionals-only meeting, called by the barnekoordinator where the municipality's
  delegation (*delegeringsvedtak*) allows it (:class:`MeetingPolicy`). The family can always see
  that a fagmøte was held, when and who took part, but not its agenda, minutes or actions.
- *Saksliste* = agenda; *referat* = minutes; *oppmøte* = attendance; *avtale* / *beslutning* = an
  agreement made in the meeting (model :class:`Decision`; never a *vedtak*, which is a formal administrative
  decision with appeal rights, so everything a user reads says "agreement"); *oppgave* = an action
  with an owner and a due date; *tiltak* = a measure in the individual plan (los.plans). The links to
  plan measures are nullable and were added in a later migration (0002), after los.plans existed.

Every row about a family carries ``family`` and ``municipality`` (equal to the family's) and is in
the information category :attr:`Category.MEETINGS`, so a service contact sees it only while the
family's consent covers meetings.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from los.core.models import (
    Municipality,
    ServiceProvider,
    family_field,
    municipality_field,
    user_field,
    version_field,
)
from los.families.models import Child, Family, FamilyMember, person_name


class MeetingPolicy(models.Model):
    """What the municipality's delegation decision lets its barnekoordinators do with meetings."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="meeting_policy",
                                        verbose_name=_("municipality"))
    allow_professional_meetings = models.BooleanField(
        _("barnekoordinators may call professionals-only meetings (fagmøte)"), default=False,
        help_text=_("Set according to the municipality's delegation decision."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("days before the due date to remind the owner of an action"), default=3,
    )

    class Meta:
        verbose_name = _("meeting policy")
        verbose_name_plural = _("meeting policies")

    def __str__(self) -> str:
        return str(self.municipality)

    @classmethod
    def for_municipality(cls, municipality_id: int) -> MeetingPolicy:
        """The municipality's policy, or the default (no fagmøte) when none is recorded."""
        return cls.objects.filter(municipality_id=municipality_id).first() or cls(municipality_id=municipality_id)


class MemberKind(models.TextChoices):
    FAMILY = "family", _("The family")
    COORDINATOR = "coordinator", _("Barnekoordinator")
    SERVICE = "service", _("Service contact")


class GroupMember(models.Model):
    """A member of the family's coordination group (ansvarsgruppe).

    A family member is either a :class:`FamilyMember` (a guardian, a sibling, ...) or the
    :class:`Child` itself. The coordinator and service contacts are users; a service contact is
    linked to their service provider and must be covered by the family's consent (checked in
    ``services.add_group_member``). Leaving sets ``left``; the row stays as history.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="group_members",
                               verbose_name=_("family"))
    municipality = municipality_field()
    kind = models.CharField(_("member type"), max_length=20, choices=MemberKind.choices)
    family_member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="group_memberships", verbose_name=_("family member"))
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="group_memberships", verbose_name=_("child"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="group_memberships", verbose_name=_("person"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="group_memberships", verbose_name=_("service"))
    role_title = models.CharField(_("role in the group"), max_length=200, blank=True)
    joined = models.DateField(_("joined"), default=timezone.localdate)
    left = models.DateField(_("left"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "joined", "id"]
        verbose_name = _("coordination group member")
        verbose_name_plural = _("coordination group members")
        indexes = [
            models.Index(fields=["family", "left"]),
            models.Index(fields=["user", "left"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="family", user__isnull=True)
                           & (models.Q(family_member__isnull=False) | models.Q(child__isnull=False)))
                | (~models.Q(kind="family") & models.Q(user__isnull=False)),
                name="group_member_is_a_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="service") | models.Q(service_provider__isnull=False),
                name="group_member_service_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return person_name(self) or "?"

    @property
    def affiliation(self) -> str:
        """What the member is in the group: their relation, 'barnekoordinator' or their service."""
        if self.kind == MemberKind.SERVICE and self.service_provider_id:
            return self.service_provider.name
        if self.family_member_id:
            return str(self.family_member.get_relation_display())
        if self.child_id:
            return str(_("the child"))
        return str(self.get_kind_display())

    @property
    def login_id(self) -> int | None:
        """The user id of the person, when they can log in."""
        if self.user_id:
            return self.user_id
        if self.family_member_id:
            return self.family_member.user_id
        if self.child_id:
            return self.child.user_id
        return None

    @property
    def email(self) -> str:
        if self.user_id:
            return self.user.email
        if self.family_member_id:
            return self.family_member.email or (self.family_member.user.email if self.family_member.user_id else "")
        if self.child_id and self.child.user_id:
            return self.child.user.email
        return ""

    def is_active_on(self, day: date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())


class MeetingKind(models.TextChoices):
    COORDINATION = "coordination", _("Coordination group meeting")
    PROFESSIONAL = "professional", _("Professionals-only meeting (fagmøte)")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """A meeting of the coordination group (samarbeidsmøte) or a professionals-only fagmøte.

    Times are aware datetimes, shown and exported in Europe/Oslo. ``ical_uid`` stays the same for the
    life of the meeting; ``ical_sequence`` goes up on every change that calendars must pick up (time,
    place, cancellation), as iCalendar (RFC 5545/5546) requires. ``version`` guards the edit form.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("family"))
    municipality = municipality_field()
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices,
                            default=MeetingKind.COORDINATION)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    phone = models.CharField(_("phone number to call"), max_length=30, blank=True)
    participants = models.ManyToManyField(GroupMember, through="Attendance", related_name="meetings",
                                          verbose_name=_("participants"))
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    ical_uid = models.CharField(max_length=100, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    version = version_field()
    created_by = user_field(_("called by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["family", "starts_at"]),
            models.Index(fields=["municipality", "status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%d.%m.%Y %H:%M}"

    @property
    def is_professional(self) -> bool:
        return self.kind == MeetingKind.PROFESSIONAL

    @property
    def is_upcoming(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED and self.ends_at >= timezone.now()


class AgendaSource(models.TextChoices):
    PREVIOUS_ACTION = "previous_action", _("Action from the last meeting")
    FAMILY_WISH = "family_wish", _("The family's wish")
    OPEN_ACTION = "open_action", _("Open action")
    MEASURE_EVALUATION = "measure_evaluation", _("Plan measure due for evaluation")
    TRANSITION = "transition", _("Upcoming transition")
    PARTICIPANT = "participant", _("Proposed by a participant")


class AgendaItem(models.Model):
    """An item on a meeting's agenda (saksliste).

    Before the meeting the family (and the others) add what they want to talk about. The draft
    agenda is built by ``selectors.draft_agenda`` from these and from open actions, plan measures due
    for evaluation and upcoming transitions; when the minutes are started the draft is stored as rows
    here, in order, so the agenda of a past meeting stays as it was.
    """

    family = family_field()
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items",
                                verbose_name=_("meeting"))
    title = models.CharField(_("what to talk about"), max_length=300)
    details = models.TextField(_("more about it"), blank=True)
    source = models.CharField(_("source"), max_length=30, choices=AgendaSource.choices)
    action = models.ForeignKey("Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    measure = models.ForeignKey("plans.Measure", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("plan measure"))
    position = models.PositiveSmallIntegerField(_("position"), null=True, blank=True)
    added_by = user_field(_("added by"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "created_at", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    """The minutes (referat) of one meeting. Written live or afterwards, approved by the family's
    barnekoordinator and then shown to the family. ``version`` is the optimistic lock: two people
    saving at once do not overwrite each other silently."""

    family = family_field()
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes",
                                   verbose_name=_("meeting"))
    text = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MinutesStatus.choices,
                              default=MinutesStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = user_field()
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = user_field(_("approved by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting}"

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class Attendance(models.Model):
    """Who was invited to a meeting and who came (oppmøte).

    ``invited`` rows are the meeting's participants. ``present`` is None until attendance is
    recorded. ``service_provider`` is copied from the member, so absence per service can be counted
    without joins (services that are hard to involve are a statistic for the coordinating unit).
    """

    family = family_field()
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("meeting"))
    member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="attendance",
                               verbose_name=_("member"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("service"))
    invited = models.BooleanField(_("invited"), default=True)
    present = models.BooleanField(_("was present"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "member__kind", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member")]
        indexes = [models.Index(fields=["municipality", "service_provider", "present"])]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class Decision(models.Model):
    """An agreement (*avtale* / *beslutning*) written in the minutes. It may become an action or a plan measure.

    The model keeps its old name, ``Decision``, so that migrations, the API and exports stay stable; every text a
    user reads calls it an *agreement*: what a coordination group agrees is never a *vedtak*."""

    family = family_field()
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name=_("meeting"))
    text = models.TextField(_("agreement"))
    measure = models.ForeignKey("plans.Measure", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="meeting_decisions", verbose_name=_("became plan measure"))
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class Action(models.Model):
    """An action (oppgave) agreed in a meeting: one owner (a person and their service), a due date,
    open until the owner or the coordinator marks it done. Reminders go out before the due date and
    when it is overdue. The owner may change it (``access_owner_ids``)."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="meeting_actions",
                               verbose_name=_("family"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="actions",
                                verbose_name=_("agreed in meeting"))
    decision = models.ForeignKey(Decision, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="actions", verbose_name=_("from agreement"))
    title = models.CharField(_("what is to be done"), max_length=300)
    owner_member = models.ForeignKey(GroupMember, on_delete=models.PROTECT, related_name="actions",
                                     verbose_name=_("owner"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="meeting_actions", verbose_name=_("owner's log-in"))
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("owner's service"))
    due_date = models.DateField(_("due date"))
    measure = models.ForeignKey("plans.Measure", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="meeting_actions", verbose_name=_("plan measure it follows up"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = user_field(_("marked done by"))
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = user_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["family", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def access_owner_ids(self) -> list[int]:
        return [self.owner_id] if self.owner_id else []

    @property
    def is_done(self) -> bool:
        return self.status == ActionStatus.DONE

    def is_overdue_on(self, day: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class CalendarToken(models.Model):
    """A secret token for a person's calendar feed (``/moter/kalender/<token>.ics``).

    The token is the credential, so only its SHA-256 digest is stored; the address is shown once,
    when it is made. Revoking stops the feed at once. The feed holds only the owner's own meetings
    that the access policy still allows, with no content beyond time and place.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens",
                             verbose_name=_("user"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("first characters"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.user} {self.hint}…"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    CONVERSATION = "conversation", _("Conversation")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Text message or e-mail")
    HOME_VISIT = "home_visit", _("Home visit")


class ContactEntry(models.Model):
    """One contact between meetings (*kontaktlogg*): a phone call or a conversation, with whom, what was agreed and
    what to follow up, so that the coordinator's follow-up by phone leaves a trace.

    ``shared_with_family`` decides who reads it. An entry shared with the family is in the ``messages`` category
    (the family and its coordinator, never the coordinating unit or a service); one not shared is the
    coordinator's working notes (``working_notes``: the coordinator, and a co-coordinator only when the
    coordinator lets them). Either way it counts as contact in the unit's "families without contact" figure,
    which shows counts, never the content.
    """

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="contact_entries",
                               verbose_name=_("family"))
    municipality = municipality_field()
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices,
                            default=ContactKind.PHONE)
    with_whom = models.CharField(_("with whom"), max_length=200,
                                 help_text=_("For example “the mother” or “the school's special needs teacher”."))
    agreed = models.TextField(_("what was said and agreed"))
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True,
                                 help_text=_("What you or someone else will do next. Leave empty if nothing."))
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    shared_with_family = models.BooleanField(
        _("the family may read this"), default=False,
        help_text=_("Tick when the entry concerns the family and they should be able to read it. Otherwise only "
                    "you (and a co-coordinator you let read your working notes) see it."))
    created_by = user_field(_("written by"), on_delete=models.PROTECT, null=False)
    created_at = models.DateTimeField(default=timezone.now)
    version = version_field()

    class Meta:
        ordering = ["-happened_on", "-created_at", "-id"]
        verbose_name = _("contact between meetings")
        verbose_name_plural = _("contacts between meetings")
        indexes = [
            models.Index(fields=["family", "happened_on"]),
            models.Index(fields=["follow_up_done_at", "follow_up_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%d.%m.%Y}"

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and self.follow_up_done_at is None
