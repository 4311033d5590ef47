"""The family's timeline: everything that happened, filtered, and shown only as far as the policy allows."""

from __future__ import annotations

from datetime import timedelta
from types import ModuleType

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent, Category
from los.accounts.models import Role
from los.core import testing as t
from los.transitions import selectors, timeline
from los.transitions.timeline import TimelineEvent


def url(family) -> str:
    return reverse("transitions:timeline", args=[family.pk])


def page(client, user, family, **params):
    client.force_login(user)
    response = client.get(url(family), params, HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


class MessageExistence:
    """A stand-in for the portal's future messages source: only that a message exists."""

    kind = "message"
    category = Category.MESSAGES

    def events(self, family, since, until):
        yield TimelineEvent(at=timezone.now() - timedelta(days=3), kind="message", category="messages",
                            title="Melding fra familien")


@pytest.mark.django_db
def test_the_guardian_sees_everything_that_happened_newest_first(client, rich):
    response, body = page(client, rich.parent, rich.family)
    assert response.status_code == 200
    for text in ("Request for a barnekoordinator received", "Decision on a barnekoordinator", "Plan version 1",
                 "Coordination group meeting held", "Action agreed: Bestille ny rullestolrampe",
                 "Added to the service map: Avlastning i Solsikken", "Decision on the application for Avlastning",
                 "Consent given to Testvik skole", "Consent to HABU Testvik withdrawn",
                 "became the family&#x27;s barnekoordinator", "The plan was evaluated"):
        assert text in body, text
    # the fagmøte is shown, but not the actions agreed in it
    assert "Professionals-only meeting (fagmøte) held" in body
    assert "Drøfte bekymring med barnevernet" not in body
    assert body.index("Action agreed") < body.index("Request for a barnekoordinator received")  # newest first


@pytest.mark.django_db
def test_a_service_contact_without_consent_for_meetings_sees_no_meetings(client, rich):
    response, body = page(client, rich.ppt_contact, rich.family)
    assert response.status_code == 200
    assert "Plan version 1" in body  # the consent covers the plan
    for hidden in ("meeting held", "Bestille ny rullestolrampe", "Testvik skole, møterom 2", "Consent given",
                   "Request for a barnekoordinator", "Avlastning i Solsikken"):
        assert hidden not in body, hidden
    assert "Meetings and minutes" in body and "consent does not cover" in body  # told what is left out
    # the school contact's consent covers meetings
    _response, body = page(client, rich.contact, rich.family)
    assert "Coordination group meeting held" in body and "Bestille ny rullestolrampe" in body
    assert "Drøfte bekymring med barnevernet" in body  # professionals see what a fagmøte agreed
    assert "Consent given" not in body and "Request for a barnekoordinator" not in body


@pytest.mark.django_db
def test_the_coordinating_unit_does_not_see_messages_but_the_family_does(client, rich):
    timeline.register(MessageExistence())
    _response, body = page(client, rich.parent, rich.family)
    assert "Melding fra familien" in body
    _response, body = page(client, rich.caseworker, rich.family)
    assert "Melding fra familien" not in body
    assert "Messages" in body and "Only the family and its barnekoordinator see this." in body
    _response, body = page(client, rich.coordinator, rich.family)
    assert "Melding fra familien" in body and "Drøfte bekymring med barnevernet" in body


@pytest.mark.django_db
def test_filter_by_kind_and_period(client, rich):
    today = timezone.localdate()
    _response, body = page(client, rich.coordinator, rich.family, kinds=["meeting"])
    assert "Coordination group meeting held" in body and "Plan version 1" not in body
    since = (today - timedelta(days=35)).isoformat()
    until = (today - timedelta(days=27)).isoformat()
    _response, body = page(client, rich.coordinator, rich.family, since=since, until=until)
    assert "Coordination group meeting held" in body  # 30 days ago
    assert "Decision on a barnekoordinator" not in body  # 90 days ago
    assert "Professionals-only" not in body  # 25 days ago
    response, body = page(client, rich.coordinator, rich.family, since=until, until=since)
    assert response.status_code == 200
    assert "The end of the period is before its start" in body
    assert f'value="{since}"' in body  # what the user typed is kept


@pytest.mark.django_db
def test_no_relation_means_not_found_and_viewing_is_audited(client, rich):
    response, _body = page(client, rich.foreign_caseworker, rich.family)
    assert response.status_code == 404
    response, _body = page(client, rich.leader, rich.family)
    assert response.status_code == 404
    stranger = t.staff(Role.SERVICE_CONTACT, rich.municipality, "fremmed", service_provider=rich.school)
    assert stranger  # a school contact too, but the consent names the service: any contact there sees it
    before = AuditEvent.objects.filter(family=rich.family, actor=rich.contact).count()
    response, _body = page(client, rich.contact, rich.family)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(family=rich.family, actor=rich.contact).count() == before + 1


@pytest.mark.django_db
def test_one_policy_decision_per_category_not_per_row(rich, monkeypatch):
    from los.meetings.models import Meeting

    for i in range(30):
        Meeting.objects.create(family=rich.family, municipality=rich.municipality, starts_at=rich.meeting.starts_at
                               - timedelta(days=40 + i), ends_at=rich.meeting.ends_at - timedelta(days=40 + i),
                               place="Rådhuset", status="held", ical_uid=f"uid-{i}@los")
    calls = []
    real = selectors.decide

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "decide", counting)
    result = selectors.timeline_for(rich.contact, rich.family)
    categories = {str(s.category) for s in timeline.sources()}
    assert len([e for e in result.events if e.kind == "meeting"]) >= 32
    assert len(calls) <= len(categories) + 1


@pytest.mark.django_db
def test_an_app_takes_over_its_own_sources(rich, monkeypatch):
    """When an app ships ``timeline.py`` with ``timeline_sources()``, the fallback for it steps aside."""
    module = ModuleType("los.meetings.timeline")
    module.timeline_sources = lambda: [timeline.ModelSource(
        kind="meeting", category=Category.MEETINGS, model=rich.meeting.__class__, when="starts_at",
        title=lambda m: "Møte fra møteappen selv")]
    monkeypatch.setitem(__import__("sys").modules, "los.meetings.timeline", module)
    timeline.reset()
    titles = [e.title for e in selectors.timeline_for(rich.coordinator, rich.family).events]
    assert "Møte fra møteappen selv" in titles
    assert not any(title.startswith("Action agreed") for title in titles)  # the fallback's actions are gone


@pytest.mark.django_db
def test_sources_are_validated(rich):
    with pytest.raises(TypeError):
        timeline.register(object())
    kinds = dict(selectors.timeline_kinds(rich.parent, rich.family, timeline.sources()))
    assert {"request", "plan", "meeting", "consent", "service", "application"} <= set(kinds)
    kinds = dict(selectors.timeline_kinds(rich.ppt_contact, rich.family, timeline.sources()))
    assert "meeting" not in kinds and "consent" not in kinds and "plan" in kinds
