"""'Who has looked at our data': the family's access log, in plain language."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access import audit
from los.access.models import AuditEvent
from los.core import testing as t

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def log_url(family, page=None):
    url = reverse("access:family_access_log", kwargs={"family_pk": family.pk})
    return f"{url}?side={page}" if page else url


@pytest.mark.django_db
class TestAccessLog:
    def test_guardian_sees_who_looked_by_name_role_and_service_newest_first(self, client, world):
        t.consent(world.family, world.school, categories=["case", "plan"])
        for person in (world.coordinator, world.contact):
            client.force_login(person)
            assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 200
        client.force_login(world.parent)
        page = client.get(log_url(world.family), **EN).content.decode()
        coordinator = world.coordinator.get_full_name()
        contact = world.contact.get_full_name()
        assert coordinator in page and contact in page
        assert "Barnekoordinator" in page and "Service contact" in page and "Testvik skole" in page
        assert "Looked at basic case information" in page
        assert page.index(contact) < page.index(coordinator)  # newest first

    def test_refused_attempts_are_shown_too(self, client, world):
        client.force_login(world.contact)
        assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 404
        client.force_login(world.parent)
        page = client.get(log_url(world.family), **EN).content.decode()
        assert world.contact.get_full_name() in page and "but was refused" in page

    def test_viewing_the_log_is_itself_recorded(self, client, world):
        client.force_login(world.parent)
        client.get(log_url(world.family))
        event = AuditEvent.objects.get(family=world.family, actor=world.parent)
        assert event.category == "access_log" and event.action == "view" and event.actor_role == "guardian"
        page = client.get(log_url(world.family), **EN).content.decode()
        assert "Looked at this list of who has looked" in page

    def test_other_families_events_are_not_listed(self, client, world):
        audit.record(actor=world.caseworker, action="view", object_type="Family", object_id=world.other_family.pk,
                     municipality_id=world.municipality.pk, family_id=world.other_family.pk, reason="test",
                     role="caseworker")
        client.force_login(world.parent)
        page = client.get(log_url(world.family), **EN).content.decode()
        assert world.caseworker.get_full_name() not in page

    def test_the_log_is_paginated(self, client, world):
        for _ in range(55):
            audit.record(actor=world.coordinator, action="view", object_type="Family", object_id=world.family.pk,
                         municipality_id=world.municipality.pk, family_id=world.family.pk, reason="test",
                         role="barnekoordinator", category="plan")
        client.force_login(world.parent)
        first = client.get(log_url(world.family), **EN).content.decode()
        assert "Page 1 of 2" in first and "Older" in first
        assert "56 accesses" in first  # 55 + this visit
        assert first.count('data-label="When"') == 50
        second = client.get(log_url(world.family, 2), **EN).content.decode()
        assert "Page 2 of 2" in second and "Newer" in second
        # 57 events now (two visits to the log on top): 7 on the second page, the oldest ones
        assert second.count('data-label="When"') == 7
        assert second.count("Looked at individual plan") == 7

    def test_young_person_and_coordinator_see_the_log_but_unit_and_services_do_not(self, client, world):
        child = world.family.children.get()
        child.birth_date = timezone.localdate() - timedelta(days=16 * 365 + 10)
        child.user = t.user("ungdom")
        child.save()
        for person in (child.user, world.coordinator):
            client.force_login(person)
            assert client.get(log_url(world.family)).status_code == 200
        t.consent(world.family, world.school)
        for person, status in ((world.caseworker, 403), (world.contact, 403), (world.leader, 404),
                               (world.admin, 404), (world.foreign_caseworker, 404)):
            client.force_login(person)
            assert client.get(log_url(world.family)).status_code == status, person

    def test_guardians_do_not_see_health_access_when_a_young_person_keeps_it_private(self, client, world):
        child = world.family.children.get()
        child.birth_date = timezone.localdate() - timedelta(days=17 * 365)
        child.shares_health_with_guardians = False
        child.save()
        audit.record(actor=world.coordinator, action="view", object_type="Child", object_id=child.pk,
                     municipality_id=world.municipality.pk, family_id=world.family.pk, reason="test",
                     role="barnekoordinator", category="health")
        client.force_login(world.parent)
        page = client.get(log_url(world.family), **EN).content.decode()
        table = page.split('id="log-heading"')[1].split("</table>")[0]
        assert "1 access, newest first" in table  # only the guardian's own visit
        assert "health information" not in table
        assert "decides over their own health information" in page
        client.force_login(world.coordinator)
        page = client.get(log_url(world.family), **EN).content.decode()
        assert "Looked at health information" in page

    def test_log_in_norwegian(self, client, world):
        client.force_login(world.coordinator)
        client.get(reverse("families:detail", args=[world.family.pk]))
        client.force_login(world.parent)
        for language, texts in (("nb", ["Hvem har sett opplysningene våre", "Så på grunnleggende saksopplysninger",
                                         "Barnekoordinator"]),
                                ("nn", ["Kven har sett opplysningane våre", "Såg på grunnleggjande saksopplysningar",
                                        "Føresett"])):
            page = client.get(log_url(world.family), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for text in texts:
                assert text in page, (language, text)
