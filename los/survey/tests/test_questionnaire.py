"""The family answers, says no thanks, sees and deletes its own answers."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from los.access.models import AuditAction, AuditEvent, Category
from los.core import testing as t
from los.families.models import Child
from los.survey.models import Answer, Invitation, Moment, Respondent, receipt_for
from los.survey.tests.conftest import FULL_ANSWER, invite

pytestmark = pytest.mark.django_db


def checked(page: str, name: str, value: str) -> bool:
    """Whether the radio button ``name`` = ``value`` is checked on the page."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no radio button {name}={value}")


def url(invitation, name="survey:questionnaire"):
    return reverse(name, args=[invitation.family_id, invitation.pk])


def test_the_invitation_waits_on_the_familys_overview(client, world, invitation):
    client.force_login(world.parent)
    page = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How is it going?" in page
    assert url(invitation) in page
    assert reverse("survey:our_answers", args=[world.family.pk]) in page


def test_the_coordinator_sees_no_invitation_on_the_familys_overview(client, world, invitation):
    client.force_login(world.coordinator)
    page = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert url(invitation) not in page and "How is it going?" not in page


@pytest.mark.parametrize("language, words", [("nb", "Hvordan går det?"), ("nn", "Korleis går det?"),
                                             ("en", "How is it going?")])
def test_the_questionnaire_is_in_three_languages(client, world, invitation, language, words):
    client.force_login(world.parent)
    overview = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert words in overview.content.decode()
    page = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert page.count('class="ds-fieldset survey-question"') == 8
    with translation.override(language):
        from los.survey.questions import GUARDIAN_QUESTIONS
        assert str(GUARDIAN_QUESTIONS[0].items[0].text) in page


def test_answering_stores_the_answers_apart_from_the_family(client, world, invitation):
    client.force_login(world.parent)
    response = client.post(url(invitation), {**FULL_ANSWER, "send": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == reverse("survey:our_answers",
                                                                           args=[world.family.pk])
    answer = Answer.objects.get()
    today = timezone.localdate()
    assert (answer.municipality_id, answer.year, answer.moment, answer.respondent) == (
        world.municipality.pk, today.year, Moment.THREE_MONTHS, Respondent.GUARDIAN)
    assert answer.quarter == (today.month - 1) // 3 + 1
    assert (answer.road_heavy, answer.coordinated, answer.plan_satisfaction, answer.plan_use) == (1, 4, 9, 0)
    assert answer.comment == FULL_ANSWER["comment"]
    invitation.refresh_from_db()
    assert invitation.closed_on == today
    assert answer.receipt == receipt_for(invitation.secret) and invitation.secret not in answer.receipt
    # the audit log says the family dealt with the invitation: the same as for "no thanks"
    event = AuditEvent.objects.filter(family=world.family, action=AuditAction.CHANGE).latest("seq")
    assert (event.object_type, event.category) == ("Invitation", Category.SURVEY)
    followed = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thank you for your answers. They are stored without your name." in followed
    assert FULL_ANSWER["comment"] in followed and "We have no individual plan" in followed


def test_every_question_can_be_left_out(client, world, invitation):
    client.force_login(world.parent)
    response = client.post(url(invitation), {"road_heavy": "2", "send": "1"})
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.road_heavy == 2 and answer.coordinated is None and answer.comment == ""


def test_leaving_out_every_question_stores_nothing(client, world, invitation):
    client.force_login(world.parent)
    response = client.post(url(invitation), {"send": "1"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "You left every question out, so nothing was stored." in response.content.decode()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.closed_on is not None


def test_no_thanks_closes_the_invitation_without_an_answer(client, world, invitation):
    client.force_login(world.parent)
    response = client.post(url(invitation), {**FULL_ANSWER, "nei_takk": "1"}, HTTP_ACCEPT_LANGUAGE="en",
                           follow=True)
    assert "We will not ask you about this again." in response.content.decode()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.closed_on == timezone.localdate()
    overview = client.get(reverse("portal:overview", args=[world.family.pk])).content.decode()
    assert url(invitation) not in overview


def test_bad_input_is_explained_and_what_was_typed_is_kept(client, world, invitation):
    client.force_login(world.parent)
    data = {**FULL_ANSWER, "road_heavy": "7", "comment": "x" * 1001, "send": "1"}
    response = client.post(url(invitation), data, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the answers, or leave the question out." in page
    assert "Write at most 1000 characters (you wrote 1001)." in page
    assert checked(page, "coordinated", "4") and not checked(page, "coordinated", "5")
    assert "x" * 1001 in page
    assert not Answer.objects.exists()


def test_an_invitation_answered_by_the_other_guardian_saves_nothing_and_says_why(client, world, invitation):
    other = t.user("forelder.to")
    world.family.members.create(municipality=world.municipality, relation="father", given_name="Far",
                                family_name="Berg", parental_responsibility=True, may_consent=True, user=other)
    client.force_login(other)
    client.post(url(invitation), {**FULL_ANSWER, "send": "1"})
    client.force_login(world.parent)
    response = client.post(url(invitation), {**FULL_ANSWER, "road_heavy": "5", "send": "1"},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This questionnaire is no longer open" in page and "Nothing was saved." in page
    assert checked(page, "road_heavy", "5")  # what this guardian chose is still on the page
    assert Answer.objects.count() == 1 and Answer.objects.get().road_heavy == 1


def test_an_expired_invitation_cannot_be_answered(client, world):
    old = invite(world.family, due=timezone.localdate() - timedelta(days=60))
    client.force_login(world.parent)
    page = client.get(url(old), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This questionnaire is no longer open" in page and "<form method=\"post\" class=\"los-form" not in page
    client.post(url(old), {**FULL_ANSWER, "send": "1"})
    assert not Answer.objects.exists()


def test_the_family_sees_and_deletes_its_own_answers(client, world, invitation):
    client.force_login(world.parent)
    client.post(url(invitation), {**FULL_ANSWER, "send": "1"})
    page = client.get(reverse("survey:our_answers", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert FULL_ANSWER["comment"] in page.content.decode()
    confirm = client.get(url(invitation, "survey:delete_answer"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Delete the answers?" in confirm.content.decode()
    assert Answer.objects.count() == 1  # asking is not deleting
    response = client.post(url(invitation, "survey:delete_answer"), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert "Your answers are deleted." in page and FULL_ANSWER["comment"] not in page
    assert not Answer.objects.exists()
    assert "No answers are stored" in page


def test_the_family_finds_its_answers_after_a_change_of_secret_key(client, world, invitation, settings):
    client.force_login(world.parent)
    client.post(url(invitation), {**FULL_ANSWER, "send": "1"})
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
    page = client.get(reverse("survey:our_answers", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert FULL_ANSWER["comment"] in page.content.decode()


def test_the_familys_download_holds_its_own_answers(client, world, invitation):
    client.force_login(world.parent)
    client.post(url(invitation), {**FULL_ANSWER, "send": "1"})
    other = invite(world.other_family)
    Answer.objects.create(municipality=world.municipality, year=2026, quarter=1, moment=Moment.YEARLY,
                          respondent=Respondent.GUARDIAN, receipt=receipt_for(other.secret), comment="Ikke vår")
    response = client.get(reverse("portal:download", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert len(data["survey_answers"]) == 1
    entry = data["survey_answers"][0]
    assert entry["comment"] == FULL_ANSWER["comment"]
    assert {"question": "The road to the services we have now was unnecessarily heavy.",
            "answer": "Completely agree", "code": 1} in entry["answers"]
    assert "Ikke vår" not in archive.read("data.json").decode()
    assert "survey_answers" in archive.read("LESMEG.txt").decode()
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("sammendrag.pdf"))).pages)
    assert "Koordinatoren ringer alltid tilbake" in text


# --- the child's own short version ----------------------------------------------------------------------


def _child(world, age: int, user=None) -> Child:
    birth = timezone.localdate() - timedelta(days=age * 365 + 60)
    return Child.objects.create(family=world.family, municipality=world.municipality, given_name="Sara",
                                family_name="Berg", birth_date=birth, user=user)


def test_a_child_from_12_answers_on_a_guardians_device(client, world):
    child = _child(world, 13)
    invitation = invite(world.family, child=child)
    client.force_login(world.parent)
    overview = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Questions for Sara" in overview.content.decode()
    page = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This part is for Sara. Give Sara the phone" in page
    assert page.count('class="ds-fieldset survey-question"') == 4
    client.post(url(invitation), {"child_together": "1", "child_listened": "2", "comment": "Bra", "send": "1"})
    answer = Answer.objects.get()
    assert (answer.respondent, answer.child_together, answer.child_listened, answer.road_heavy) == (
        Respondent.CHILD, 1, 2, None)
    mine = client.get(reverse("survey:our_answers", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Do the adults listen to what you think?" in mine.content.decode()


def test_a_young_person_answers_with_their_own_log_in_and_only_they_see_it(client, world):
    young = t.user("ungdom")
    child = _child(world, 16, user=young)
    invitation = invite(world.family, child=child, by_own_login=True)
    guardians = invite(world.family, moment=Moment.YEARLY)
    client.force_login(young)
    overview = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert url(invitation) in overview.content.decode() and url(guardians) not in overview.content.decode()
    client.post(url(invitation), {"child_knows_whom": "3", "comment": "Mitt eget svar", "send": "1"})
    assert client.get(url(guardians)).status_code == 403
    assert "Mitt eget svar" in client.get(reverse("survey:our_answers", args=[world.family.pk])).content.decode()
    client.force_login(world.parent)
    assert client.get(url(invitation)).status_code == 403
    assert client.post(url(invitation, "survey:delete_answer")).status_code == 403
    page = client.get(reverse("survey:our_answers", args=[world.family.pk])).content.decode()
    assert "Mitt eget svar" not in page
    assert Answer.objects.filter(comment="Mitt eget svar").exists()


def test_invitations_of_another_family_are_not_found(client, world):
    other = invite(world.other_family)
    client.force_login(world.parent)
    wrong = reverse("survey:questionnaire", args=[world.family.pk, other.pk])
    assert client.get(wrong).status_code == 404
    assert client.get(url(other)).status_code == 404
    assert Invitation.objects.get(pk=other.pk).closed_on is None
