"""Decisions: reasons required (in three languages), appeal deadlines from the legal basis, the PDF letter,
and the appeal path."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.core import testing as t
from los.core.dates import format_day
from los.families.models import FamilyStatus
from los.referrals import services
from los.referrals.models import (
    Appeal,
    AppealStatus,
    GovernorOutcome,
    Outcome,
    RequestStatus,
    Vedtak,
)

from .helpers import REASONS, content, pdf_text, request_for


def _date(day: date, language: str) -> str:
    return format_day(day, language=language)


@pytest.fixture
def case(world):
    family = t.family(world.municipality, "Familien Lie", status=FamilyStatus.REQUESTED, guardian_user=t.user("mor"))
    return family, request_for(family, days_ago=10)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [
    ("nb", "Et vedtak må grunngis"),
    ("nn", "Eit vedtak må grunngjevast"),
    ("en", "A decision must give reasons"),
])
def test_decision_without_reasons_is_refused_with_a_clear_message_and_nothing_is_lost(
        client, world, case, language, message):
    family, request = case
    client.force_login(world.caseworker)
    typed = "Barnet har en sjelden diagnose og får hjelp fra fem tjenester."
    response = client.post(reverse("referrals:decision", args=[request.pk]), {
        "outcome": "granted", "rules": "", "facts": typed, "considerations": "  ",
        "notified_on": timezone.localdate().isoformat()}, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert typed in page  # what the caseworker wrote is still there
    assert 'aria-invalid="true"' in page
    assert not Vedtak.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    family.refresh_from_db()
    assert family.status == FamilyStatus.REQUESTED


@pytest.mark.django_db
def test_service_refuses_a_decision_without_reasons(world, case):
    _family, request = case
    with pytest.raises(services.ValidationError) as error:
        services.make_decision(request, world.caseworker, Outcome.REFUSED, "x", "", "")
    assert {"facts", "considerations"} <= set(error.value.message_dict)


@pytest.mark.django_db
def test_pbrl_deadline_over_easter_is_moved_to_the_next_working_day(client, world, case, monkeypatch):
    """4 weeks from Monday 9 March 2026 is Easter Monday 6 April, a public holiday: the deadline is Tuesday
    7 April (pbrl § 7-5, domstolloven § 149)."""
    family, request = case
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 3, 9))
    vedtak = services.make_decision(request, world.caseworker, Outcome.REFUSED, **REASONS, notified_on=date(2026, 3, 9))
    assert vedtak.appeal_deadline == date(2026, 4, 7)
    assert vedtak.appeal_deadline_nominal == date(2026, 4, 6)
    assert vedtak.appeal_weeks == 4 and vedtak.appeal_body == "statsforvalteren"
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:family_case", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "7. april 2026" in page and "6. april 2026" in page
    assert "pasient- og brukerrettighetsloven § 7-5" in page
    text = pdf_text(content(client.get(reverse("referrals:letter", args=[vedtak.pk]))))
    assert "7. april 2026" in text


@pytest.mark.django_db
def test_an_ordinary_pbrl_deadline_is_four_weeks_on_the_same_weekday(world, case, monkeypatch):
    _family, request = case
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 4, 20))
    vedtak = services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS,
                                    notified_on=date(2026, 4, 20))
    assert vedtak.appeal_deadline == date(2026, 5, 18)
    assert not vedtak.deadline_extended


@pytest.mark.django_db
@pytest.mark.parametrize(("basis", "weeks", "deadline"), [
    ("fvl § 29", 3, date(2026, 3, 23)),
    ("pbrl § 2-5 c", 4, date(2026, 3, 30)),
    ("ftrl § 6-4", 6, date(2026, 4, 13)),
])
def test_the_deadline_follows_the_legal_basis(world, case, monkeypatch, basis, weeks, deadline):
    _family, request = case
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 3, 2))
    vedtak = services.make_decision(request, world.caseworker, Outcome.REFUSED, **REASONS,
                                    notified_on=date(2026, 3, 2), legal_basis=basis)
    assert (vedtak.appeal_weeks, vedtak.appeal_deadline) == (weeks, deadline)


@pytest.mark.django_db
def test_unknown_legal_basis_gives_no_guessed_deadline(world, case):
    _family, request = case
    with pytest.raises(services.ValidationError):
        services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS, legal_basis="lov om noe annet")
    assert not Vedtak.objects.exists()


@pytest.mark.django_db
def test_decision_page_shows_the_appeal_deadline_before_deciding(client, world, case):
    _family, request = case
    client.force_login(world.caseworker)
    page = client.get(reverse("referrals:decision", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "pasient- og brukerrettighetsloven § 7-5" in page
    assert "4 weeks from the day the decision reaches the family" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading", "refused"), [
    ("nb", "Vedtak om barnekoordinator", "avslått"),
    ("nn", "Vedtak om barnekoordinator", "avslått"),
    ("en", "Decision on a barnekoordinator", "refused"),
])
def test_pdf_letter_is_in_the_familys_language_with_reasons_and_deadline(client, world, case, language, heading,
                                                                          refused):
    family, request = case
    family.preferred_language = language
    family.save()
    vedtak = services.make_decision(request, world.caseworker, Outcome.REFUSED, **REASONS)
    client.force_login(world.caseworker)  # the caseworker's own language does not matter
    response = client.get(reverse("referrals:letter", args=[vedtak.pk]), HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = " ".join(pdf_text(content(response)).split())
    assert heading in text and refused in text
    for reason in REASONS.values():
        assert reason in text
    assert _date(vedtak.appeal_deadline, language) in text
    assert vedtak.letter_language == language
    assert AuditEvent.objects.filter(family_id=family.pk, object_type="Vedtak", action="export").exists()


@pytest.mark.django_db
def test_letter_is_archived_outside_the_web_root(world, case, settings):
    _family, request = case
    vedtak = services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS)
    path = vedtak.letter.path
    assert path.startswith(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not path.startswith(str(settings.STATIC_ROOT))
    assert len(vedtak.letter_sha256) == 64


@pytest.mark.django_db
def test_a_request_cannot_be_decided_twice(client, world, case):
    _family, request = case
    services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS)
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:decision", args=[request.pk]), {
        "outcome": "refused", **REASONS, "notified_on": timezone.localdate().isoformat()},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "This request has already been decided." in response.content.decode()
    assert Vedtak.objects.count() == 1


@pytest.mark.django_db
def test_refusal_appealed_upheld_and_sent_to_the_county_governor(client, world, case):
    family, request = case
    vedtak = services.make_decision(request, world.caseworker, Outcome.REFUSED, **REASONS)
    guardian = family.members.get(relation="mother").user
    client.force_login(guardian)
    page = client.get(reverse("referrals:family_case", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appeal the decision" in page
    client.post(reverse("referrals:appeal_new", args=[vedtak.pk]), {"grounds": "Vi mener behovet er stort."})
    appeal = Appeal.objects.get(vedtak=vedtak)
    assert appeal.in_time and appeal.received == timezone.localdate()

    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:appeal", args=[appeal.pk]), {
        "step": "reassess", "choice": "uphold", "reassessment": "", "version": appeal.version},
        HTTP_ACCEPT_LANGUAGE="en")
    assert "why the decision stands" in response.content.decode()
    client.post(reverse("referrals:appeal", args=[appeal.pk]), {
        "step": "reassess", "choice": "uphold", "reassessment": "Vilkårene er fortsatt ikke oppfylt.",
        "version": appeal.version})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.SENT and appeal.sent_on == timezone.localdate()

    client.post(reverse("referrals:appeal", args=[appeal.pk]), {
        "step": "governor", "governor_outcome": GovernorOutcome.REVERSED,
        "governor_decided_on": timezone.localdate().isoformat(), "version": appeal.version})
    appeal.refresh_from_db()
    family.refresh_from_db()
    assert appeal.status == AppealStatus.DECIDED and appeal.governor_outcome == GovernorOutcome.REVERSED
    assert family.status == FamilyStatus.WAITING


@pytest.mark.django_db
def test_refusal_reversed_by_the_unit_gives_a_new_decision(client, world, case):
    family, request = case
    vedtak = services.make_decision(request, world.caseworker, Outcome.REFUSED, **REASONS)
    appeal = services.register_appeal(vedtak, world.caseworker, timezone.localdate(), "Nye opplysninger fra HABU.")
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:appeal", args=[appeal.pk]), {
        "step": "reassess", "choice": "reverse", "reassessment": "Nye opplysninger endrer saken.",
        "version": appeal.version})
    assert response.status_code == 302 and f"klage={appeal.pk}" in response["Location"]
    client.post(response["Location"], {"outcome": "granted", **REASONS,
                                       "notified_on": timezone.localdate().isoformat(), "klage": appeal.pk})
    appeal.refresh_from_db()
    family.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    new = Vedtak.objects.get(after_appeal=appeal)
    assert new.outcome == Outcome.GRANTED and family.status == FamilyStatus.WAITING


@pytest.mark.django_db
def test_only_a_refusal_can_be_appealed_and_late_appeals_are_marked(world, case, monkeypatch):
    _family, request = case
    granted = services.make_decision(request, world.caseworker, Outcome.GRANTED, **REASONS)
    with pytest.raises(services.ValidationError):
        services.register_appeal(granted, world.caseworker, timezone.localdate(), "Uenig")
    other = t.family(world.municipality, "Familien Sen", status=FamilyStatus.REQUESTED)
    refused = services.make_decision(request_for(other), world.caseworker, Outcome.REFUSED, **REASONS)
    late_day = refused.appeal_deadline.toordinal() + 1
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date.fromordinal(late_day))
    appeal = services.register_appeal(refused, world.caseworker, None, "Sent, men viktig")
    assert appeal.in_time is False
