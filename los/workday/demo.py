"""Demo data for the working day: the demo barnekoordinator's today page as a real morning looks.

Runs after the other apps' seeders (``APP_SEEDERS``), on the demo municipality only: a co-coordinator on the demo
family (Sigrid Aalvik, who has the role as a 4 % extra function), calls and conversations in the contact log (one
follow-up overdue, one due this week, one shared with the family), an unread message from the family, calls with
about half of the coordinator's other families, a meeting this week and a meeting held two days ago whose minutes are
started but not yet written or approved. Together with the other seeders' overdue actions, unread messages,
deadlines and evaluations, "Today" has something overdue and something this week.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from los.accounts.models import User
from los.core.demo.seed import DemoContext
from los.families.models import CoAssignment, CoordinatorAssignment, CoRole
from los.meetings.models import (
    Attendance,
    ContactEntry,
    ContactKind,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberKind,
    Minutes,
)

OSLO = ZoneInfo("Europe/Oslo")

CALLS = [
    "Mor ringte om søvnen; vi avtalte å ta det opp i neste møte.",
    "Snakket med far om avlastning. Han sender søknaden i helgen.",
    "Kort samtale med skolen om ny assistent etter jul.",
    "Mor fortalte at fysioterapien er flyttet til tirsdager.",
    "Samtale med helsestasjonen om vekt og ernæring; ingen endring nå.",
]


def _aware(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def seed(ctx: DemoContext) -> None:
    family = ctx.demo_family
    if family is None:
        return
    today = ctx.today
    people = {u.username: u for u in User.objects.filter(username__in=["koordinator", "koordinator2"])}
    coordinator, colleague = people.get("koordinator"), people.get("koordinator2")
    if coordinator is None:
        return
    m = family.municipality_id
    story = ctx.story()  # the family's names, from its records
    if story is None:
        return
    if colleague is not None:
        CoAssignment.objects.create(family=family, municipality_id=m, user=colleague, role=CoRole.CO_COORDINATOR,
                                    started=today - timedelta(days=60), added_by=coordinator)

    entries = [
        ContactEntry(family=family, municipality_id=m, happened_on=today - timedelta(days=20), kind=ContactKind.PHONE,
                     with_whom=story.fill("{mother} (mor)"),
                     agreed="Snakket om søvnen og skolen. Mor ønsker at HABU kommer på neste møte.",
                     follow_up="Invitere HABU til neste møte", follow_up_due=today - timedelta(days=14),
                     follow_up_done_at=_aware(today - timedelta(days=15), 11), shared_with_family=True,
                     created_by=coordinator),
        ContactEntry(family=family, municipality_id=m, happened_on=today - timedelta(days=9),
                     kind=ContactKind.CONVERSATION, with_whom=story.fill("{teacher_full}, kontaktlærer"),
                     agreed="Skolen mangler assistent i friminuttene. Rektor tar det opp med PPT denne uken.",
                     follow_up="Ringe rektor og høre om assistenten", follow_up_due=today - timedelta(days=2),
                     shared_with_family=False, created_by=coordinator),
        ContactEntry(family=family, municipality_id=m, happened_on=today - timedelta(days=3), kind=ContactKind.PHONE,
                     with_whom=story.fill("{father} (far)"),
                     agreed="Far vil ha innkallinger og referater på e-post, og møter etter klokken 14.",
                     follow_up="Sende møteinnkallingen til far", follow_up_due=today + timedelta(days=2),
                     shared_with_family=True, created_by=coordinator),
    ]
    current = (CoordinatorAssignment.objects.filter(coordinator=coordinator, started__lte=today)
               .filter(Q(ended__isnull=True) | Q(ended__gt=today)).exclude(family=family)
               .order_by("family_id").values_list("family_id", flat=True))
    others = list(current)
    for i, fid in enumerate(others):
        if i % 2 == 0:
            entries.append(ContactEntry(family_id=fid, municipality_id=m, happened_on=today - timedelta(days=2 + i % 25),
                                        kind=ContactKind.PHONE, with_whom="Mor", agreed=CALLS[i % len(CALLS)],
                                        shared_with_family=i % 4 == 0, created_by=coordinator))
    ContactEntry.objects.bulk_create(entries)

    # a message from the family last night that the coordinator has not read yet
    mother = User.objects.filter(username="forelder").first()
    if mother is not None:
        from los.portal.models import Message, MessageRead
        from los.portal.selectors import message_participants

        message = Message.objects.create(
            family=family, municipality_id=m, sender=mother, sent_at=_aware(today - timedelta(days=1), 21),
            body="Hei! Skolen ringte i dag om assistenten. Kan du ringe meg i morgen?")
        MessageRead.objects.bulk_create([
            MessageRead(family=family, municipality_id=m, message=message, recipient=user,
                        read_at=None if user.pk != mother.pk else message.sent_at)
            for user in message_participants(family)])

    # a meeting this week and one held two days ago with minutes not yet written, for two of the coordinator's other families
    soon = _weekday(today + timedelta(days=2))
    has_meeting_soon = Meeting.objects.filter(
        family_id__in=others + [family.pk], status=MeetingStatus.SCHEDULED,
        starts_at__gte=_aware(today, 0), starts_at__lt=_aware(today + timedelta(days=7), 0)).exists()
    plans = []
    if not has_meeting_soon:
        plans.append((soon, 10, MeetingStatus.SCHEDULED, "Rådhuset, møterom 2"))
    plans.append((today - timedelta(days=2), 13, MeetingStatus.HELD, "Skolen, møterommet i 2. etasje"))
    with_members = [fid for fid in others
                    if GroupMember.objects.filter(family_id=fid, left__isnull=True, kind=MemberKind.FAMILY).exists()]
    for (day, hour, status, place), fid in zip(plans, with_members, strict=False):
        meeting = Meeting.objects.create(
            family_id=fid, municipality_id=m, kind=MeetingKind.COORDINATION, starts_at=_aware(day, hour),
            ends_at=_aware(day, hour + 1), place=place, status=status, ical_uid=f"{ctx.rng.getrandbits(64):016x}{ctx.rng.getrandbits(64):016x}@los.demo",
            created_by=coordinator, created_at=_aware(today - timedelta(days=14), 9),
            updated_at=_aware(today - timedelta(days=14), 9))
        members = list(GroupMember.objects.filter(family_id=fid, left__isnull=True))
        Attendance.objects.bulk_create([
            Attendance(family_id=fid, municipality_id=m, meeting=meeting, member=member,
                       service_provider_id=member.service_provider_id, invited=True,
                       present=True if status == MeetingStatus.HELD else None) for member in members])
        if status == MeetingStatus.HELD:  # started after the meeting, not written yet
            Minutes.objects.create(family_id=fid, municipality_id=m, meeting=meeting, updated_by=coordinator,
                                   updated_at=_aware(day, hour + 1))
