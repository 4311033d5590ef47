"""'Your access to the family': the access policy's answer for one family, recorded like every family page."""

import pytest
from django.urls import reverse

from los.access.models import AuditEvent
from los.core import testing as t

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(family):
    return reverse("families:my_access", args=[family.pk])


@pytest.mark.django_db
class TestMyAccess:
    def test_the_coordinator_reads_why_and_the_opening_is_in_the_access_log(self, client, world):
        client.force_login(world.coordinator)
        response = client.get(url(world.family), **EN)
        page = response.content.decode()
        assert response.status_code == 200
        assert "You are the family&#x27;s barnekoordinator." in page and "Familien Berg" in page
        events = AuditEvent.objects.filter(family=world.family, actor=world.coordinator)
        assert [(e.action, e.object_type) for e in events] == [("view", "Family")]

    def test_the_unit_and_a_service_under_consent_read_their_own_reason(self, client, world):
        client.force_login(world.caseworker)
        assert "coordinating unit of the family&#x27;s municipality" in client.get(url(world.family), **EN).content.decode()
        t.consent(world.family, world.school, categories=["case"])
        client.force_login(world.contact)
        assert "consented to your service" in client.get(url(world.family), **EN).content.decode()

    def test_nobody_else_learns_that_the_family_exists(self, client, world):
        client.force_login(world.foreign_caseworker)
        assert client.get(url(world.family)).status_code == 404
        event = AuditEvent.objects.get(family=world.family, actor=world.foreign_caseworker)
        assert event.action == "denied"

    def test_the_family_page_links_to_it(self, client, world):
        client.force_login(world.coordinator)
        page = client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
        assert f'href="{url(world.family)}"' in page
