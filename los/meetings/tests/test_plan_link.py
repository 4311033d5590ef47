"""The link to the individual plan: measures due for evaluation on the agenda, an action that follows
up a measure, and a decision that becomes a plan measure in one step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from los.meetings import selectors, services
from los.meetings.models import Action, AgendaItem, AgendaSource, Decision
from los.plans import services as plan_services
from los.plans.models import Measure, MeasureOrigin

from .conftest import held_meeting, schedule

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def plan(group):
    return plan_services.create_plan(group.family, by=group.coordinator, consent_given_by=group.mother)


def _start(client, group):
    meeting = held_meeting(group, days_ago=0)
    client.force_login(group.coordinator)
    client.post(reverse("meetings:minutes", args=[meeting.pk]))
    return meeting


@pytest.mark.django_db
def test_decision_becomes_a_plan_measure_in_one_step(client, group, plan):
    meeting = _start(client, group)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(reverse("meetings:minutes_decision", args=[meeting.pk]), {
        "decision-text": "Fysioterapi to ganger i uken på skolen", "decision-owner": group.m_contact.pk,
        "decision-due_date": due.isoformat(), "decision-as_measure": "on"}, **HTMX)
    fragment = response.content.decode()
    assert "It is also a measure in the individual plan." in fragment
    assert "Measure in the individual plan" in fragment
    measure = Measure.objects.get(plan=plan)
    assert measure.title == "Fysioterapi to ganger i uken på skolen"
    assert measure.origin == MeasureOrigin.MEETING
    assert measure.owner_person == group.contact and measure.owner_provider == group.school
    assert measure.due_date == due
    decision = Decision.objects.get(meeting=meeting)
    assert decision.measure == measure and Action.objects.get(decision=decision).measure == measure


@pytest.mark.django_db
def test_an_existing_decision_becomes_a_measure_with_the_button(client, group, plan):
    meeting = _start(client, group)
    client.post(reverse("meetings:minutes_decision", args=[meeting.pk]), {"decision-text": "Søke avlastning"},
                **HTMX)
    decision = Decision.objects.get(meeting=meeting)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Make it a plan measure" in page
    response = client.post(reverse("meetings:decision_to_measure", args=[decision.pk]), **HTMX)
    assert "The agreement is now a measure in the individual plan." in response.content.decode()
    decision.refresh_from_db()
    assert decision.measure.owner_person == group.coordinator  # no action owner: the one who did it
    # twice is refused clearly, nothing doubled
    response = client.post(reverse("meetings:decision_to_measure", args=[decision.pk]), **HTMX)
    assert "already a measure" in response.content.decode()
    assert Measure.objects.count() == 1


@pytest.mark.django_db
def test_without_a_plan_the_decision_is_not_half_saved(client, group):
    meeting = _start(client, group)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Also add it to the individual plan" not in page  # no plan: no checkbox
    with pytest.raises(ValidationError):
        services.add_decision(meeting, by=group.coordinator, text="Noe", as_measure=True)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_action_can_follow_up_a_plan_measure(client, group, plan):
    measure = plan_services.create_measure(family=group.family, title="Ståstativ på skolen", by=group.coordinator,
                                           service_provider=group.school)
    meeting = _start(client, group)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ståstativ på skolen" in page  # offered in the measure list
    client.post(reverse("meetings:minutes_action", args=[meeting.pk]), {
        "action-title": "Bestille ståstativ", "action-owner": group.m_contact.pk,
        "action-due_date": (timezone.localdate() + timedelta(days=9)).isoformat(), "action-measure": measure.pk},
        **HTMX)
    assert Action.objects.get().measure == measure


@pytest.mark.django_db
def test_measures_due_for_evaluation_are_on_the_agenda(group, plan):
    meeting = schedule(group)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    due_soon = plan_services.create_measure(family=group.family, title="Logoped hver uke", by=group.coordinator,
                                            responsible_user=group.coordinator,
                                            due_date=meeting_day + timedelta(days=10))
    plan_services.create_measure(family=group.family, title="Svømming", by=group.coordinator,
                                 responsible_user=group.coordinator, due_date=meeting_day + timedelta(days=200))
    agenda = selectors.draft_agenda(meeting)
    measures = [e for e in agenda if e.source == AgendaSource.MEASURE_EVALUATION]
    assert [e.title for e in measures] == ["Logoped hver uke"]
    assert measures[0].measure_pk == due_soon.pk
    services.start_minutes(meeting, by=group.coordinator)
    assert AgendaItem.objects.get(meeting=meeting, source=AgendaSource.MEASURE_EVALUATION).measure == due_soon


@pytest.mark.django_db
def test_plan_content_on_the_agenda_needs_plan_consent(client, group, plan):
    from los.access.models import Category

    meeting = schedule(group)
    meeting_day = timezone.localtime(meeting.starts_at).date()
    plan_services.create_measure(family=group.family, title="Logoped hver uke", by=group.coordinator,
                                 responsible_user=group.coordinator, due_date=meeting_day + timedelta(days=10))
    client.force_login(group.contact)
    assert "Logoped hver uke" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    group.consent.categories = [Category.CASE, Category.MEETINGS]
    group.consent.save(update_fields=["categories"])
    page = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Logoped hver uke" not in page
    assert "A measure in the individual plan is due for evaluation" in page
