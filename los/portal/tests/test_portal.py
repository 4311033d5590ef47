"""The family portal by role: overview cards, our story, messages, siblings and carers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from los.access.models import AuditAction, AuditEvent, Category
from los.core import testing as t
from los.families.models import FamilyMember
from los.portal import selectors
from los.portal.models import FamilyStory, Message, MessageRead

pytestmark = pytest.mark.django_db

PAGES = ["portal:overview", "portal:story", "portal:messages", "portal:needs"]


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_guardian_and_coordinator_open_every_page(client, world, name):
    for user in (world.parent, world.coordinator):
        client.force_login(user)
        response = client.get(reverse(name, args=[world.family.pk]))
        assert response.status_code == 200, (user, name)


@pytest.mark.parametrize("name", PAGES + ["portal:download"])
def test_other_familys_guardian_and_strangers_get_404(client, world, name):
    stranger = t.user("annen.forelder")
    t.family(world.municipality, "Familien Dal2", guardian_user=stranger)
    for user in (stranger, world.contact, world.leader):
        client.force_login(user)
        assert client.get(reverse(name, args=[world.family.pk])).status_code == 404, (user, name)


def test_service_contact_with_consent_sees_only_consented_cards(client, world):
    t.consent(world.family, world.school, categories=[Category.CASE, Category.MEETINGS])
    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Liker tog")
    client.force_login(world.contact)
    page = client.get(reverse("portal:overview", args=[world.family.pk])).content.decode()
    assert 'id="card-actions"' in page  # the meetings card (its actions) under the MEETINGS consent
    # no link to a page the contact may not open
    assert reverse("portal:story", args=[world.family.pk]) not in page
    assert reverse("portal:messages", args=[world.family.pk]) not in page
    assert "Liker tog" not in page
    assert client.get(reverse("portal:story", args=[world.family.pk])).status_code == 403
    assert client.get(reverse("portal:messages", args=[world.family.pk])).status_code == 403


def test_service_contact_sees_story_under_story_consent(client, world):
    t.consent(world.family, world.school, categories=[Category.CASE, Category.STORY])
    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Liker tog")
    client.force_login(world.contact)
    response = client.get(reverse("portal:story", args=[world.family.pk]))
    assert response.status_code == 200
    assert "Liker tog" in response.content.decode()
    # but may not change it
    assert client.post(reverse("portal:story", args=[world.family.pk]),
                       {"version": 2, "about_child": "x"}).status_code == 403


def test_overview_shows_coordinator_and_how_to_reach(client, world):
    world.coordinator.phone = "99887766"
    world.coordinator.save()
    client.force_login(world.parent)
    page = client.get(reverse("portal:overview", args=[world.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert world.coordinator.get_full_name() in page
    assert 'href="tel:99887766"' in page
    assert reverse("portal:download", args=[world.family.pk]) in page


def test_overview_hides_unit_hidden_cards_from_caseworker(client, world):
    client.force_login(world.caseworker)
    response = client.get(reverse("portal:overview", args=[world.family.pk]))
    assert response.status_code == 200
    assert response.context["o"].allowed["messages"] is False
    assert reverse("portal:download", args=[world.family.pk]) not in response.content.decode()
    assert client.get(reverse("portal:messages", args=[world.family.pk])).status_code == 403


def test_guardian_writes_story_and_it_is_audited(client, world):
    client.force_login(world.parent)
    url = reverse("portal:story", args=[world.family.pk])
    response = client.post(url, {"version": 0, "about_child": "Ola elsker musikk", "what_helps": "Faste rutiner"})
    assert response.status_code == 302
    story = selectors.story_for(world.family)
    assert story.about_child == "Ola elsker musikk" and story.version == 1
    assert AuditEvent.objects.filter(family=world.family, action=AuditAction.CHANGE,
                                     object_type="FamilyStory").exists()
    assert "Ola elsker musikk" in client.get(url).content.decode()


def test_story_conflict_keeps_what_the_user_typed(client, world):
    FamilyStory.objects.create(family=world.family, municipality=world.municipality, about_child="Først",
                               version=3)
    client.force_login(world.parent)
    url = reverse("portal:story", args=[world.family.pk])
    response = client.post(url, {"version": 2, "about_child": "Min nye tekst"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved our story" in page
    assert "Min nye tekst" in page and "Først" in page
    assert FamilyStory.objects.get(family=world.family).about_child == "Først"
    # saving again (the form now carries the current version) keeps the new text
    again = client.post(url, {"version": response.context["form"].data["version"], "about_child": "Min nye tekst"})
    assert again.status_code == 302
    assert FamilyStory.objects.get(family=world.family).about_child == "Min nye tekst"


def test_story_for_is_none_when_empty(world):
    assert selectors.story_for(world.family) is None
    FamilyStory.objects.create(family=world.family, municipality=world.municipality)
    assert selectors.story_for(world.family) is None


def test_message_to_coordinator_emails_without_content(client, world, django_capture_on_commit_callbacks):
    world.coordinator.email = "bk@example.no"
    world.coordinator.save()
    client.force_login(world.parent)
    url = reverse("portal:messages", args=[world.family.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Hemmelig: Ola har fått ny diagnose"})
    assert response.status_code == 302
    message = Message.objects.get(family=world.family)
    assert MessageRead.objects.filter(message=message, recipient=world.coordinator, read_at__isnull=True).exists()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["bk@example.no"]
    assert "Hemmelig" not in sent.body and "diagnose" not in sent.subject + sent.body
    # the coordinator reads it: marked read, the guardian sees "read by"
    client.force_login(world.coordinator)
    assert "Hemmelig" in client.get(url).content.decode()
    assert MessageRead.objects.get(message=message, recipient=world.coordinator).read_at is not None
    client.force_login(world.parent)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Read by" in page


def test_empty_message_gets_a_clear_error(client, world):
    client.force_login(world.parent)
    response = client.post(reverse("portal:messages", args=[world.family.pk]), {"body": "  "},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Write a message before you send it." in response.content.decode()
    assert not Message.objects.exists()


def test_unread_messages_show_on_overview(client, world):
    from los.portal import services
    services.send_message(world.family, world.coordinator, "Hei")
    client.force_login(world.parent)
    response = client.get(reverse("portal:overview", args=[world.family.pk]))
    assert response.context["o"].unread == 1


def test_guardian_records_needs_for_sibling_and_self(client, world):
    sibling = FamilyMember.objects.create(family=world.family, municipality=world.municipality, relation="sibling",
                                          given_name="Kari", family_name="Berg")
    mother = world.family.members.get(relation="mother")
    client.force_login(world.parent)
    url = reverse("portal:needs", args=[world.family.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Support for siblings" in page  # the navigator's offer text
    assert f'name="version_{sibling.pk}"' in page and f'name="version_{mother.pk}"' in page
    response = client.post(url, {f"needs_{sibling.pk}": "Trenger tid alene med mamma", f"version_{sibling.pk}": 1,
                                 f"needs_{mother.pk}": "Avlastning i helgene", f"version_{mother.pk}": 1})
    assert response.status_code == 302
    sibling.refresh_from_db()
    mother.refresh_from_db()
    assert sibling.needs == "Trenger tid alene med mamma"
    assert mother.needs == "Avlastning i helgene"


def test_service_contact_cannot_change_needs(client, world):
    t.consent(world.family, world.school, categories=["case", "plan", "story"])
    client.force_login(world.contact)
    url = reverse("portal:needs", args=[world.family.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403


def test_siblings_needs_are_the_familys_story_not_basic_case_information(client, world):
    """A consent that does not cover the family's own words does not show what siblings and carers need."""
    mother = world.family.members.get()
    mother.needs = "Trenger avlastning i helgene"
    mother.save()
    t.consent(world.family, world.school, categories=["case", "plan"])
    client.force_login(world.contact)
    response = client.get(reverse("portal:needs", args=[world.family.pk]))
    assert response.status_code == 403
    assert "avlastning" not in response.content.decode()


def test_portal_never_shows_another_familys_data(client, world):
    FamilyStory.objects.create(family=world.other_family, municipality=world.municipality,
                               about_child="Annen families hemmelighet")
    Message.objects.create(family=world.other_family, municipality=world.municipality, sender=world.coordinator,
                           body="Annen families melding")
    client.force_login(world.parent)
    for name in PAGES:
        page = client.get(reverse(name, args=[world.family.pk])).content.decode()
        assert "Annen families" not in page
        assert "Familien Dal" not in page


def test_navigator_card_follows_the_health_category(client, world):
    client.force_login(world.parent)
    response = client.get(reverse("portal:overview", args=[world.family.pk]))
    assert response.context["o"].allowed["navigator"] is True
    assert response.context["o"].suggestions, "the navigator has something worth looking into for a 9-year-old"
    t.consent(world.family, world.school, categories=[Category.CASE])
    client.force_login(world.contact)
    response = client.get(reverse("portal:overview", args=[world.family.pk]))
    assert response.context["o"].allowed["navigator"] is False
    assert response.context["o"].suggestions == []


def test_young_person_writes_in_the_thread(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from los.families.models import Child

    teen_user = t.user("ungdom")
    Child.objects.create(family=world.family, municipality=world.municipality, given_name="Ung", family_name="Berg",
                         birth_date=timezone.localdate() - timedelta(days=17 * 365), user=teen_user)
    assert teen_user in selectors.message_participants(world.family)
    client.force_login(teen_user)
    url = reverse("portal:messages", args=[world.family.pk])
    assert client.post(url, {"body": "Jeg vil være med på møtet"}).status_code == 302
    recipients = set(MessageRead.objects.values_list("recipient__username", flat=True))
    assert recipients == {"forelder", "bk"}


def test_opening_the_overview_is_audited(client, world):
    client.force_login(world.parent)
    client.get(reverse("portal:overview", args=[world.family.pk]))
    assert AuditEvent.objects.filter(family=world.family, actor=world.parent, action=AuditAction.VIEW,
                                     object_type="Family").exists()


def test_message_with_attachment_is_checked_and_served_through_the_policy(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.parent)
    url = reverse("portal:messages", args=[world.family.pk])
    bad = SimpleUploadedFile("brev.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {"body": "Se vedlegg", "attachment": bad}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "Se vedlegg" in response.content.decode()  # what the user typed is kept
    assert not Message.objects.exists()
    pdf = SimpleUploadedFile("vedtak.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    assert client.post(url, {"body": "Se vedlegg", "attachment": pdf}).status_code == 302
    message = Message.objects.get()
    assert message.attachment_name == "vedtak.pdf" and message.attachment_type == "application/pdf"
    link = reverse("portal:attachment", args=[message.pk])
    client.force_login(world.coordinator)
    assert link in client.get(url).content.decode()
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="Message", actor=world.coordinator).exists()
    for outsider, status in ((world.caseworker, 403), (t.user("fremmed"), 404)):
        client.force_login(outsider)
        assert client.get(link).status_code == status
