"""No view, export or API shows one family's answers to staff; the answers cannot be joined back to a family.

Each staff role is logged in and every way in is tried: the family's survey pages, the family's other pages, the
figures and their downloads, the API (resources, FHIR, the archive package), the access log and the package that moves
a family to another municipality.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditAction, AuditEvent, Category
from los.access.policy import Action, decide, visible_families
from los.accounts.models import Role
from los.api.models import Scope
from los.api.services import create_token
from los.core import testing as t
from los.families.models import FamilyStatus
from los.survey import services
from los.survey.models import Answer, Invitation, Moment
from los.survey.tests.conftest import FULL_ANSWER, invite

pytestmark = pytest.mark.django_db

SECRET = "Koordinatoren ringer alltid tilbake samme dag."  # the family's own words in FULL_ANSWER


@pytest.fixture
def answered(world):
    """The Berg family has answered (with a comment); the unit leader and a service contact with every consentable
    category are added to the world's staff."""
    world.unit_leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    t.consent(world.family, world.school, categories=[c.value for c in Category if c not in (
        Category.WORKING_NOTES, Category.MESSAGES, Category.CONSENTS, Category.ACCESS_LOG, Category.REFERRAL)])
    invitation = invite(world.family)
    services.answer(invitation, {k: v for k, v in FULL_ANSWER.items()})
    invitation.refresh_from_db()
    world.invitation = invitation
    world.staff = {"barnekoordinator": world.coordinator, "caseworker": world.caseworker,
                   "unit_leader": world.unit_leader, "municipal_leader": world.leader, "system_admin": world.admin,
                   "service_contact": world.contact, "foreign_caseworker": world.foreign_caseworker}
    return world


def test_an_answer_row_holds_nothing_that_leads_to_a_family():
    fields = {f.name: f for f in Answer._meta.concrete_fields}
    relations = {name for name, f in fields.items() if f.is_relation}
    assert relations == {"municipality"}
    assert not [name for name, f in fields.items() if isinstance(f, models.DateField | models.DateTimeField)]
    assert isinstance(fields["id"], models.UUIDField)
    assert set(fields) == {"id", "municipality", "year", "quarter", "moment", "respondent", "version", "receipt",
                           "road_heavy", "coordinated", "depends_on_people", "rights_overview", "application_help",
                           "coordinator_satisfaction", "coordinator_use", "plan_satisfaction", "plan_use",
                           "child_together", "child_listened", "child_knows_whom", "comment"}
    # and nothing on the family's side points at an answer
    for model in (Invitation, *[m for m in Answer._meta.apps.get_models() if m is not Answer]):
        assert not any(f.is_relation and f.related_model is Answer for f in model._meta.get_fields()), model


def test_the_receipt_is_no_hash_of_anything_in_the_database(answered):
    import hashlib

    answer = Answer.objects.get()
    invitation = answered.invitation
    for value in (invitation.secret, str(invitation.pk), str(answered.family.pk), answered.family.reference):
        for algorithm in ("sha256", "sha1", "md5"):
            assert hashlib.new(algorithm, value.encode()).hexdigest() != answer.receipt


@pytest.mark.parametrize("role", ["barnekoordinator", "caseworker", "unit_leader", "municipal_leader",
                                  "system_admin", "service_contact", "foreign_caseworker"])
def test_no_staff_role_opens_the_familys_survey_pages(answered, role):
    person = answered.staff[role]
    client = Client()
    client.force_login(person)
    family, invitation = answered.family, answered.invitation
    urls = [reverse("survey:questionnaire", args=[family.pk, invitation.pk]),
            reverse("survey:our_answers", args=[family.pk]),
            reverse("survey:delete_answer", args=[family.pk, invitation.pk])]
    for url in urls:
        for response in (client.get(url), client.get(url, HTTP_HX_REQUEST="true"),
                         client.post(url, {**FULL_ANSWER, "send": "1"})):
            assert response.status_code in (403, 404), (role, url, response.status_code)
            assert SECRET not in response.content.decode()
    assert Answer.objects.get().comment == SECRET  # nothing deleted or changed
    open_one = invite(family, moment=Moment.YEARLY)
    client.post(reverse("survey:questionnaire", args=[family.pk, open_one.pk]), {"nei_takk": "1"})
    open_one.refresh_from_db()
    assert open_one.closed_on is None


def test_the_policy_keeps_the_survey_category_to_the_family(answered):
    assert decide(answered.parent, Action.VIEW, answered.invitation).allowed
    assert decide(answered.parent, Action.CHANGE, answered.invitation).allowed
    for role, person in answered.staff.items():
        for action in (Action.VIEW, Action.CHANGE, Action.EXPORT):
            assert not decide(person, action, answered.invitation).allowed, (role, action)
            assert not decide(person, action, answered.family, Category.SURVEY).allowed, (role, action)
        assert answered.family not in visible_families(person, Category.SURVEY)
    basis = decide(answered.coordinator, Action.VIEW, answered.invitation).basis
    assert basis == "family_only"  # the family's own coordinator is refused too, and told why


@pytest.mark.parametrize("role", ["barnekoordinator", "caseworker", "unit_leader", "service_contact"])
def test_the_familys_other_pages_show_staff_nothing_of_the_survey(answered, role):
    client = Client()
    client.force_login(answered.staff[role])
    for name in ("families:detail", "portal:overview", "access:family_access_log", "transitions:timeline"):
        response = client.get(reverse(name, args=[answered.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
        body = response.content.decode()
        assert SECRET not in body
        assert reverse("survey:questionnaire", args=[answered.family.pk, answered.invitation.pk]) not in body
        assert reverse("survey:our_answers", args=[answered.family.pk]) not in body


def test_the_coordinators_access_log_leaves_out_the_survey_but_the_familys_does_not(answered, client):
    client.force_login(answered.parent)
    client.get(reverse("survey:our_answers", args=[answered.family.pk]))
    assert AuditEvent.objects.filter(family=answered.family, category=Category.SURVEY).exists()
    family_view = client.get(reverse("access:family_access_log", args=[answered.family.pk]),
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "our answers to the questionnaire" in family_view.lower()
    client.force_login(answered.coordinator)
    coordinator_view = client.get(reverse("access:family_access_log", args=[answered.family.pk]),
                                  HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "questionnaire" not in coordinator_view.lower()


def test_answering_and_saying_no_thanks_look_the_same_in_the_audit_log(world, client):
    first, second = invite(world.family), invite(world.family, moment=Moment.YEARLY)
    client.force_login(world.parent)
    # the family's overview first: the municipality's audit chain is opened by its first event, not by an answer
    client.get(reverse("portal:overview", args=[world.family.pk]))
    before = AuditEvent.objects.count()
    client.post(reverse("survey:questionnaire", args=[world.family.pk, first.pk]), {**FULL_ANSWER, "send": "1"})
    answered = list(AuditEvent.objects.order_by("seq")[before:])
    before = AuditEvent.objects.count()
    client.post(reverse("survey:questionnaire", args=[world.family.pk, second.pk]), {"nei_takk": "1"})
    declined = list(AuditEvent.objects.order_by("seq")[before:])

    def shape(events):
        return [(e.action, e.object_type, e.category, e.allowed, e.reason) for e in events]

    assert shape(answered) == shape(declined)
    assert {e.action for e in answered} == {AuditAction.VIEW, AuditAction.CHANGE}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.closed_on == second.closed_on  # a date, the same either way


@pytest.mark.parametrize("role", ["barnekoordinator", "caseworker", "unit_leader", "municipal_leader"])
def test_the_figures_never_show_one_familys_answer(answered, role):
    client = Client()
    client.force_login(answered.staff[role])
    page = client.get(reverse("survey:outcomes"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert SECRET not in body and answered.family.display_name not in body
    assert f"/familier/{answered.family.pk}/" not in body and f"/familie/{answered.family.pk}/" not in body
    for fmt in ("csv", "xlsx"):
        download = client.get(reverse("survey:outcomes_download") + f"?format={fmt}")
        assert download.status_code == 200
        content = download.content
        if fmt == "xlsx":
            archive = zipfile.ZipFile(io.BytesIO(content))
            content = b"".join(archive.read(name) for name in archive.namelist())
        assert SECRET.encode() not in content and answered.family.display_name.encode() not in content
        assert AuditEvent.objects.filter(actor=answered.staff[role], action=AuditAction.EXPORT,
                                         object_type="survey_outcomes").exists()


@pytest.mark.parametrize("role", ["service_contact", "system_admin", "foreign_caseworker"])
def test_the_figures_are_not_for_everyone(answered, role):
    client = Client()
    client.force_login(answered.staff[role])
    if role == "foreign_caseworker":  # sees only their own municipality
        body = client.get(reverse("survey:outcomes"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert answered.municipality.name not in body and SECRET not in body
        return
    assert client.get(reverse("survey:outcomes")).status_code == 403
    assert client.get(reverse("survey:outcomes_download")).status_code == 403
    client.force_login(answered.parent)
    assert client.get(reverse("survey:outcomes")).status_code == 403


def test_comments_are_shown_only_among_enough_answers_and_never_downloaded(answered, client):
    client.force_login(answered.unit_leader)
    year = timezone.localdate().year
    Answer.objects.update(year=year - 1, quarter=2)
    body = client.get(reverse("survey:outcomes"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SECRET not in body  # one answer in the year: its words could point at the family
    for n in range(4):
        other = invite(answered.other_family, moment=Moment.YEARLY, due=timezone.localdate() - timedelta(days=n + 1))
        services.answer(other, {"road_heavy": "1", "comment": f"Annet svar {n}"})
    Answer.objects.update(year=year - 1, quarter=2)
    body = client.get(reverse("survey:outcomes"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert SECRET in body and "Annet svar 3" in body
    csv = client.get(reverse("survey:outcomes_download") + "?format=csv").content.decode("utf-8-sig")
    assert SECRET not in csv and "Annet svar" not in csv


def _api(user, municipality) -> Client:
    _token, text = create_token(name="Test", user=user, municipality=municipality, scopes=list(Scope.values))
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.mark.parametrize("role", ["barnekoordinator", "caseworker", "unit_leader"])
def test_the_api_shows_no_answers(answered, role):
    person = answered.staff[role]
    api = _api(person, answered.municipality)
    family = answered.family
    schema = json.loads(Client().get("/api/openapi.json").content)
    paths = [p for p, ops in schema["paths"].items() if "get" in ops and "{family_id}" in p and p.count("{") == 1]
    assert len(paths) >= 8
    for path in paths:
        response = api.get(path.replace("{family_id}", str(family.pk)))
        body = response.content
        if response.get("Content-Type", "").startswith("application/zip"):
            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(name) for name in archive.namelist())
        assert SECRET.encode() not in body, path
        assert answered.invitation.secret.encode() not in body, path
        assert b"survey.invitation" not in body, path
    family.status = FamilyStatus.CLOSED
    family.save()
    if role != "barnekoordinator":
        response = api.get(f"/api/families/{family.pk}/archive")
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert SECRET.encode() not in everything and answered.invitation.secret.encode() not in everything
        assert b'"survey_answers"' not in everything and b"survey.invitation" not in everything


def test_the_package_for_a_move_leaves_the_survey_behind(answered):
    from los.transitions import transfer

    assert "survey.invitation" in transfer.EXCLUDED
    assert Invitation not in transfer.allowed_models().values()
    assert "survey.invitation" in transfer.staying_tables()


@pytest.mark.parametrize("role", ["barnekoordinator", "caseworker", "unit_leader"])
def test_a_staff_download_of_the_familys_data_holds_no_answers(answered, role):
    client = Client()
    client.force_login(answered.staff[role])
    response = client.get(reverse("portal:download", args=[answered.family.pk]))
    if response.status_code != 200:
        assert response.status_code in (403, 404)
        return
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["survey_answers"] == []
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert SECRET.encode() not in everything and answered.invitation.secret.encode() not in everything
