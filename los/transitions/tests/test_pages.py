"""Working a transition plan on its page, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.accounts.models import Role
from los.core import testing as t
from los.transitions import services
from los.transitions.models import (
    ChecklistItem,
    PlanStatus,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)
from los.transitions.testing import transition_plan


@pytest.fixture
def plan(rich):
    rich.tplan = services.open_plan_now(rich.family, f"lower_secondary:{rich.child.pk}:"
                                        f"{date(rich.child.birth_date.year + 13, 8, 15).isoformat()}",
                                        by=rich.coordinator)
    return rich


def get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


@pytest.mark.django_db
def test_who_sees_the_plan_and_who_may_work_it(client, plan):
    w = plan
    expected = {w.coordinator: (200, True), w.caseworker: (200, True), w.parent: (200, False),
                w.contact: (200, False), w.ppt_contact: (200, False), w.habu_contact: (403, False),
                w.leader: (404, False), w.admin: (404, False), w.foreign_caseworker: (404, False)}
    for user, (status, works) in expected.items():
        response, body = get(client, user, "transitions:plan", w.tplan.pk)
        assert response.status_code == status, user
        if status == 200:
            assert ("Add a task" in body) is works, user
            assert "Ida" in body
            assert AuditEvent.objects.filter(family=w.family, actor=user, object_type="TransitionPlan").exists()
    # the family and the services with plan consent may write what the child says
    _response, body = get(client, w.parent, "transitions:plan", w.tplan.pk)
    assert "Save what the child says" in body


@pytest.mark.django_db
def test_the_family_page_shows_what_is_ahead(client, plan):
    response, body = get(client, plan.coordinator, "transitions:family", plan.family.pk)
    assert response.status_code == 200
    assert "Ida starts lower secondary school" in body and "Open transition plans" in body
    assert "Ida starts upper secondary school" in body and "Opens by itself on" in body
    response, body = get(client, plan.parent, "transitions:family", plan.family.pk)
    assert response.status_code == 200 and "Open the plan now" not in body
    response, _ = get(client, plan.habu_contact, "transitions:family", plan.family.pk)
    assert response.status_code == 403  # a consent, but not for the plan


@pytest.mark.django_db
def test_checklist_with_htmx_and_a_stale_version(client, plan):
    item = plan.tplan.checklist.first()
    client.force_login(plan.coordinator)
    url = reverse("transitions:checklist_toggle", args=[item.pk])
    response = client.post(url, {"done": "1", "version": item.version}, HTTP_HX_REQUEST="true",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Mark as not done" in response.content.decode()
    item.refresh_from_db()
    assert item.done and item.done_by == plan.coordinator and item.done_on == timezone.localdate()
    response = client.post(url, {"done": "", "version": item.version - 1}, HTTP_HX_REQUEST="true",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone else changed this" in response.content.decode()
    item.refresh_from_db()
    assert item.done
    # without htmx: back to the plan
    response = client.post(url, {"done": "", "version": item.version})
    assert response.status_code == 302 and f"#item-{item.pk}" in response.url
    # a guardian cannot tick the checklist
    client.force_login(plan.parent)
    assert client.post(url, {"done": "1"}).status_code == 403


@pytest.mark.django_db
def test_adding_tasks_keeps_the_input_and_explains(client, plan):
    w = plan
    client.force_login(w.coordinator)
    url = reverse("transitions:task_add", args=[w.tplan.pk])
    response = client.post(url, {"text": "Søke om skyss", "owner": w.coordinator.pk, "due_date": "01.01.2020"},
                           HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 400 and "The due date is in the past" in body and "Søke om skyss" in body
    response = client.post(url, {"text": "Søke om skyss", "owner": w.habu_contact.pk,
                                 "due_date": (timezone.localdate() + timedelta(days=20)).isoformat()},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400  # HABU cannot see the plan: not a choice
    response = client.post(url, {"text": "Søke om skyss", "owner": w.contact.pk, "owner_provider": w.school.pk,
                                 "due_date": (timezone.localdate() + timedelta(days=20)).isoformat()})
    assert response.status_code == 302
    task = TransitionTask.objects.get(text="Søke om skyss")
    assert task.owner == w.contact and task.owner_provider == w.school
    # the owner marks it done; another service contact may not
    client.force_login(w.ppt_contact)
    assert client.post(reverse("transitions:task_done", args=[task.pk])).status_code == 403
    client.force_login(w.contact)
    assert client.post(reverse("transitions:task_done", args=[task.pk]), {"version": task.version}).status_code == 302
    task.refresh_from_db()
    assert task.is_done and task.done_by == w.contact


@pytest.mark.django_db
def test_the_transition_meeting_is_called_in_the_coordination_group(client, plan):
    from los.meetings.models import AgendaItem, Attendance

    w = plan
    client.force_login(w.coordinator)
    day = timezone.localdate() + timedelta(days=21)
    url = reverse("transitions:meeting", args=[w.tplan.pk])
    response = client.post(url, {"date": day.isoformat(), "start_time": "14:00", "end_time": "13:00",
                                 "place": "Rådhuset"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    response = client.post(url, {"date": day.isoformat(), "start_time": "13:00", "end_time": "14:30",
                                 "place": "Rådhuset"})
    assert response.status_code == 302
    w.tplan.refresh_from_db()
    meeting = w.tplan.meeting
    assert meeting is not None and meeting.family == w.family
    assert set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True)) == {
        w.m_mother.pk, w.m_coordinator.pk, w.m_contact.pk}
    assert AgendaItem.objects.filter(meeting=meeting, title__contains="Transition plan").exists() or \
        AgendaItem.objects.filter(meeting=meeting).exists()
    _response, body = get(client, w.coordinator, "transitions:plan", w.tplan.pk)
    assert reverse("meetings:detail", args=[meeting.pk]) in body


@pytest.mark.django_db
def test_without_a_group_the_meeting_form_explains(client, world):
    tplan = transition_plan(world.family, owner=world.coordinator)
    client.force_login(world.coordinator)
    day = timezone.localdate() + timedelta(days=21)
    response = client.post(reverse("transitions:meeting", args=[tplan.pk]),
                           {"date": day.isoformat(), "start_time": "13:00", "end_time": "14:00", "place": "Rådhuset"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "has no members yet" in response.content.decode()


@pytest.mark.django_db
def test_closing_asks_what_worked_and_guards_against_stale_versions(client, plan):
    w = plan
    client.force_login(w.coordinator)
    url = reverse("transitions:plan_close", args=[w.tplan.pk])
    response = client.post(url, {"status": "done", "what_worked": "", "version": w.tplan.version},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Write what worked" in response.content.decode()
    response = client.post(url, {"status": "done", "what_worked": "Besøk før start", "version": w.tplan.version - 1},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "Someone else changed this" in response.content.decode()
    assert "Besøk før start" in response.content.decode()
    response = client.post(url, {"status": "done", "what_worked": "Besøk før start", "version": w.tplan.version})
    assert response.status_code == 302
    w.tplan.refresh_from_db()
    assert w.tplan.status == PlanStatus.DONE and w.tplan.what_worked == "Besøk før start"
    # a closed plan's checklist cannot be changed
    item = ChecklistItem.objects.filter(plan=w.tplan).first()
    response = client.post(reverse("transitions:checklist_toggle", args=[item.pk]), {"done": "1"},
                           HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert "closed" in response.content.decode()


@pytest.mark.django_db
def test_the_child_view(client, plan):
    client.force_login(plan.parent)
    url = reverse("transitions:child_view", args=[plan.tplan.pk])
    response = client.post(url, {"child_view": "", "version": plan.tplan.version}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Write what the child says" in response.content.decode()
    response = client.post(url, {"child_view": "Gleder meg til nye venner", "version": plan.tplan.version})
    assert response.status_code == 302
    assert TransitionPlan.objects.get(pk=plan.tplan.pk).child_view == "Gleder meg til nye venner"


@pytest.mark.django_db
def test_open_a_plan_from_the_family_page(client, rich):
    key = f"upper_secondary:{rich.child.pk}:{date(rich.child.birth_date.year + 16, 8, 15).isoformat()}"
    client.force_login(rich.parent)
    assert client.post(reverse("transitions:plan_open", args=[rich.family.pk]), {"key": key}).status_code == 403
    client.force_login(rich.coordinator)
    response = client.post(reverse("transitions:plan_open", args=[rich.family.pk]), {"key": key})
    plan = TransitionPlan.objects.get(family=rich.family, key=key)
    assert response.status_code == 302 and response.url == reverse("transitions:plan", args=[plan.pk])
    response = client.post(reverse("transitions:plan_open", args=[rich.family.pk]), {"key": key}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "already open" in response.content.decode()


@pytest.mark.django_db
def test_settings_are_for_the_unit_leader(client, world):
    leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    client.force_login(world.caseworker)
    assert client.get(reverse("transitions:settings")).status_code == 404
    client.force_login(leader)
    url = reverse("transitions:settings")
    assert client.get(url).status_code == 200
    data = {"kindergarten_months": 6, "school_start_months": 14, "lower_secondary_months": 9,
            "upper_secondary_months": 40, "adult_months": 12, "event_window_days": 60}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    data["upper_secondary_months"] = 10
    assert client.post(url, data).status_code == 302
    settings = TransitionSettings.objects.get(municipality=world.municipality)
    assert (settings.school_start_months, settings.upper_secondary_months) == (14, 10)
    response = client.post(url, {**data, "version": settings.version - 1}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone else changed the settings" in response.content.decode()


@pytest.mark.django_db
def test_the_overview_lists_only_what_the_user_may_see(client, plan, world):
    other = transition_plan(world.other_family)
    foreign = transition_plan(world.foreign_family)
    response, body = get(client, plan.coordinator, "transitions:overview")
    assert response.status_code == 200 and plan.family.display_name in body
    assert world.other_family.display_name not in body and world.foreign_family.display_name not in body
    response, body = get(client, plan.caseworker, "transitions:overview")
    assert world.other_family.display_name in body and world.foreign_family.display_name not in body
    response, body = get(client, plan.leader, "transitions:overview")
    assert plan.family.display_name not in body
    del other, foreign
