"""Fixtures for the transitions tests: a family with a history in every app, and helpers for a fixed clock."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from los.access.models import Consent, ConsentMethod
from los.accounts.models import Role
from los.core import testing as t
from los.core.models import ProviderKind
from los.families.models import Child

OSLO = ZoneInfo("Europe/Oslo")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_registry():
    from los.transitions import timeline

    timeline.reset()
    yield
    timeline.reset()
    timeline._registered.clear()


def consent(family, provider, categories, **fields) -> Consent:
    now = timezone.now()
    return Consent.objects.create(
        family=family, municipality=family.municipality, service_provider=provider, categories=categories,
        valid_from=fields.pop("valid_from", now - timedelta(days=10)),
        valid_to=fields.pop("valid_to", now + timedelta(days=300)), method=ConsentMethod.DIGITAL,
        text_shown="Samtykke", given_by_member=family.members.filter(may_consent=True).first(), **fields)


@pytest.fixture
def rich(world):
    """The world's family (Familien Berg, Ida Berg, 11 years, born 1 March) with something in every app:

    - consents: the school for case, contact, plan and meetings (``world.contact`` works there); PPT for case and
      plan only (``world.ppt_contact``, no meetings); HABU for case and health; an earlier consent withdrawn;
    - a request and a granted decision on a barnekoordinator;
    - an individual plan with what matters, a goal reached at an evaluation, a resource, an open measure and a
      plan version;
    - a coordination group (mother, coordinator, school contact), a held meeting with an open action, and a
      fagmøte with an action the family does not see;
    - a granted service (avlastning) with an application and a decision on it, and a considered one;
    - a finished transition plan with what worked.
    """
    from los.meetings.models import Action, GroupMember, Meeting, MeetingKind, MeetingStatus
    from los.plans.models import Evaluation, EvaluationDate, Goal, Measure, Plan, PlanVersion, Resource
    from los.referrals.models import Request, Vedtak
    from los.servicemap.models import Application, ServiceEntry
    from los.transitions.models import PlanStatus, TransitionKind, TransitionPlan

    w = world
    f = w.family
    m = w.municipality
    today = timezone.localdate()
    w.child = f.children.get()
    w.child.given_name, w.child.condition_categories = "Ida", ["physical"]
    w.child.condition_summary = "Cerebral parese, bruker rullestol ute."
    w.child.setting = "primary_school"
    w.child.birth_date, w.child.fodselsnummer = date(today.year - 11, 3, 1), ""  # 11: 8th grade within two years
    w.child.save()
    w.mother = f.members.get()
    w.mother.phone, w.mother.email = "91234567", "mor@berg.example"
    w.mother.save()
    w.ppt = t.provider(m, ProviderKind.PPT, "PPT Testvik")
    w.habu = t.provider(m, ProviderKind.HABU, "HABU Testvik")
    w.ppt_contact = t.staff(Role.SERVICE_CONTACT, m, "kontakt.ppt", service_provider=w.ppt)
    w.habu_contact = t.staff(Role.SERVICE_CONTACT, m, "kontakt.habu", service_provider=w.habu)
    w.school_consent = consent(f, w.school, ["case", "contact", "plan", "meetings"])
    w.ppt_consent = consent(f, w.ppt, ["case", "plan"])
    w.habu_consent = consent(f, w.habu, ["case", "health"])
    w.old_consent = consent(f, w.habu, ["case", "services"], valid_from=timezone.now() - timedelta(days=200),
                            withdrawn_at=timezone.now() - timedelta(days=100), withdrawn_by=w.parent)
    w.request = Request.objects.create(family=f, municipality=m, source="family", status="decided",
                                       received=today - timedelta(days=120), description="Trenger hjelp med oversikt.")
    w.vedtak = Vedtak.objects.create(
        request=w.request, family=f, municipality=m, outcome="granted", rules="pbrl § 2-5 c", facts="Fakta",
        considerations="Vurdering", decided_by=w.caseworker, decision_date=today - timedelta(days=90),
        notified_on=today - timedelta(days=89), appeal_deadline=today - timedelta(days=61))
    w.plan = Plan.objects.create(family=f, municipality=m, what_matters="At Ida kan være med på det de andre gjør.",
                                 created_by=w.coordinator)
    w.goal = Goal.objects.create(plan=w.plan, family=f, municipality=m, text="Ida skal kunne gå på turer med klassen",
                                 created_by=w.coordinator)
    Resource.objects.create(plan=w.plan, family=f, municipality=m, text="Besteforeldre som avlaster i helgene",
                            created_by=w.coordinator)
    w.measure = Measure.objects.create(plan=w.plan, family=f, municipality=m, goal=w.goal,
                                       title="Tilpasset uteområde ved skolen", owner_person=w.contact,
                                       owner_provider=w.school, due_date=today + timedelta(days=60))
    occasion = EvaluationDate.objects.create(plan=w.plan, family=f, municipality=m, date=today - timedelta(days=20),
                                             held_on=today - timedelta(days=20), created_by=w.coordinator)
    Evaluation.objects.create(plan=w.plan, family=f, municipality=m, occasion=occasion, goal=w.goal, result="reached",
                              family_view="Turene fungerer godt nå", recorded_by=w.coordinator)
    PlanVersion.objects.create(plan=w.plan, family=f, municipality=m, number=1, snapshot={}, change="created",
                               author=w.coordinator, author_name="Test Bk")
    w.m_mother = GroupMember.objects.create(family=f, municipality=m, kind="family", family_member=w.mother,
                                            joined=today - timedelta(days=80))
    w.m_coordinator = GroupMember.objects.create(family=f, municipality=m, kind="coordinator", user=w.coordinator,
                                                 joined=today - timedelta(days=80))
    w.m_contact = GroupMember.objects.create(family=f, municipality=m, kind="service", user=w.contact,
                                             service_provider=w.school, role_title="Kontaktlærer",
                                             joined=today - timedelta(days=80))
    w.meeting = Meeting.objects.create(family=f, municipality=m, kind=MeetingKind.COORDINATION,
                                       starts_at=at(today - timedelta(days=30)), ends_at=at(today - timedelta(days=30), 11),
                                       place="Testvik skole, møterom 2", status=MeetingStatus.HELD,
                                       ical_uid=f"{uuid.uuid4()}@los", created_by=w.coordinator)
    w.action = Action.objects.create(family=f, municipality=m, meeting=w.meeting, title="Bestille ny rullestolrampe",
                                     owner_member=w.m_contact, owner=w.contact, service_provider=w.school,
                                     due_date=today + timedelta(days=10), created_by=w.coordinator)
    w.fagmote = Meeting.objects.create(family=f, municipality=m, kind=MeetingKind.PROFESSIONAL,
                                       starts_at=at(today - timedelta(days=25)), ends_at=at(today - timedelta(days=25), 11),
                                       place="Rådhuset", status=MeetingStatus.HELD, ical_uid=f"{uuid.uuid4()}@los",
                                       created_by=w.coordinator)
    w.secret_action = Action.objects.create(family=f, municipality=m, meeting=w.fagmote,
                                            title="Drøfte bekymring med barnevernet", owner_member=w.m_coordinator,
                                            owner=w.coordinator, due_date=today + timedelta(days=5),
                                            created_by=w.coordinator)
    w.entry = ServiceEntry.objects.create(family=f, municipality=m, title="Avlastning i Solsikken", state="granted",
                                          extent_amount=16, extent_unit="hours", extent_per="month",
                                          period_from=today - timedelta(days=100), period_to=today + timedelta(days=200),
                                          contact_name="Kari Avlaster", created_by=w.coordinator)
    Application.objects.create(family=f, municipality=m, entry=w.entry, sent_on=today - timedelta(days=150),
                               decision="granted", decision_on=today - timedelta(days=100),
                               decision_received_on=today - timedelta(days=98))
    ServiceEntry.objects.create(family=f, municipality=m, title="Grunnstønad", state="considered")
    w.done_plan = TransitionPlan.objects.create(
        family=f, municipality=m, child=w.child, kind=TransitionKind.NEW_CONTACT, key="new_contact:earlier",
        transition_date=today - timedelta(days=300), opened_on=today - timedelta(days=300), status=PlanStatus.DONE,
        closed_on=today - timedelta(days=250), what_worked="Overlappingsmøte mellom gammel og ny lærer hjalp Ida.")
    return w


@pytest.fixture
def young_sibling(rich):
    """A 17-year-old sibling with needs, in the same family; the guardians' consents do not cover their health."""
    today = timezone.localdate()
    rich.teen = Child.objects.create(family=rich.family, municipality=rich.municipality, given_name="Jon",
                                     family_name="Berg", birth_date=today.replace(year=today.year - 17) - timedelta(days=5),
                                     condition_summary="Angst, følges av BUP.", setting="upper_secondary")
    return rich

