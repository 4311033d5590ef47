"""'Who has looked at our data': the family's access log, in plain language."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from los.access import audit
from los.access.models import AuditEvent
from los.core import testing as t

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def log_url(family, page=None, **query):
    url = reverse("access:family_access_log", kwargs={"family_pk": family.pk})
    if page:
        query["side"] = page
    return f"{url}?{urlencode(query)}" if query else url


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
        table = page.split('id="log-heading"')[1]
        assert table.index(contact) < table.index(coordinator)  # newest first

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
        page = client.get(log_url(world.family, egne=1), **EN).content.decode()
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
        assert "55 accesses by others" in first  # the parent's own visit is left out
        assert first.count('data-label="When"') == 50
        second = client.get(log_url(world.family, 2), **EN).content.decode()
        assert "Page 2 of 2" in second and "Newer" in second
        assert second.count('data-label="When"') == 5
        assert second.count("Looked at individual plan") == 5
        # with the parent's own look-ups (three visits on top, this one included): 8 on the second page
        own = client.get(log_url(world.family, 2, egne=1), **EN).content.decode()
        assert own.count('data-label="When"') == 8
        assert "egne=1&amp;side=1" in own  # the page links keep the choice

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
        page = client.get(log_url(world.family, egne=1), **EN).content.decode()
        table = page.split('id="log-heading"')[1].split("</table>")[0]
        assert "1 access, newest first" in table  # only the guardian's own visit
        assert "health information" not in table
        assert "decides over their own health information" in page
        client.force_login(world.coordinator)  # whose own look-up it was
        page = client.get(log_url(world.family, egne=1), **EN).content.decode()
        assert "Looked at health information" in page

    def test_log_in_norwegian(self, client, world):
        client.force_login(world.coordinator)
        client.get(reverse("families:detail", args=[world.family.pk]))
        client.force_login(world.parent)
        for language, texts in (("nb", ["Hvem har sett opplysningene våre", "Så på grunnleggende saksopplysninger",
                                         "Barnekoordinator"]),
                                ("nn", ["Kven har sett opplysningane våre", "Såg på grunnleggjande saksopplysningar",
                                        "Føresett"])):
            page = client.get(log_url(world.family, egne=1), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for text in texts:
                assert text in page, (language, text)


@pytest.mark.django_db
class TestAccessLogFilters:
    """A parent sees others' access first: their own look-ups hidden unless asked for, and a filter by person
    and by service."""

    @pytest.fixture
    def looked(self, client, world):
        t.consent(world.family, world.school, categories=["case", "plan"])
        for person in (world.coordinator, world.contact, world.parent, world.parent):
            client.force_login(person)
            assert client.get(reverse("families:detail", args=[world.family.pk]), follow=True).status_code == 200
        client.force_login(world.parent)
        return world

    def _whos(self, page: str) -> list[str]:
        import re
        return re.findall(r'<th scope="row" data-label="Who">([^<]*)</th>', page)

    def test_own_look_ups_are_hidden_by_default_and_shown_on_request(self, client, looked):
        parent = looked.parent.get_full_name()
        page = client.get(log_url(looked.family), **EN).content.decode()
        whos = self._whos(page)
        assert whos and parent not in whos
        assert set(whos) == {looked.coordinator.get_full_name(), looked.contact.get_full_name()}
        assert "accesses by others" in page
        with_own = self._whos(client.get(log_url(looked.family, egne=1), **EN).content.decode())
        assert parent in with_own and with_own.index(parent) == 0  # newest first

    def test_filter_by_person(self, client, looked):
        page = client.get(log_url(looked.family, hvem=looked.contact.pk), **EN).content.decode()
        assert set(self._whos(page)) == {looked.contact.get_full_name()}
        assert f'<option value="{looked.contact.pk}" selected>' in page

    def test_filter_by_service(self, client, looked):
        page = client.get(log_url(looked.family, tjeneste="Testvik skole"), **EN).content.decode()
        assert set(self._whos(page)) == {looked.contact.get_full_name()}
        assert '<option value="Testvik skole" selected>' in page

    def test_an_unknown_choice_shows_everybody_else(self, client, looked):
        page = client.get(log_url(looked.family, hvem="999999", tjeneste="Ukjent"), **EN).content.decode()
        assert set(self._whos(page)) == {looked.coordinator.get_full_name(), looked.contact.get_full_name()}
