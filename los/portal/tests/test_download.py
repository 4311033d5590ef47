"""The family's data download: completeness, what the policy hides, audit."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from los.access.models import AuditAction, AuditEvent
from los.access.policy import Action, decide, resolve
from los.portal import selectors, services
from los.portal.models import FamilyStory

pytestmark = pytest.mark.django_db


def _zip(client, user, family):
    client.force_login(user)
    response = client.get(reverse("portal:download", args=[family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_download_contains_every_object_of_the_family(client, world):
    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Liker tog")
    services.send_message(world.family, world.parent, "Hei")
    before = dict(selectors.family_objects(world.family))  # the download's own audit event comes after it
    archive = _zip(client, world.parent, world.family)
    data = json.loads(archive.read("data.json"))
    exported = {(o["model"], str(o["pk"])) for o in data["objects"]}
    expected, hidden = set(), set()
    for model, objects in before.items():
        for obj in objects:
            if decide(world.parent, Action.VIEW, obj).allowed:
                expected.add((model._meta.label_lower, str(obj.pk)))
            else:
                hidden.add(str(resolve(obj)[1]))
    assert exported == expected
    assert ("portal.familystory", str(FamilyStory.objects.get().pk)) in exported
    assert any(m == "portal.message" for m, _pk in exported)
    assert any(m == "families.child" for m, _pk in exported)
    # nothing of another family
    for o in data["objects"]:
        fields = o["fields"]
        assert fields.get("family", world.family.pk) == world.family.pk
    readme = archive.read("LESMEG.txt").decode()
    assert set(data["hidden_categories"]) == hidden
    for category in hidden:
        assert category in data["hidden_categories"]
    assert "sammendrag.pdf" in readme
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("sammendrag.pdf"))).pages)
    assert world.family.display_name in text and "Liker tog" in text
    assert AuditEvent.objects.filter(family=world.family, action=AuditAction.EXPORT, actor=world.parent).exists()


def test_download_finds_every_model_with_a_family_key(world):
    labels = {m._meta.label for m in selectors.family_models()}
    assert {"families.Family", "families.Child", "families.FamilyMember", "portal.FamilyStory",
            "portal.Message", "access.Consent"} <= labels


def test_what_the_policy_hides_is_left_out_and_named_in_the_readme(client, world):
    """A young person (16+) who does not share their health information with the guardians: their
    navigator answers (health) are not in the guardian's download, and the README names the category."""
    from datetime import timedelta

    from django.utils import timezone

    from los.families.models import Child
    from los.navigator.models import NavigatorAnswers

    teen = Child.objects.create(family=world.family, municipality=world.municipality, given_name="Ung",
                                family_name="Berg", birth_date=timezone.localdate() - timedelta(days=17 * 365),
                                shares_health_with_guardians=False)
    answers = NavigatorAnswers.objects.create(family=world.family, municipality=world.municipality, child=teen,
                                              answers={"x": 1})
    archive = _zip(client, world.parent, world.family)
    data = json.loads(archive.read("data.json"))
    exported = {(o["model"], o["pk"]) for o in data["objects"]}
    assert ("navigator.navigatoranswers", answers.pk) not in exported
    assert ("families.child", teen.pk) in exported
    assert data["hidden_categories"] == ["health"]
    # the answers (one record) and the young person's condition (two fields of their row) are left out
    assert "Health information: 1 record, 2 fields" in archive.read("LESMEG.txt").decode()
    child = next(o for o in data["objects"] if o["model"] == "families.child" and o["pk"] == teen.pk)
    assert "condition_summary" not in child["fields"] and child["fields"]["given_name"] == "Ung"
    # the coordinator's download has it
    coordinator_zip = _zip(client, world.coordinator, world.family)
    assert ("navigator.navigatoranswers", answers.pk) in {
        (o["model"], o["pk"]) for o in json.loads(coordinator_zip.read("data.json"))["objects"]}


def test_service_contact_cannot_download(client, world):
    from los.core import testing as t
    t.consent(world.family, world.school)
    client.force_login(world.contact)
    assert client.get(reverse("portal:download", args=[world.family.pk])).status_code == 403
    assert AuditEvent.objects.filter(family=world.family, action=AuditAction.DENIED, actor=world.contact).exists()
