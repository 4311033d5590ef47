"""The family's own home and navigation: what needs the family now at the top, the barnekoordinator to call or
write to, one light navigation with no staff tabs, and no link anybody cannot open."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import Category
from los.core import testing as t
from los.core.dates import format_day
from los.core.deadlines import appeal_deadline
from los.meetings import services as meetings
from los.meetings.models import Action, MemberKind
from los.portal import services as portal
from los.servicemap import services as servicemap
from los.servicemap.models import Decision

pytestmark = pytest.mark.django_db


def _page(client, name, pk, language="en") -> str:
    return client.get(reverse(name, args=[pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def _links(page: str) -> list[str]:
    nav = re.findall(r'<nav class="[^"]*(?:los-famnav|los-tabs)[^"]*".*?</nav>', page, flags=re.S)
    return re.findall(r'href="([^"]+)"', "".join(nav))


@pytest.fixture
def busy(world):
    """The family with a new message, a decision with an appeal deadline running, a task of the mother's and the
    next meeting (made with the apps' own services)."""
    today = timezone.localdate()
    family, bk = world.family, world.coordinator
    bk.first_name, bk.last_name, bk.phone = "Hanne", "Vestby", "99 88 77 66"
    bk.save()
    mother = family.members.get()
    portal.send_message(family, bk, "Hei! Husk legeerklæringen.")
    entry = servicemap.create_entry(family, bk, catalog_id="omsorgsstonad")
    app = servicemap.create_application(entry, bk, sent_on=today - timedelta(days=40))
    servicemap.record_decision(app, bk, app.version, decision=Decision.REFUSED,
                               decision_received_on=today - timedelta(days=3), legal_basis="hol § 3-6")
    member = meetings.add_group_member(family, by=bk, kind=MemberKind.FAMILY, family_member=mother)
    coordinator = meetings.add_group_member(family, by=bk, kind=MemberKind.COORDINATOR, user=bk)
    Action.objects.create(family=family, municipality=family.municipality, title="Ta med legeerklæring",
                          owner_member=member, due_date=today + timedelta(days=5))
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=9)
    meetings.schedule_meeting(family, by=bk, kind="coordination", starts_at=start, ends_at=start + timedelta(hours=1),
                              participants=[member, coordinator], place="Testvik skole")
    return world


def test_the_home_starts_with_what_needs_the_family_now_and_the_coordinator(client, busy):
    client.force_login(busy.parent)
    page = _page(client, "portal:overview", busy.family.pk)
    now = page[page.index('id="card-now"'):page.index('id="card-coordinator"')]
    items = re.findall(r'<li class="portal-now__item"[^>]*>(.*?)</li>', now, flags=re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]
    assert text[0] == "1 new message"
    # today is Wednesday 18 November 2026; most pressing first
    assert text[1] == "5 days left Ta med legeerklæring by 23 Nov 2026"
    assert text[2] == "in 9 days Meeting 27 Nov 2026, 10:00"
    deadline = appeal_deadline(timezone.localdate() - timedelta(days=3), "hol § 3-6").deadline
    days = (deadline - timezone.localdate()).days
    assert text[3] == (f"{days} days left Care allowance (omsorgsstønad): Refused. "
                       f"Appeal by {format_day(deadline, 'short', 'en')}.")
    coordinator = page[page.index('id="card-coordinator"'):]
    assert "Barnekoordinator: Hanne Vestby" in coordinator
    assert 'href="tel:99887766"' in coordinator
    assert reverse("portal:messages", args=[busy.family.pk]) in coordinator[:600]


def test_nothing_pressing_says_so(client, world):
    client.force_login(world.parent)
    page = _page(client, "portal:overview", world.family.pk)
    assert "Nothing needs you right now." in page


def test_a_one_family_parent_lands_in_the_familys_home(client, world):
    client.force_login(world.parent)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == reverse("portal:overview", args=[world.family.pk])
    # the staff's overview of the case sends the family to its own home as well
    response = client.get(reverse("families:detail", args=[world.family.pk]))
    assert response.url == reverse("portal:overview", args=[world.family.pk])


def test_a_parent_with_two_families_chooses(client, world):
    t.family(world.municipality, "Familien Berg 2", guardian_user=world.parent)
    client.force_login(world.parent)
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("name", ["portal:overview", "portal:messages", "plans:family_plan",
                                  "meetings:family_meetings", "servicemap:family_map", "access:family_access_log"])
def test_family_pages_have_one_light_navigation_and_no_staff_tabs(client, world, name):
    client.force_login(world.parent)
    page = _page(client, name, world.family.pk)
    assert page.count('class="los-nav los-famnav"') == 1
    assert 'class="los-tabs"' not in page and "Main menu" not in page and "portal-nav" not in page
    assert "Request queue" not in page and "My measures" not in page
    for url in _links(page):
        assert client.get(url).status_code == 200, url


def test_a_service_contact_sees_only_the_tabs_it_may_open(client, world):
    t.consent(world.family, world.school, categories=[Category.CASE, Category.MEETINGS])
    client.force_login(world.contact)
    page = client.get(reverse("meetings:family_meetings", args=[world.family.pk])).content.decode()
    links = _links(page)
    assert reverse("meetings:family_meetings", args=[world.family.pk]) in links
    assert reverse("plans:family_plan", args=[world.family.pk]) not in links
    assert reverse("access:family_access_log", args=[world.family.pk]) not in links
    for url in links:
        assert client.get(url).status_code == 200, url


def test_staff_keep_the_case_tabs(client, world):
    client.force_login(world.coordinator)
    page = _page(client, "families:detail", world.family.pk)
    assert 'class="los-tabs"' in page and "los-famnav" not in page
    links = _links(page)
    assert reverse("plans:family_plan", args=[world.family.pk]) in links
    for url in links:
        assert client.get(url).status_code == 200, url


def test_days_left_read_the_same_in_norwegian(client, busy):
    client.force_login(busy.parent)
    page = _page(client, "portal:overview", busy.family.pk, "nb")
    assert "5 dager igjen" in page
    assert date(2026, 11, 18) == timezone.localdate()


def test_a_guardian_whose_case_is_closed_can_ask_for_a_coordinator_from_the_home(client, world):
    parent = t.user("mor.dal", first_name="Mari", last_name="Dal")
    family = t.family(world.municipality, "Familien Dal", status="closed", guardian_user=parent)
    ask = reverse("referrals:family_ask", args=[family.pk])
    client.force_login(parent)
    home = _page(client, "portal:overview", family.pk)
    assert f'href="{ask}"' in home and "Ask for a barnekoordinator" in home
    assert client.get(ask).status_code == 200  # the link opens
    client.post(ask, {"description": "Vi trenger hjelp til å samordne tjenestene."})
    assert f'href="{ask}"' not in _page(client, "portal:overview", family.pk)  # asked: the request is open
    client.force_login(world.coordinator)  # staff never get the family's button
    own = reverse("referrals:family_ask", args=[world.family.pk])
    assert "portal-now" in _page(client, "portal:overview", world.family.pk)
    assert f'href="{own}"' not in _page(client, "portal:overview", world.family.pk)


def _plan_with_goals(world):
    from los.plans import services as plans
    from los.plans.models import Goal, MeasureStatus

    bk, mother = world.coordinator, world.family.members.get()
    plan = plans.create_plan(world.family, by=bk, consent_given_by=mother)
    walking = plans.add_goal(plan, by=bk, text="Gå til skolen selv")
    plans.add_goal(plan, by=bk, text="Sove hele natten")
    archived = plans.add_goal(plan, by=bk, text="Et gammelt mål")
    Goal.objects.filter(pk=archived.pk).update(archived=True)
    for title in ("Gåtrening", "Følge til skolen", "Kart over skoleveien"):
        plans.create_measure(plan=plan, by=bk, title=title, goal=walking, owner=bk)
    done = walking.measures.get(title="Gåtrening")
    plans.update_measure_status(done, by=bk, version=done.version, status=MeasureStatus.DONE)
    stopped = walking.measures.get(title="Følge til skolen")
    plans.update_measure_status(stopped, by=bk, version=stopped.version, status=MeasureStatus.STOPPED,
                                note="Går selv nå")
    return plan


def test_the_home_shows_each_goals_measures_done(client, world):
    _plan_with_goals(world)
    client.force_login(world.parent)
    page = _page(client, "portal:overview", world.family.pk)
    card = re.search(r'<section class="ds-card" aria-labelledby="card-plan">.*?</section>', page, flags=re.S).group()
    assert "Gå til skolen selv" in card and "2 of 3 measures done" in card  # done and stopped are no longer open
    assert "Sove hele natten" in card and card.count("measures done") == 1  # a goal without measures has no count
    assert "Et gammelt mål" not in card


#: What the family's home asks the database for a busy family (a guardian, in English): the request, the policy,
#: each card and the audit event. It does not grow with the family's data. Lowered from 39 when the services card
#: stopped reading the followed grants again, the recorded transitions were read only for a family that has any,
#: and the navigator card took the children and the service-map rows the other cards had read.
HOME_QUERIES = 32


def test_the_home_asks_the_database_a_fixed_number_of_times(client, busy, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from los.plans import services as plans

    plan = _plan_with_goals(busy)
    client.force_login(busy.parent)
    _page(client, "portal:overview", busy.family.pk)  # the audit chain's first event, the session
    with CaptureQueriesContext(connection) as before:
        _page(client, "portal:overview", busy.family.pk)
    # more of everything the cards read: past meetings with their attendance, goals and measures, tasks
    bk, family = busy.coordinator, busy.family
    members = list(family.group_members.order_by("kind", "pk"))
    coordinator = next(m for m in members if m.user_id == bk.pk)
    for days in (5, 12, 20):
        start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=days)
        meetings.schedule_meeting(family, by=bk, kind="coordination", starts_at=start,
                                  ends_at=start + timedelta(hours=1), participants=members, place="Rådhuset")
    for i in range(3):
        goal = plans.add_goal(plan, by=bk, text=f"Mål {i}")
        plans.create_measure(plan=plan, by=bk, title=f"Tiltak {i}", goal=goal, owner=bk)
        Action.objects.create(family=family, municipality=family.municipality, title=f"Oppgave {i}",
                              owner_member=members[0], due_date=timezone.localdate() + timedelta(days=3 + i))
        Action.objects.create(family=family, municipality=family.municipality, title=f"Ringe {i}",
                              owner_member=coordinator, due_date=timezone.localdate() + timedelta(days=4 + i))
    with django_assert_max_num_queries(len(before)):
        page = _page(client, "portal:overview", family.pk)
    assert "Oppgave 2" in page and "Mål 2" in page and "Ringe 0" in page and "Hanne Vestby" in page
    assert len(before) <= HOME_QUERIES, len(before)
