"""Access per role: the case page, the unit's pages, the letter, equal treatment and local criteria."""

import pytest
from django.urls import reverse

from los.access.models import AuditEvent
from los.core import testing as t
from los.families.models import FamilyStatus
from los.referrals import services
from los.referrals.models import LocalCriterion, Outcome

from .helpers import REASONS, request_for


@pytest.fixture
def decided(world):
    request = request_for(world.other_family)
    vedtak = services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS)
    return request, vedtak


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [
    ("caseworker", 200), ("parent", 200), ("coordinator", 200),
    ("contact", 404), ("leader", 404), ("admin", 404), ("foreign_caseworker", 404),
])
def test_case_page_per_role(client, world, who, status):
    request_for(world.family)
    client.force_login(getattr(world, who))
    response = client.get(reverse("referrals:family_case", args=[world.family.pk]))
    assert response.status_code == status
    assert AuditEvent.objects.filter(family_id=world.family.pk, allowed=status == 200).exists()


@pytest.mark.django_db
def test_service_contact_with_consent_still_cannot_see_the_case(client, world):
    """A consent to the school for case, plan and meetings does not open the request and decision."""
    t.consent(world.family, world.school)
    request_for(world.family)
    client.force_login(world.contact)
    assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 200
    assert client.get(reverse("referrals:family_case", args=[world.family.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "parent"])
def test_only_the_unit_assesses_and_decides(client, world, who):
    request = request_for(world.family)
    client.force_login(getattr(world, who))
    for name in ("assessment", "decision", "preliminary_reply"):
        assert client.get(reverse(f"referrals:{name}", args=[request.pk])).status_code == 403
    response = client.post(reverse("referrals:decision", args=[request.pk]), {"outcome": "granted", **REASONS})
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("caseworker", 200), ("parent", 404), ("contact", 404),
                                             ("leader", 404), ("foreign_caseworker", 404)])
def test_letter_only_through_the_access_policy(client, world, decided, who, status):
    _request, vedtak = decided
    if who == "parent":
        world.other_family.members.update(user=world.parent)
        status = 200
    client.force_login(getattr(world, who))
    assert client.get(reverse("referrals:letter", args=[vedtak.pk])).status_code == status


@pytest.mark.django_db
def test_anonymous_gets_nothing(client, world, decided):
    request, vedtak = decided
    for url in (reverse("referrals:family_case", args=[world.other_family.pk]),
                reverse("referrals:letter", args=[vedtak.pk]), reverse("referrals:queue"),
                reverse("referrals:equal_treatment")):
        response = client.get(url)
        assert response.status_code == 302 and "logg-inn" in response["Location"]


@pytest.mark.django_db
def test_every_view_is_marked(world):
    from django.urls import get_resolver

    from los.referrals import urls

    del world
    resolver = get_resolver(urls)
    for pattern in resolver.url_patterns:
        assert getattr(pattern.callback, "los_access", None) in {"public", "authenticated", "family", "family_list",
                                                                "aggregate", "staff"}, pattern.name


@pytest.mark.django_db
def test_public_form_is_marked_public():
    from los.referrals import views

    assert views.public_request.los_access == "public"
    assert views.queue.los_access == "family_list"
    assert views.equal_treatment.los_access == "aggregate"


@pytest.mark.django_db
def test_unit_leader_edits_local_criteria_used_in_assessments(client, world):
    leader = t.staff("unit_leader", world.municipality, "ke.leder")
    client.force_login(leader)
    response = client.post(reverse("referrals:local_criteria"), {
        "title": "Familien har behov for hjelp til å samordne minst tre tjenester", "help_text": "",
        "position": 10, "active": "on"})
    assert response.status_code == 302
    criterion = LocalCriterion.objects.get(municipality=world.municipality)
    request = request_for(world.family)
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:assessment", args=[request.pk])).content.decode()
    assert criterion.title in page
    # retired: no longer offered for new assessments
    client.force_login(leader)
    client.post(f"{reverse('referrals:local_criteria')}?rediger={criterion.pk}", {
        "title": criterion.title, "position": 10, "version": criterion.version})
    criterion.refresh_from_db()
    assert criterion.active is False


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["caseworker", "coordinator", "leader", "contact"])
def test_only_the_unit_leader_changes_local_criteria(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("referrals:local_criteria")).status_code == 403
    assert client.post(reverse("referrals:local_criteria"), {"title": "x", "position": 1}).status_code == 403
    assert not LocalCriterion.objects.exists()


@pytest.mark.django_db
def test_guardian_cannot_ask_twice_or_when_already_active(client, world):
    client.force_login(world.parent)
    page = client.get(reverse("referrals:family_ask", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "already has a barnekoordinator" in page.content.decode()
    world.family.status = FamilyStatus.CLOSED
    world.family.save()
    client.post(reverse("referrals:family_ask", args=[world.family.pk]), {"description": "Hjelp"})
    response = client.post(reverse("referrals:family_ask", args=[world.family.pk]), {"description": "Hjelp igjen"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "already being processed" in response.content.decode()
    assert world.family.referral_requests.count() == 1


@pytest.mark.django_db
def test_guardian_gets_a_clear_message_for_an_empty_request(client, world):
    world.family.status = FamilyStatus.CLOSED
    world.family.save()
    client.force_login(world.parent)
    response = client.post(reverse("referrals:family_ask", args=[world.family.pk]), {"description": " "},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Tell us briefly what you need help with." in response.content.decode()
    assert not world.family.referral_requests.exists()
