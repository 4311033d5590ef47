"""The demo data: realistic meetings, attendance that reflects how hard some services are to involve,
actions mostly done, and a demo family rich enough to show every feature."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Count, F, Q

from los.core.demo.seed import build
from los.meetings.models import (
    Action,
    ActionStatus,
    AgendaSource,
    Attendance,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)

TODAY = date(2026, 11, 23)


@pytest.fixture
def demo(db):
    return build("demo", seed=5, today=TODAY)


def _absence(kinds) -> float:
    rows = Attendance.objects.filter(present__isnull=False, service_provider__kind__in=kinds).aggregate(
        n=Count("id"), absent=Count("id", filter=Q(present=False)))
    return rows["absent"] / rows["n"]


@pytest.mark.django_db
def test_meetings_for_active_families(demo):
    families = Meeting.objects.values("family").distinct().count()
    active = sum(1 for f in demo.families if f.status == "active")
    assert families >= 0.9 * active
    assert not Meeting.objects.exclude(family__status="active").exists()
    per_year = []
    for fid in Meeting.objects.values_list("family", flat=True).distinct():
        meetings = list(Meeting.objects.filter(family_id=fid, starts_at__date__lte=TODAY).order_by("starts_at"))
        if len(meetings) >= 3:
            span = (meetings[-1].starts_at - meetings[0].starts_at).days
            per_year.append((len(meetings) - 1) * 365 / span)
    assert 2.5 <= sum(per_year) / len(per_year) <= 5.5
    assert not Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__date__lt=TODAY).exists()
    assert Meeting.objects.filter(kind=MeetingKind.PROFESSIONAL).exists()
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED).exists()
    # every held meeting has minutes and attendance
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    assert Minutes.objects.filter(meeting__in=held).count() == held.count()
    assert not held.filter(attendance__isnull=True).exists()
    # every meeting is in its family's municipality
    assert not Meeting.objects.exclude(municipality=F("family__municipality")).exists()


@pytest.mark.django_db
def test_hard_to_involve_services_are_absent_more_often(demo):
    hard = _absence(["nav", "bup", "habu", "barnevern"])
    easy = _absence(["kindergarten", "school", "helsestasjon"])
    assert hard > 2 * easy


@pytest.mark.django_db
def test_actions_mostly_done_some_overdue(demo):
    total = Action.objects.count()
    done = Action.objects.filter(status=ActionStatus.DONE).count()
    overdue = Action.objects.filter(status=ActionStatus.OPEN, due_date__lt=TODAY).count()
    assert done / total > 0.6
    assert 0 < overdue < 0.25 * total
    assert not Action.objects.exclude(municipality=F("family__municipality")).exists()
    assert not Action.objects.filter(status=ActionStatus.DONE, done_at__isnull=True).exists()


@pytest.mark.django_db
def test_demo_family_shows_every_feature(demo):
    family = demo.demo_family
    meetings = Meeting.objects.filter(family=family)
    assert meetings.filter(status=MeetingStatus.HELD).count() >= 2
    assert meetings.filter(status=MeetingStatus.SCHEDULED).exists()
    assert meetings.filter(status=MeetingStatus.CANCELLED).exists()
    assert meetings.filter(kind=MeetingKind.PROFESSIONAL).exists()
    assert Minutes.objects.filter(meeting__family=family, status=MinutesStatus.APPROVED).exists()
    upcoming = meetings.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at").first()
    assert upcoming.agenda_items.filter(source=AgendaSource.FAMILY_WISH).count() == 2
    members = GroupMember.objects.filter(family=family)
    assert {m.user.username for m in members if m.user_id} >= {"koordinator", "kontakt.habu"}
    assert members.filter(family_member__user__username="forelder").exists()
    open_actions = Action.objects.filter(family=family, status=ActionStatus.OPEN)
    owners = set(open_actions.values_list("owner__username", flat=True))
    assert {"koordinator", "kontakt.habu", "forelder"} <= owners
    assert open_actions.filter(owner__username="kontakt.habu", due_date__lt=TODAY).exists()


@pytest.mark.django_db
def test_demo_is_deterministic():
    from django.db import transaction

    def snapshot(seed):
        try:
            with transaction.atomic():
                build("demo", seed=seed, today=TODAY)
                raise RuntimeError(list(Meeting.objects.order_by("ical_uid").values_list(
                    "ical_uid", "starts_at", "status")) + list(Action.objects.order_by("title", "due_date", "status")
                                                               .values_list("title", "due_date", "status")))
        except RuntimeError as done:
            return done.args[0]

    assert snapshot(2) == snapshot(2)
