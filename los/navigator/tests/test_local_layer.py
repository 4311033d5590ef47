"""The municipality's own layer: local services and routines kept by the coordinating unit, shown to the
municipality's families beside the national text, and never to another municipality's families; and the change
log page."""

import html
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from los.access.models import AuditEvent
from los.accounts.models import Role
from los.core import testing as t
from los.navigator import selectors, services
from los.navigator.engine import evaluate, load_catalog
from los.navigator.models import LocalEntry, LocalRoutine

pytestmark = pytest.mark.django_db

RULE = "- use: born\n- use: condition\n"


def entry_post(**overrides):
    data = {"entry_id": "solsikken", "version": "", "name_nb": "Solsikken avlastningshus",
            "name_nn": "Solsikken avlastingshus", "name_en": "", "provider_nb": "Testvik kommune",
            "provider_nn": "Testvik kommune", "provider_en": "",
            "summary_nb": "Avlastning i kommunens eget hus, også i helgene.",
            "summary_nn": "Avlasting i huset til kommunen, òg i helgane.",
            "who_nb": "Barn med store hjelpebehov.", "who_nn": "Barn med store hjelpebehov.",
            "who_decides_nb": "Tildelingskontoret.", "who_decides_nn": "Tildelingskontoret.",
            "how_to_apply_nb": "Ring tildelingskontoret på 12 34 56 78.",
            "how_to_apply_nn": "Ring tildelingskontoret på 12 34 56 78.",
            "rule": RULE, "appeal_rule": "FVL", "legal_ref": "kommunalt tilbud (ingen lovfestet rett)",
            "legal_source": "", "source_urls": "https://www.testvik.kommune.no/solsikken", "valid_from": "",
            "valid_to": "", "active": "on", "checked_on": timezone.localdate().isoformat()}
    data.update(overrides)
    return data


@pytest.fixture
def unit(world):
    world.unit_leader = t.staff(Role.UNIT_LEADER, world.municipality, "enhetsleder")
    child = world.family.children.get()
    child.condition_categories = ["physical"]
    child.save()
    foreign_child = world.foreign_family.children.get()
    foreign_child.condition_categories = ["physical"]
    foreign_child.save()
    return world


def _post(client, user, data, **params):
    client.force_login(user)
    return client.post(f"{reverse('navigator:local_entry')}?{'&'.join(f'{k}={v}' for k, v in params.items())}",
                       data, HTTP_ACCEPT_LANGUAGE="en")


def _family_page(client, user, family, lang="en"):
    client.force_login(user)
    return client.get(reverse("navigator:family", args=[family.pk]), HTTP_ACCEPT_LANGUAGE=lang)


# --- who may keep the local layer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["caseworker", "unit_leader"])
def test_the_coordinating_unit_opens_the_local_pages(client, unit, who):
    client.force_login(getattr(unit, who))
    for name in ("navigator:local", "navigator:local_entry", "navigator:local_routine"):
        assert client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en").status_code == 200, name


@pytest.mark.parametrize("who", ["parent", "coordinator", "leader", "admin", "contact"])
def test_others_are_refused(client, unit, who):
    client.force_login(getattr(unit, who))
    for name in ("navigator:local", "navigator:local_entry", "navigator:local_routine"):
        assert client.get(reverse(name)).status_code == 403, name
    assert _post(client, getattr(unit, who), entry_post()).status_code == 403
    assert not LocalEntry.objects.exists()


def test_anonymous_is_sent_to_log_in(client, unit):
    response = client.get(reverse("navigator:local"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_service_refuses_another_municipalitys_unit(unit):
    with pytest.raises(PermissionDenied):
        services.save_local_routine(unit.foreign_caseworker, unit.municipality, "avlastning",
                                    {"contact": {"nb": "x", "nn": "x"}}, form_url="", checked_on=timezone.localdate())


# --- adding and changing a local service ---------------------------------------------------------------------


def test_a_local_service_is_saved_checked_and_signed(client, unit):
    response = _post(client, unit.caseworker, entry_post())
    assert response.status_code == 302
    entry = LocalEntry.objects.get()
    assert entry.entry_id == "lokal_solsikken" and entry.municipality == unit.municipality
    assert entry.checked_by == unit.caseworker and entry.checked_on == timezone.localdate()
    assert entry.data["rule"]["criteria"] == [{"use": "born"}, {"use": "condition"}]
    assert AuditEvent.objects.filter(object_type="LocalEntry", object_id=str(entry.pk), actor=unit.caseworker).exists()
    listing = client.get(reverse("navigator:local"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Solsikken avlastningshus" in listing and "Checked" in listing


@pytest.mark.parametrize(("field", "value", "message"), [
    ("summary_nn", "", "Write this in both bokmål and nynorsk."),
    ("entry_id", "Sol Sikken", "Use only lower-case letters a–z, digits and _"),
    ("rule", "- use: nothing_like_this\n", "unknown shared criterion"),
    ("rule", "use: born", "Write the rule as a list of criteria"),
    ("source_urls", "/home/someone/notes.txt", "is not a web address"),
    ("legal_ref", "helse- og omsorgstjenesteloven § 3-6", "must not carry a section number"),
])
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, unit, field, value, message):
    response = _post(client, unit.caseworker, entry_post(**{field: value}))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Check what you filled in" in page and message in page
    assert "Avlastning i kommunens eget hus, også i helgene." in page  # nothing typed is lost
    assert not LocalEntry.objects.exists()


def test_a_stale_version_changes_nothing(client, unit):
    _post(client, unit.caseworker, entry_post())
    entry = LocalEntry.objects.get()
    edit = {"kommune": unit.municipality.pk, "rediger": entry.pk}
    first = _post(client, unit.unit_leader, entry_post(version=entry.version, name_nb="Solsikken huset"), **edit)
    assert first.status_code == 302
    stale = _post(client, unit.caseworker, entry_post(version=entry.version, name_nb="Solsikken gamle"), **edit)
    assert stale.status_code == 409
    assert "Solsikken gamle" in html.unescape(stale.content.decode())
    entry.refresh_from_db()
    assert entry.data["names"]["nb"] == "Solsikken huset" and entry.checked_by == unit.unit_leader


def test_the_id_never_changes(client, unit):
    _post(client, unit.caseworker, entry_post())
    entry = LocalEntry.objects.get()
    _post(client, unit.caseworker, entry_post(entry_id="annet", version=entry.version),
          kommune=unit.municipality.pk, rediger=entry.pk)
    entry.refresh_from_db()
    assert entry.entry_id == "lokal_solsikken" and entry.version == 2


def test_a_check_date_in_the_future_is_refused(client, unit):
    response = _post(client, unit.caseworker, entry_post(checked_on=(timezone.localdate() + timedelta(days=2)).isoformat()))
    assert response.status_code == 400
    assert "cannot be in the future" in html.unescape(response.content.decode())


def test_another_municipalitys_service_cannot_be_opened(client, unit):
    _post(client, unit.caseworker, entry_post())
    entry = LocalEntry.objects.get()
    client.force_login(unit.foreign_caseworker)
    assert client.get(reverse("navigator:local_entry"), {"rediger": entry.pk}).status_code == 404
    assert client.get(reverse("navigator:local_entry"), {"kommune": unit.municipality.pk, "rediger": entry.pk}).status_code == 404


# --- what families see ----------------------------------------------------------------------------------------


def test_the_municipalitys_families_see_the_local_service(client, unit):
    _post(client, unit.caseworker, entry_post())
    response = _family_page(client, unit.parent, unit.family, "nb")
    page = html.unescape(response.content.decode())
    assert "Solsikken avlastningshus" in page and "Kommunens eget tilbud" in page
    cards = [c for group in response.context["listing"].groups.values() for c in group]
    assert any(c.id == "lokal_solsikken" and c.local == unit.municipality.name for c in cards)
    # the application kit is offered for the national entries, never for the local one (it would end in 404)
    assert "/soknadspakke/" in page
    assert "/soknadspakke/lokal_solsikken/" not in page


def test_a_local_service_never_changes_another_municipalitys_answer(client, unit):
    before = evaluate(selectors.profile_for_family(unit.foreign_family), timezone.localdate(), "en").to_dict()
    _post(client, unit.caseworker, entry_post())
    assert selectors.catalog_for(unit.foreign_family.municipality_id) is load_catalog()
    after = evaluate(selectors.profile_for_family(unit.foreign_family), timezone.localdate(), "en").to_dict()
    assert after == before
    # and in Testvik the national answers are the same as without the local service
    national = evaluate(selectors.profile_for_family(unit.family), timezone.localdate(), "en",
                        catalog=load_catalog()).to_dict()
    local = evaluate(selectors.profile_for_family(unit.family), timezone.localdate(), "en",
                     catalog=selectors.catalog_for(unit.municipality.pk)).to_dict()
    assert [s for s in local["suggestions"] if not s["id"].startswith("lokal_")] == national["suggestions"]


def test_a_service_not_shown_to_families_is_left_out(client, unit):
    _post(client, unit.caseworker, entry_post(active=""))
    response = _family_page(client, unit.parent, unit.family)
    cards = [c.id for group in response.context["listing"].groups.values() for c in group]
    assert "lokal_solsikken" not in cards and "lokal_solsikken" not in selectors.catalog_for(unit.municipality.pk).ids


def test_we_have_applied_for_a_local_service_puts_it_on_the_service_map(client, unit):
    from los.servicemap.models import Application, EntryState, ServiceEntry

    _post(client, unit.caseworker, entry_post())
    response = _family_page(client, unit.parent, unit.family)
    card = next(c for group in response.context["listing"].groups.values() for c in group if c.id == "lokal_solsikken")
    assert card.form is not None
    assert 'name="entry" value="lokal_solsikken"' in response.content.decode()
    child = unit.family.children.get()
    prefix = "applied-lokal_solsikken"
    sent = client.post(reverse("navigator:mark_applied", args=[unit.family.pk]), {
        "entry": "lokal_solsikken", f"{prefix}-catalog_id": "lokal_solsikken", f"{prefix}-child": child.pk,
        f"{prefix}-sent_on": timezone.localdate().isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert sent.status_code == 302
    entry = ServiceEntry.objects.get(family=unit.family, catalog_id="lokal_solsikken")
    assert entry.state == EntryState.APPLIED and Application.objects.filter(entry=entry).exists()
    # the service map names it by the municipality's own name for it
    client.force_login(unit.parent)
    page = html.unescape(client.get(reverse("servicemap:family_map", args=[unit.family.pk]),
                                    HTTP_ACCEPT_LANGUAGE="nb").content.decode())
    assert "Solsikken avlastningshus" in page


def test_another_municipalitys_local_service_cannot_be_put_on_a_familys_map(client, unit):
    from los.servicemap import services as servicemap_services
    from los.servicemap.models import ServiceEntry

    _post(client, unit.caseworker, entry_post())  # Testvik's own service
    with pytest.raises(ValidationError) as error:
        servicemap_services.create_entry(unit.foreign_family, unit.foreign_caseworker, catalog_id="lokal_solsikken")
    assert "catalog_id" in error.value.message_dict
    row = ServiceEntry(family=unit.foreign_family, municipality_id=unit.foreign_family.municipality_id,
                       catalog_id="lokal_solsikken")
    with pytest.raises(ValidationError):
        row.full_clean()
    # the foreign family's navigator page does not offer it, and a forged "we have applied" is refused
    client.force_login(unit.foreign_caseworker)
    prefix = "applied-lokal_solsikken"
    forged = client.post(reverse("navigator:mark_applied", args=[unit.foreign_family.pk]), {
        "entry": "lokal_solsikken", f"{prefix}-catalog_id": "lokal_solsikken",
        f"{prefix}-sent_on": timezone.localdate().isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    assert forged.status_code == 400
    assert not ServiceEntry.objects.filter(catalog_id="lokal_solsikken").exists()


# --- routines ------------------------------------------------------------------------------------------------


def routine_post(**overrides):
    data = {"entry_id": "avlastning", "version": "0",
            "how_to_apply_nb": "Søk på kommunens skjema for helse- og omsorgstjenester.",
            "how_to_apply_nn": "Søk på skjemaet til kommunen for helse- og omsorgstenester.", "how_to_apply_en": "",
            "contact_nb": "Tildelingskontoret, telefon 12 34 56 78.", "contact_nn": "Tildelingskontoret, telefon 12 34 56 78.",
            "contact_en": "", "forms_nb": "", "forms_nn": "", "forms_en": "",
            "processing_time_nb": "Omtrent fire uker.", "processing_time_nn": "Om lag fire veker.",
            "processing_time_en": "About four weeks.", "form_url": "https://www.testvik.kommune.no/skjema",
            "checked_on": timezone.localdate().isoformat()}
    data.update(overrides)
    return data


def test_a_routine_shows_beside_the_national_text(client, unit):
    client.force_login(unit.caseworker)
    response = client.post(reverse("navigator:local_routine"), routine_post(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    routine = LocalRoutine.objects.get()
    assert routine.checked_by == unit.caseworker
    child = unit.family.children.get()
    child.condition_categories = ["physical", "neurological"]
    child.save()
    t.assign(unit.family, unit.coordinator)
    for user, lang, words in ((unit.parent, "en", "About four weeks."), (unit.coordinator, "nn", "Om lag fire veker.")):
        page = html.unescape(_family_page(client, user, unit.family, lang).content.decode())
        assert words in page
        assert "Tildelingskontoret, telefon 12 34 56 78." in page
        assert "https://www.testvik.kommune.no/skjema" in page
    # English missing: shown in bokmål
    page = html.unescape(_family_page(client, unit.parent, unit.family, "en").content.decode())
    assert "Tildelingskontoret, telefon 12 34 56 78." in page and f"In {unit.municipality.name}" in page
    # and never to another municipality's families
    assert not selectors.routines_for(unit.foreign_family.municipality_id, "en")


def test_a_routine_needs_both_written_languages(client, unit):
    client.force_login(unit.caseworker)
    response = client.post(reverse("navigator:local_routine"), routine_post(contact_nn=""), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Write this in both bokmål and nynorsk." in html.unescape(response.content.decode())
    assert not LocalRoutine.objects.exists()


def test_a_routine_for_an_unknown_entry_is_refused(client, unit):
    client.force_login(unit.caseworker)
    response = client.post(reverse("navigator:local_routine"), routine_post(entry_id="pet_insurance"),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


# --- the change log ------------------------------------------------------------------------------------------


def test_the_change_log_is_public_and_by_year(client, db):
    response = client.get(reverse("navigator:changes"), {"aar": 2022}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "What changed in 2022" in page and "right to a children's coordinator" in page
    assert [row.date.year for row in response.context["rows"]] == [2022, 2022]
    this_year = client.get(reverse("navigator:changes"), HTTP_ACCEPT_LANGUAGE="nn")
    assert f"Kva som er endra i {timezone.localdate().year}" in html.unescape(this_year.content.decode())


def test_the_change_log_is_reachable_from_the_navigator(client, unit):
    assert reverse("navigator:changes") in client.get(reverse("navigator:anonymous")).content.decode()
    assert reverse("navigator:changes") in _family_page(client, unit.parent, unit.family).content.decode()


def test_every_change_of_law_is_a_dated_version():
    catalog = load_catalog()
    for change in catalog.changes:
        if change.kind in ("law", "rate", "scheme"):
            day_before = change.date - timedelta(days=1)
            compiled_before = {ce.id: ce for ce in catalog.compiled(day_before)}
            compiled_on = {ce.id: ce for ce in catalog.compiled(change.date)}
            assert any(
                catalog.entry(i).legal_basis_on(day_before) != catalog.entry(i).legal_basis_on(change.date)
                or compiled_before[i].params != compiled_on[i].params
                or compiled_before[i].in_force != compiled_on[i].in_force
                for i in change.entries), change


def test_a_date_before_a_change_answers_by_the_old_rule():
    profile = {"child": {"age_years": 3, "condition_categories": ["autism"], "setting": "kindergarten",
                         "needs": {"communication_support": True}}, "family": {}}

    def basis(day):
        return next(s for s in evaluate(profile, as_of=day).suggestions if s.id == "spesialpedagogisk_hjelp").legal_basis

    assert basis(date(2020, 12, 31)) == ["barnehageloven § 19 a"]
    assert basis(date(2021, 1, 1)) == ["barnehageloven § 31"]
