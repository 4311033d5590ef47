"""The whole path: request → assessment → decision → PDF → appointment → change → ending."""

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.accounts.models import PositionType, Role
from los.core import testing as t
from los.core.dates import format_day
from los.families.models import CoordinatorAssignment, FamilyStatus
from los.referrals.models import (
    Appointment,
    Ending,
    HandoverTask,
    Request,
    RequestSource,
    RequestStatus,
    Vedtak,
)

from .helpers import REASONS, content, pdf_text


def _nb_date(day) -> str:
    return format_day(day, language="nb")


@pytest.mark.django_db
def test_whole_path_from_request_to_ending(client, world):
    m = world.municipality
    guardian = t.user("mor.lie")
    family = t.family(m, "Familien Lie", status=FamilyStatus.CLOSED, guardian_user=guardian)
    second = t.staff(Role.BARNEKOORDINATOR, m, "bk.to", position_type=PositionType.EXTRA_FUNCTION,
                     position_share=10)

    # 1. The guardian asks for a barnekoordinator
    client.force_login(guardian)
    page = client.get(reverse("referrals:family_ask", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Ask for a barnekoordinator" in page.content.decode()
    response = client.post(reverse("referrals:family_ask", args=[family.pk]),
                           {"description": "Vi trenger hjelp med skole, fysioterapi og avlastning."},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Your request has been sent to the coordinating unit" in response.content.decode()
    request = Request.objects.get(family=family)
    assert request.source == RequestSource.FAMILY and request.received == timezone.localdate()
    family.refresh_from_db()
    assert family.status == FamilyStatus.REQUESTED

    # 2. The caseworker sees it in the queue
    client.force_login(world.caseworker)
    queue = client.get(reverse("referrals:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Familien Lie" in queue

    # 3. Assessment against the legal criteria
    response = client.post(reverse("referrals:assessment", args=[request.pk]), {
        "result_legal:child": "met", "why_legal:child": "Barnet er 9 år.",
        "result_legal:condition": "met", "why_legal:condition": "Cerebral parese.",
        "result_legal:services": "met", "why_legal:services": "Skole, PPT, fysioterapi og HABU.",
        "conclusion": "Vilkårene er oppfylt.", "recommendation": "grant",
        "navigator_snapshot": "Hjelpestønad og grunnstønad kan være aktuelt.",
    })
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ASSESSING
    assert request.assessment.criteria.filter(result="met").count() == 3

    # 4. Decision with reasons, letter archived, audit written
    response = client.post(reverse("referrals:decision", args=[request.pk]), {
        "outcome": "granted", **REASONS, "notified_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    vedtak = Vedtak.objects.get(request=request)
    assert vedtak.letter and vedtak.letter_language == "nb"
    family.refresh_from_db()
    assert family.status == FamilyStatus.WAITING
    assert AuditEvent.objects.filter(family_id=family.pk, object_type="Vedtak").count() >= 2

    # 5. The PDF letter says why and until when one can appeal
    letter = client.get(reverse("referrals:letter", args=[vedtak.pk]))
    assert letter["Content-Type"] == "application/pdf"
    text = pdf_text(content(letter))
    assert "Mia har cerebral parese" in " ".join(text.split())
    assert _nb_date(vedtak.appeal_deadline) in text

    # 6. Appointment, with the candidates ranked and explained
    page = client.get(reverse("referrals:appoint", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Does not know the family from before." in page
    response = client.post(reverse("referrals:appoint", args=[family.pk]), {
        "coordinator": str(second.pk), "family_wishes": "Ønsker en som kjenner skolen."})
    assert response.status_code == 302
    first = CoordinatorAssignment.objects.get(family=family)
    assert first.coordinator == second and first.ended is None
    assert Appointment.objects.get(assignment=first).family_wishes == "Ønsker en som kjenner skolen."
    family.refresh_from_db()
    assert family.status == FamilyStatus.ACTIVE

    # 7. Change of coordinator: the old assignment ends and a handover with a summary is made
    response = client.post(reverse("referrals:appoint", args=[family.pk]), {
        "coordinator": str(world.coordinator.pk), "change_reason": "Ny jobb"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.ended == timezone.localdate() and first.end_reason == "Ny jobb"
    handover = HandoverTask.objects.get(family=family)
    assert "Familien Lie" in handover.summary and "Vilkårene" not in handover.summary
    assert "Mor Lie" in handover.summary and "Mia har cerebral parese" in handover.summary

    # the new coordinator reads the summary and marks the handover done
    client.force_login(world.coordinator)
    page = client.get(reverse("referrals:handover", args=[handover.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Case summary" in page.content.decode()
    client.post(reverse("referrals:handover", args=[handover.pk]), {"note": "Møtt familien", "version": 1})
    handover.refresh_from_db()
    assert handover.done_at is not None

    # 8. Ending at the family's wish, with a closing summary; nothing is deleted
    client.force_login(world.caseworker)
    response = client.post(reverse("referrals:ending", args=[family.pk]), {
        "reason": "family_wish", "ended_on": timezone.localdate().isoformat(),
        "closing_summary": "Familien har god oversikt nå og ønsker å avslutte."})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == FamilyStatus.CLOSED
    assert not CoordinatorAssignment.objects.filter(family=family, ended__isnull=True).exists()
    assert Ending.objects.get(family=family).closing_summary.startswith("Familien har god oversikt")
    assert CoordinatorAssignment.objects.filter(family=family).count() == 2
    assert Request.objects.filter(family=family).count() == 1 and Vedtak.objects.filter(family=family).count() == 1

    # 9. The family's case page shows it all
    client.force_login(guardian)
    page = client.get(reverse("referrals:family_case", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Request received", "Granted", "Decision letter (PDF)", "Coordinator history", "Ny jobb",
                 "Familien har god oversikt"):
        assert text in page
