"""Requests: the public form (unconfirmed until the guardian logs in), and professionals on a family's behalf."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.core import fnr
from los.core import testing as t
from los.families.models import Child, Family, FamilyMember, FamilyStatus
from los.referrals import selectors, services
from los.referrals.models import PublicRequest, PublicRequestStatus, Request, RequestSource

RNG = random.Random(11)


def _number(year: int = 1988) -> str:
    return fnr.generate(date(year, 5, 17), RNG, sex="F")


def _public_data(world, number, **extra):
    return {"municipality": world.municipality.pk, "sender_name": "Kari Nordmann", "sender_fodselsnummer": number,
            "sender_relation": "mother", "child_name": "Ola Nordmann", "child_birth_date": "2018-04-01",
            "description": "Sønnen vår har epilepsi og vi har mange tjenester.", "phone": "", "email": "",
            "confirm": "on", **extra}


@pytest.mark.django_db
def test_public_form_needs_no_log_in_and_shows_no_family(client, world):
    response = client.get(reverse("referrals:public_request"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ask for a barnekoordinator" in page
    assert "Familien" not in page


@pytest.mark.django_db
def test_public_form_bad_input_keeps_what_was_typed(client, world):
    response = client.post(reverse("referrals:public_request"),
                           _public_data(world, "12345678901", confirm=""), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "not a valid fødselsnummer" in page
    assert "Only a parent or someone with daily care" in page
    assert "Kari Nordmann" in page and "Sønnen vår har epilepsi" in page
    assert not PublicRequest.objects.exists()


@pytest.mark.django_db
def test_public_request_is_unconfirmed_and_invisible_until_the_guardian_confirms(client, world):
    number = _number()
    FamilyMember.objects.filter(family=world.family, user=world.parent).update(fodselsnummer=number)
    world.family.status = FamilyStatus.CLOSED
    world.family.save()

    response = client.post(reverse("referrals:public_request"), _public_data(world, number),
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    public = PublicRequest.objects.get()
    assert public.status == PublicRequestStatus.UNCONFIRMED and public.family is None
    assert public.reference in page
    assert "Ola Nordmann" not in page and "epilepsi" not in page  # nothing sensitive shown back
    assert not Request.objects.exists()
    assert not selectors.queue_for(world.caseworker)

    # someone else logging in sees nothing
    client.force_login(world.caseworker)
    assert "Ola Nordmann" not in client.get(reverse("referrals:confirm_public")).content.decode()
    client.logout()

    # the guardian logs in: told about it, confirms it, and it reaches the queue with the day it was sent
    PublicRequest.objects.filter(pk=public.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    client.post(reverse("accounts:login"), {"username": "forelder", "password": t.PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    start = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sent in your name on the open form" in start and "Los does not know who sent it" in start
    page = client.get(reverse("referrals:confirm_public"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ola Nordmann" in page
    client.post(reverse("referrals:confirm_public"), {"public_request": public.pk, "action": "confirm",
                                                      "family": world.family.pk})
    public.refresh_from_db()
    assert public.status == PublicRequestStatus.CONFIRMED and public.family == world.family
    request = Request.objects.get()
    assert request.source == RequestSource.PUBLIC_FORM
    assert request.received == timezone.localdate() - timedelta(days=3)
    assert [r.request for r in selectors.queue_for(world.caseworker)] == [request]


@pytest.mark.django_db
def test_the_person_named_can_decline_and_the_content_is_removed(client, world):
    number = _number()
    FamilyMember.objects.filter(family=world.family, user=world.parent).update(fodselsnummer=number)
    client.post(reverse("referrals:public_request"), _public_data(world, number))
    public = PublicRequest.objects.get()
    client.force_login(world.parent)
    client.post(reverse("referrals:confirm_public"), {"public_request": public.pk, "action": "decline"})
    public.refresh_from_db()
    assert public.status == PublicRequestStatus.DECLINED
    assert public.description == "" and public.child_name == ""
    assert not Request.objects.exists()


@pytest.mark.django_db
def test_unconfirmed_public_requests_expire_without_being_deleted(world):
    old = services.submit_public_request(
        municipality=world.municipality, sender_name="A", sender_fodselsnummer=_number(), sender_relation="father",
        child_name="B", description="C")
    new = services.submit_public_request(
        municipality=world.municipality, sender_name="D", sender_fodselsnummer=_number(1990),
        sender_relation="mother", child_name="E", description="F")
    PublicRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=120))
    assert services.expire_public_requests() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == PublicRequestStatus.EXPIRED and old.sender_fodselsnummer == "" and old.description == ""
    assert new.status == PublicRequestStatus.UNCONFIRMED
    assert PublicRequest.objects.count() == 2


def _professional_data(child_number, guardian_number, **extra):
    today = timezone.localdate().isoformat()
    return {"child_given_name": "Emil", "child_family_name": "Haugen", "child_fodselsnummer": child_number,
            "guardian_given_name": "Siri", "guardian_family_name": "Haugen",
            "guardian_fodselsnummer": guardian_number, "guardian_relation": "mother",
            "description": "Emil har autisme; skolen og PPT ser behov for samordning.", "received": today,
            "consent_by_name": "Siri Haugen", "consent_method": "oral", "consent_given_on": today, **extra}


@pytest.mark.django_db
def test_professional_registers_a_request_for_a_new_family_with_its_consent(client, world):
    child_number = fnr.generate(date(2016, 2, 3), RNG)
    guardian_number = _number(1985)
    client.force_login(world.contact)
    response = client.post(reverse("referrals:professional_request"), {
        "municipality": world.municipality.pk, **_professional_data(child_number, guardian_number)},
        HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "sent to the coordinating unit" in response.content.decode()
    child = Child.objects.get(fodselsnummer=child_number)
    family = child.family
    assert family.status == FamilyStatus.REQUESTED
    request = Request.objects.get(family=family)
    assert request.source == RequestSource.PROFESSIONAL
    assert (request.consent_by_name, request.consent_method) == ("Siri Haugen", "oral")
    assert request.submitter_service == world.school
    guardian = FamilyMember.objects.get(family=family, fodselsnummer=guardian_number)
    assert not guardian.is_guardian and not guardian.may_consent  # not trusted until the unit has checked
    # the professional gets no access to the family through the request
    assert client.get(reverse("referrals:family_case", args=[family.pk])).status_code == 404
    assert AuditEvent.objects.filter(family_id=family.pk, object_type="Request", actor=world.contact).exists()

    # the unit sees it, and confirms the guardian's rights
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:family_case", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Guardians to confirm" in page and "Siri, oral, " not in page
    client.post(reverse("referrals:confirm_guardian", args=[family.pk, guardian.pk]),
                {"parental_responsibility": "on", "daily_care": "on", "may_consent": "on"})
    guardian.refresh_from_db()
    assert guardian.is_guardian and guardian.may_consent


@pytest.mark.django_db
def test_professional_request_for_a_known_family_is_attached_to_it(client, world):
    other = world.other_family
    other.status = FamilyStatus.CLOSED
    other.save()
    child = other.children.get()
    client.force_login(world.contact)
    client.post(reverse("referrals:professional_request"), {
        "municipality": world.municipality.pk, **_professional_data(child.fodselsnummer, _number(1984))})
    assert Family.objects.filter(municipality=world.municipality).count() == 2
    assert Request.objects.get().family == other


@pytest.mark.django_db
def test_professional_request_without_the_familys_consent_is_refused(client, world):
    client.force_login(world.contact)
    data = _professional_data(fnr.generate(date(2015, 1, 9), RNG), _number(1980), consent_by_name="",
                              consent_given_on=(timezone.localdate() + timedelta(days=2)).isoformat())
    response = client.post(reverse("referrals:professional_request"), {"municipality": world.municipality.pk, **data},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Write who in the family consented to the request." in page
    assert "cannot be in the future" in page
    assert "Emil har autisme" in page
    assert not Request.objects.exists() and not Child.objects.filter(given_name="Emil").exists()


@pytest.mark.django_db
def test_caseworker_registers_on_behalf_of_a_family_from_its_case_page(client, world):
    other = world.other_family
    other.status = FamilyStatus.CLOSED
    other.save()
    client.force_login(world.caseworker)
    today = timezone.localdate().isoformat()
    response = client.post(reverse("referrals:family_register", args=[other.pk]), {
        "description": "Mor ringte og ba om barnekoordinator.", "received": today, "consent_by_name": "Mor Dal",
        "consent_method": "oral", "consent_given_on": today})
    assert response.status_code == 302
    request = Request.objects.get(family=other)
    assert request.consent_by_member == other.members.get(relation="mother")


@pytest.mark.django_db
def test_a_person_los_does_not_know_confirms_and_the_case_is_made_without_guardian_rights(client, world):
    """A parent whose family is not in Los confirms, logged in, the request sent in their name: the unit gets the
    request and a family made from it; the parent gets no access to any family until the unit has checked the
    parental responsibility, and cannot attach the request to another family."""
    number = _number(1979)
    loner = t.user(number)
    client.post(reverse("referrals:public_request"), _public_data(world, number))
    client.force_login(loner)
    page = client.get(reverse("referrals:confirm_public"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your family is not in Los yet" in page
    public = PublicRequest.objects.get()
    response = client.post(reverse("referrals:confirm_public"), {
        "public_request": public.pk, "action": "confirm", "family": world.family.pk})
    assert response.status_code == 200 and not Request.objects.exists()  # another family is never chosen
    response = client.post(reverse("referrals:confirm_public"), {"public_request": public.pk,
                                                                 "action": "confirm_new"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "sent to the coordinating unit" in response.content.decode()
    request = Request.objects.get()
    family = request.family
    assert family not in (world.family, world.other_family) and family.municipality == public.municipality
    assert request.source == "public_form" and request.received_at == public.submitted_at
    member = family.members.get()
    assert member.user == loner and member.fodselsnummer == number
    assert not (member.parental_responsibility or member.daily_care or member.may_consent)
    assert client.get(reverse("families:detail", args=[family.pk])).status_code in (403, 404)
    public.refresh_from_db()
    assert public.status == "confirmed" and public.family == family


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "words", "not_said"), [
    ("en", ["Saved – confirm the request to send it", "cannot see your request yet", "Keep it"],
     "Request received"),
    ("nb", ["Lagret – bekreft henvendelsen for å sende den", "kan ikke se henvendelsen deres ennå",
            "Ta vare på den"], "Henvendelsen er mottatt"),
    ("nn", ["Lagra – stadfest førespurnaden for å sende han", "kan ikkje sjå førespurnaden dykkar enno",
            "Ta vare på han"], "Førespurnaden er motteken"),
])
def test_the_receipt_says_what_actually_happened(client, world, lang, words, not_said):
    """The request is saved, not sent: the municipality sees it only when it is confirmed. The receipt says so,
    names the municipality, the day it counts from, when an answer is due and how long it is kept."""
    from html import unescape

    from los.core.deadlines import preliminary_reply_due
    from los.referrals.models import PUBLIC_REQUEST_RETENTION_DAYS

    response = client.post(reverse("referrals:public_request"), _public_data(world, _number()),
                           HTTP_ACCEPT_LANGUAGE=lang, follow=True)
    page = unescape(response.content.decode())
    public = PublicRequest.objects.get()
    for text in words:
        assert text in page, text
    assert not_said not in page
    assert public.reference in page and world.municipality.name in page
    assert response.context["sent_on"] == timezone.localdate()
    assert response.context["answer_due"] == preliminary_reply_due(timezone.localdate())
    assert str(PUBLIC_REQUEST_RETENTION_DAYS) in page
    assert reverse("referrals:confirm_public") in page
