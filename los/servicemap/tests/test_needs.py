"""Needs without an owner ("not my desk"): on the family's page and in the coordinating unit's overview."""

from django.urls import reverse

from los.access.models import Category
from los.core import testing as t
from los.servicemap import services
from los.servicemap.models import Need, NeedRequest, NeedResponse


def _needs(sm):
    never_asked = services.record_need(sm.family, sm.coordinator, description="Samtaler for lillebror",
                                       source="meeting")
    declined = services.record_need(sm.family, sm.coordinator, description="Transport til avlastning",
                                    source="family", providers=[sm.school])
    services.answer_need_request(declined.requests.get(), sm.coordinator, 1, response=NeedResponse.DECLINED,
                                 note="Ikke vårt ansvar")
    accepted = services.record_need(sm.family, sm.coordinator, description="Epilepsiopplæring for assistenter",
                                    source="plan", providers=[sm.habu, sm.school])
    services.answer_need_request(accepted.requests.get(provider=sm.habu), sm.coordinator, 1,
                                 response=NeedResponse.ACCEPTED)
    return never_asked, declined, accepted


def test_ownerless_list_on_the_family_page(client, sm):
    never_asked, declined, accepted = _needs(sm)
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:family_map", args=[sm.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ownerless, _, owned = page.partition("Needs a service has accepted")
    assert "Samtaler for lillebror" in ownerless and "No service has been asked yet." in ownerless
    assert "Transport til avlastning" in ownerless and "Ikke vårt ansvar" in ownerless
    assert "Epilepsiopplæring for assistenter" not in ownerless
    assert "Epilepsiopplæring for assistenter" in owned


def test_a_met_need_leaves_the_list(client, sm):
    never_asked, _declined, _accepted = _needs(sm)
    services.update_need(never_asked, sm.coordinator, never_asked.version, description=never_asked.description,
                         status="met")
    assert never_asked.pk not in {n.pk for n in services.ownerless(Need.objects.all())}


def test_unit_overview_lists_ownerless_needs_across_families_it_may_see(client, sm):
    _needs(sm)
    services.record_need(sm.other_family, sm.caseworker, description="Ferieleir med tilrettelegging",
                         source="family")
    services.record_need(sm.foreign_family, sm.foreign_caseworker, description="Utenbys behov", source="family")
    client.force_login(sm.caseworker)
    page = client.get(reverse("servicemap:unowned_needs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Samtaler for lillebror" in page and "Transport til avlastning" in page
    assert "Ferieleir med tilrettelegging" in page
    assert "Epilepsiopplæring" not in page
    assert "Utenbys behov" not in page
    assert "3 needs without an owner." in page
    only_never = client.get(reverse("servicemap:unowned_needs") + "?ikke-spurt=1", HTTP_ACCEPT_LANGUAGE="en")
    assert "Transport til avlastning" not in only_never.content.decode()


def test_coordinator_sees_only_own_families_and_leader_sees_none(client, sm):
    _needs(sm)
    services.record_need(sm.other_family, sm.caseworker, description="Ferieleir med tilrettelegging",
                         source="family")
    client.force_login(sm.coordinator)
    page = client.get(reverse("servicemap:unowned_needs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Samtaler for lillebror" in page and "Ferieleir" not in page
    client.force_login(sm.leader)
    page = client.get(reverse("servicemap:unowned_needs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Samtaler for lillebror" not in page and "Ferieleir" not in page and "Familien" not in page


def test_unit_overview_is_audited(client, sm):
    from los.access.models import AuditEvent

    client.force_login(sm.caseworker)
    client.get(reverse("servicemap:unowned_needs"))
    assert AuditEvent.objects.filter(actor=sm.caseworker, object_type="servicemap_unowned_needs").exists()


def test_service_contact_can_accept_a_need_asked_of_its_own_service_under_consent(client, sm):
    need = services.record_need(sm.family, sm.coordinator, description="Tøyning i skoletiden", source="plan",
                                providers=[sm.school, sm.habu])
    school_row = need.requests.get(provider=sm.school)
    habu_row = need.requests.get(provider=sm.habu)
    client.force_login(sm.contact)
    url = reverse("servicemap:need_answer", args=[school_row.pk])
    data = {f"answer-{school_row.pk}-response": "accepted", f"answer-{school_row.pk}-responded_on": "",
            f"answer-{school_row.pk}-version": 1}
    assert client.post(url, data).status_code == 404  # no consent: the family is not revealed
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    assert client.post(url, data).status_code == 302
    school_row.refresh_from_db()
    assert school_row.response == NeedResponse.ACCEPTED and school_row.responded_by == sm.contact
    other = client.post(reverse("servicemap:need_answer", args=[habu_row.pk]),
                        {f"answer-{habu_row.pk}-response": "declined", f"answer-{habu_row.pk}-version": 1})
    assert other.status_code == 403  # not their service
    assert NeedRequest.objects.get(pk=habu_row.pk).response == NeedResponse.WAITING


def test_declining_needs_a_reason(client, sm):
    need = services.record_need(sm.family, sm.coordinator, description="Tøyning i skoletiden", source="plan",
                                providers=[sm.school])
    row = need.requests.get()
    client.force_login(sm.coordinator)
    response = client.post(reverse("servicemap:need_answer", args=[row.pk]),
                           {f"answer-{row.pk}-response": "declined", f"answer-{row.pk}-version": 1},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Write what the service said" in response.content.decode()


def test_recording_a_need_from_the_page(client, sm):
    client.force_login(sm.coordinator)
    response = client.post(reverse("servicemap:need_create", args=[sm.family.pk]), {
        "new-need-description": "Hjelp til å søke grunnstønad", "new-need-source": "family",
        "new-need-provider": sm.nav.pk})
    assert response.status_code == 302
    need = Need.objects.get(description="Hjelp til å søke grunnstønad")
    assert need.requests.get().provider == sm.nav
    assert need.municipality_id == sm.family.municipality_id
    empty = client.post(reverse("servicemap:need_create", args=[sm.family.pk]), {
        "new-need-description": "", "new-need-source": "family"}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()


def test_two_people_answering_for_a_service_see_a_conflict(client, sm):
    """The answer is shared text: the coordinator records what the school said on the phone while the school's
    contact answers in Los. Before, the last one saved overwrote the other without a word."""
    need = services.record_need(sm.family, sm.coordinator, description="Tøyning i skoletiden", source="plan",
                                providers=[sm.school])
    row = need.requests.get()
    t.consent(sm.family, sm.school, categories=[Category.CASE, Category.SERVICES])
    url = reverse("servicemap:need_answer", args=[row.pk])
    client.force_login(sm.contact)
    assert client.post(url, {f"answer-{row.pk}-response": "accepted", f"answer-{row.pk}-response_note":
                             "Fysioterapeuten tar det", f"answer-{row.pk}-version": 1}).status_code == 302
    client.force_login(sm.coordinator)  # opened the page before the school answered
    response = client.post(url, {f"answer-{row.pk}-response": "declined", f"answer-{row.pk}-response_note":
                                 "Skolen sa nei på telefon", f"answer-{row.pk}-version": 1}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 409 and "Someone else changed this while you were working on it" in page
    assert "Skolen sa nei på telefon" in page  # what the coordinator typed is kept
    row.refresh_from_db()
    assert (row.response, row.response_note, row.version) == ("accepted", "Fysioterapeuten tar det", 2)
    assert f'name="answer-{row.pk}-version" value="2"' in page
    # an empty POST changes nothing either
    assert client.post(url, {}).status_code == 400
    assert NeedRequest.objects.get(pk=row.pk).response_note == "Fysioterapeuten tar det"
