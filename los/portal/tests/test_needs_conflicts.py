"""The siblings' and carers' needs carry a version (optimistic locking). Before, an empty POST wiped every
need, and the last of two people saving overwrote the other without a word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from los.core import testing as t
from los.families.models import FamilyMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(world):
    world.sibling = FamilyMember.objects.create(family=world.family, municipality=world.municipality,
                                                relation="sibling", given_name="Kari", family_name="Berg",
                                                needs="Trenger tid alene med mamma")
    world.mother = world.family.members.get(relation="mother")
    world.mother.needs = "Avlastning i helgene"
    world.mother.save()
    world.url = reverse("portal:needs", args=[world.family.pk])
    return world


def _saved(w) -> tuple[str, str]:
    w.sibling.refresh_from_db()
    w.mother.refresh_from_db()
    return w.sibling.needs, w.mother.needs


def test_an_empty_post_never_wipes_what_is_saved(client, needs):
    client.force_login(needs.parent)
    response = client.post(needs.url, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "nothing was changed" in response.content.decode()
    assert _saved(needs) == ("Trenger tid alene med mamma", "Avlastning i helgene")


def test_a_text_left_out_of_the_post_is_left_as_it_is(client, needs):
    client.force_login(needs.parent)
    response = client.post(needs.url, {f"needs_{needs.sibling.pk}": "Trenger en støttekontakt",
                                       f"version_{needs.sibling.pk}": 1, f"version_{needs.mother.pk}": 1})
    assert response.status_code == 302
    assert _saved(needs) == ("Trenger en støttekontakt", "Avlastning i helgene")
    assert needs.sibling.version == 2 and needs.mother.version == 1


def test_two_people_editing_see_a_conflict_and_keep_what_they_typed(client, needs):
    second_guardian = t.user("far")
    father = FamilyMember.objects.create(family=needs.family, municipality=needs.municipality, relation="father",
                                         given_name="Far", family_name="Berg", parental_responsibility=True,
                                         user=second_guardian)
    # both open the page at version 1; the father saves first
    client.force_login(second_guardian)
    assert client.post(needs.url, {f"needs_{needs.sibling.pk}": "Kari trenger leksehjelp",
                                   f"version_{needs.sibling.pk}": 1, f"needs_{needs.mother.pk}": "Avlastning i helgene",
                                   f"version_{needs.mother.pk}": 1, f"version_{father.pk}": 1}).status_code == 302
    client.force_login(needs.parent)
    stale = {f"needs_{needs.sibling.pk}": "Kari vil gå på søskenkurs", f"version_{needs.sibling.pk}": 1,
             f"needs_{needs.mother.pk}": "Avlastning i helgene", f"version_{needs.mother.pk}": 1,
             f"version_{father.pk}": 1}
    response = client.post(needs.url, stale, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved the needs while you were writing" in page
    assert "Kari vil gå på søskenkurs" in page  # what she typed, in the form
    assert "Kari trenger leksehjelp" in page  # what he saved, shown beside it
    assert _saved(needs)[0] == "Kari trenger leksehjelp"  # nothing was overwritten
    assert f'name="version_{needs.sibling.pk}" value="2"' in page
    # saving again from the form, now at the saved version, is a choice made after seeing both
    stale[f"version_{needs.sibling.pk}"] = 2
    assert client.post(needs.url, stale).status_code == 302
    assert _saved(needs)[0] == "Kari vil gå på søskenkurs"


def test_a_stale_form_that_did_not_change_a_text_does_not_overwrite_it(client, needs):
    client.force_login(needs.parent)
    client.post(needs.url, {f"needs_{needs.mother.pk}": "Avlastning hver helg", f"version_{needs.mother.pk}": 1,
                            f"needs_{needs.sibling.pk}": "Trenger tid alene med mamma", f"version_{needs.sibling.pk}": 1})
    assert _saved(needs) == ("Trenger tid alene med mamma", "Avlastning hver helg")


def test_a_story_post_without_some_parts_leaves_them_as_they_are(client, world):
    from los.portal.models import FamilyStory

    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Ola elsker musikk",
                               what_helps="Faste rutiner", version=1)
    client.force_login(world.parent)
    url = reverse("portal:story", args=[world.family.pk])
    assert client.post(url, {}).status_code == 400  # no version: refused, nothing changes
    assert client.post(url, {"version": 1, "what_helps": "Faste rutiner og ro"}).status_code == 302
    story = FamilyStory.objects.get(family=world.family)
    assert (story.about_child, story.what_helps) == ("Ola elsker musikk", "Faste rutiner og ro")
    assert client.post(url, {"version": 2, "about_child": ""}).status_code == 302  # a part sent empty is cleared
    assert FamilyStory.objects.get(family=world.family).about_child == ""
