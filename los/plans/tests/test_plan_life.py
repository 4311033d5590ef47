"""A plan's whole life through the pages: create, goals, measures, the owner's update under consent, the
family's comment, evaluation, expectation clarification, sign-off and the PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.plans import services
from los.plans.models import (
    Evaluation,
    EvaluationDate,
    ExpectationClarification,
    Goal,
    Measure,
    MeasureComment,
    Plan,
    PlanApproval,
    PlanVersion,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace normalised (table cells wrap across lines)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.django_db
def test_a_plans_full_life(client, world):
    w = world
    from los.core import testing as t

    t.consent(w.family, w.school)
    mother = w.family.members.get()
    today = timezone.localdate()
    plan_url = reverse("plans:family_plan", args=[w.family.pk])

    # The coordinator starts the plan with the family's consent.
    client.force_login(w.coordinator)
    page = client.get(plan_url, **EN).content.decode()
    assert "No individual plan yet" in page and "Start an individual plan" in page
    response = client.post(reverse("plans:plan_create", args=[w.family.pk]), {
        "consent_given_by": mother.pk, "consent_method": "digital", "consent_given_on": today.isoformat(),
        "what_matters": "At Ida har venner og at vi får sove om natta."}, **EN)
    assert response.status_code == 302
    plan = Plan.objects.get(family=w.family)
    assert plan.participants.filter(user=w.coordinator).exists()
    assert plan.participants.filter(family_member=mother).exists()

    # A goal in the family's own words, and a measure owned by the school contact (who has consent).
    client.post(reverse("plans:goal_create", args=[plan.pk]), {
        "text": "Jeg vil være med de andre i friminuttet", "whose": f"child:{w.family.children.get().pk}",
        "category": "friends"}, **EN)
    goal = Goal.objects.get(plan=plan)
    response = client.post(reverse("plans:measure_create", args=[plan.pk]), {
        "title": "Voksen tilstede i friminuttene", "goal": goal.pk, "owner_person": w.contact.pk,
        "owner_provider": "", "start": today.isoformat(), "due_date": (today + timedelta(days=60)).isoformat()},
        **EN)
    assert response.status_code == 302, response.content.decode()
    measure = Measure.objects.get(plan=plan)
    assert measure.owner_provider == w.school  # filled in from the contact's own service
    page = client.get(plan_url, **EN).content.decode()
    assert "Jeg vil være med de andre i friminuttet" in page and "Voksen tilstede i friminuttene" in page

    # The school contact sees the plan under consent and updates the status of the measure (htmx).
    client.force_login(w.contact)
    page = client.get(plan_url, **EN).content.decode()
    assert "Voksen tilstede i friminuttene" in page and "Update the status" in page
    assert "Add a goal" not in page and "Change the measure" not in page
    response = client.post(reverse("plans:measure_status", args=[measure.pk]), {
        f"m{measure.pk}-version": measure.version, f"m{measure.pk}-status": "in_progress",
        f"m{measure.pk}-note": "Startet etter høstferien"}, **EN, **HTMX)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "The status is updated." in fragment and "In progress" in fragment
    assert fragment.lstrip().startswith(f'<li class="ds-card plans-measure" id="measure-{measure.pk}"')
    measure.refresh_from_db()
    assert measure.status == "in_progress" and measure.status_note == "Startet etter høstferien"

    # The mother comments on the measure.
    client.force_login(w.parent)
    response = client.post(reverse("plans:measure_comment", args=[measure.pk]), {
        f"c{measure.pk}-text": "Ida sier det hjelper!"}, **EN, **HTMX)
    assert "Your comment is added." in response.content.decode()
    comment = MeasureComment.objects.get(measure=measure)
    assert comment.author == w.parent and comment.author_side == "family"
    assert AuditEvent.objects.filter(actor=w.parent, object_type="Measure", action="change", allowed=True).exists()

    # The coordinator writes the expectation clarification; both sides sign.
    client.force_login(w.coordinator)
    client.post(reverse("plans:clarification_edit", args=[plan.pk]), {
        "version": 0, "will_do": "Ha oversikt og kalle inn til ansvarsgruppemøter.",
        "will_not_do": "Søke om stønader for familien.", "done_instead_by": "NAV-veileder hjelper med søknaden.",
        "contact_channels": ["phone", "los"], "contact_frequency": "monthly",
        "delegated_authority": "Kan kalle inn til fagmøte."}, **EN)
    clarification = ExpectationClarification.objects.get(plan=plan)
    client.post(reverse("plans:clarification_sign", args=[plan.pk]), {"version": clarification.version})
    client.force_login(w.parent)
    client.post(reverse("plans:clarification_sign", args=[plan.pk]), {"version": clarification.version})
    clarification.refresh_from_db()
    assert clarification.is_signed
    assert clarification.family_signed_by == w.parent and clarification.coordinator_signed_by == w.coordinator

    # Evaluation: a date, then the result per goal with the family's view; the clarification is revisited.
    client.force_login(w.coordinator)
    client.post(reverse("plans:evaluation_date_add", args=[plan.pk]), {"date": today.isoformat()}, **EN)
    occasion = EvaluationDate.objects.get(plan=plan)
    response = client.post(reverse("plans:evaluation_record", args=[occasion.pk]), {
        "version": occasion.version, "held_on": today.isoformat(), f"result_{goal.pk}": "partly",
        f"family_view_{goal.pk}": "Bedre, men ikke hver dag", f"next_period_{goal.pk}": "Fortsette med voksen ute",
        "clarification_reviewed": "on", "next_date": (today + timedelta(days=180)).isoformat()}, **EN)
    assert response.status_code == 302, response.content.decode()
    result = Evaluation.objects.get(goal=goal)
    assert result.result == "partly" and result.family_view == "Bedre, men ikke hver dag"
    clarification.refresh_from_db()
    assert clarification.last_reviewed_on == today
    page = client.get(plan_url, **EN).content.decode()
    assert "Partly reached" in page and "Next evaluation:" in page

    # The family approves the version it has read; the approval is in the audit log.
    client.force_login(w.parent)
    plan.refresh_from_db()
    page = client.get(plan_url, **EN).content.decode()
    assert f"Approve version {plan.revision}" in page
    client.post(reverse("plans:plan_approve", args=[plan.pk]), {"revision": plan.revision}, **EN)
    approval = PlanApproval.objects.get(plan=plan)
    assert approval.plan_version.number == plan.revision and approval.member == mother
    assert AuditEvent.objects.filter(object_type="PlanApproval", object_id=str(approval.pk), actor=w.parent).exists()
    page = client.get(plan_url, **EN).content.decode()
    assert f"approved version {plan.revision}" in page

    # Every change is a version with its author.
    changes = list(PlanVersion.objects.filter(plan=plan).order_by("number").values_list("change", flat=True))
    assert changes[:3] == ["created", "goal_added", "measure_added"]
    assert {"measure_status", "clarification", "clarification_signed", "evaluation_date", "evaluation"} <= set(changes)
    assert PlanVersion.objects.filter(plan=plan, change="measure_status", author=w.contact).exists()

    # The PDF, in the family's language (bokmål), with the plan's content.
    response = client.get(reverse("plans:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Individuell plan" in text
    assert "Jeg vil være med de andre i friminuttet" in text
    assert "Voksen tilstede i friminuttene" in text
    assert "Delvis nådd" in text
    assert "Ha oversikt og kalle inn til ansvarsgruppemøter." in text
    assert AuditEvent.objects.filter(actor=w.parent, action="export", object_type="Plan").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading", "status"),
                         [("nb", "Individuell plan", "Planlagt"), ("nn", "Individuell plan", "Planlagd"),
                          ("en", "Individual plan", "Planned")])
def test_pdf_is_in_the_familys_language_and_tagged(client, plan_world, language, heading, status):
    w = plan_world
    w.family.preferred_language = language
    w.family.save(update_fields=["preferred_language"])
    client.force_login(w.coordinator)
    response = client.get(reverse("plans:plan_pdf", args=[w.plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = pdf_text(response.content)
    assert heading in text and status in text
    assert "Tilrettelegge friminutt" in text
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged for screen readers
    assert catalog["/MarkInfo"]["/Marked"]
    assert str(catalog["/Lang"]) == language


@pytest.mark.django_db
def test_create_measure_for_other_apps(plan_world):
    """The meetings app calls create_measure(family=..., responsible_user=<id>, service_provider=...)."""
    w = plan_world
    measure = services.create_measure(family=w.family, title="Vurdere assistent i SFO", by=w.coordinator,
                                      responsible_user=w.contact.pk, service_provider=w.school,
                                      due_date=None, origin="meeting")
    assert measure.plan == w.plan and measure.owner_person == w.contact and measure.origin == "meeting"
    assert measure.access_owner_ids() == [w.contact.pk]
    assert PlanVersion.objects.filter(plan=w.plan, change="measure_added", subject="Vurdere assistent i SFO").exists()


@pytest.mark.django_db
def test_create_measure_without_a_plan_or_right_gives_a_clear_message(world, english):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="no individual plan yet"):
        services.create_measure(family=world.other_family, title="Noe", by=world.coordinator)


@pytest.mark.django_db
def test_measures_due_for_evaluation(plan_world):
    from los.plans import selectors

    w = plan_world
    today = timezone.localdate()
    assert [m.pk for m in selectors.measures_due_for_evaluation(w.family, today + timedelta(days=20))] == [
        w.own_measure.pk]
    services.add_evaluation_date(w.plan, by=w.coordinator, day=today + timedelta(days=10))
    due = selectors.measures_due_for_evaluation(w.family, today + timedelta(days=10))
    assert {m.pk for m in due} == {w.own_measure.pk, w.school_measure.pk}
    assert all(m.evaluation_date == today + timedelta(days=10) for m in due)
