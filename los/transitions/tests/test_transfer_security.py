"""Issue 20: a family package cannot write anything but the family's own tables, cannot be forged or replayed, is
previewed before it is imported, and holds only what the exporting unit may see (never messages, consents, working
notes or the access log)."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation

from los.access.models import AuditEvent, Category
from los.accounts.models import Role, StaffRole, User
from los.core import testing as t
from los.core.models import MunicipalityAgreement
from los.families.models import Family, FamilyMember
from los.portal.models import Message
from los.transitions import services, signing, transfer
from los.transitions.models import FamilyImport, MoveProposal, MoveStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def confirmed(rich):
    w = rich
    w.receiver = w.other_municipality
    w.proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.receiver,
                                       handover_date=timezone.localdate() + timedelta(days=7))
    services.confirm_move(w.proposal, by=w.parent,
                          text_shown=services.move_text(w.proposal, giver_name="Mor Berg"))
    return w


def exported(w) -> dict:
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    return json.loads(json.loads(data)["payload"])


def sealed(package: dict) -> bytes:
    """The package signed again by this (trusted) installation: what an attacker with a valid signature could send."""
    package = copy.deepcopy(package)
    package["package_id"] = package["package_id"][:-4] + "beef"
    return transfer.seal(package)[0]


def table(package: dict, label: str) -> dict:
    return next(t for t in package["tables"] if t["model"] == label)


def refused(w, data: bytes, match: str) -> None:
    counts = {m: m.objects.count() for m in (Family, User, StaffRole, MunicipalityAgreement, FamilyImport)}
    with pytest.raises(ValidationError, match=match):
        transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    assert {m: m.objects.count() for m in counts} == counts


# --- the import is an allow-list -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("label,row", [
    ("accounts.user", {"id": 999, "username": "root", "is_superuser": True, "is_staff": True, "is_active": True,
                       "password": "x"}),
    ("core.municipalityagreement", {"id": 999, "host_id": 1, "member_id": 2, "valid_from": "2020-01-01"}),
    ("accounts.staffrole", {"id": 999, "user_id": 1, "municipality_id": 1, "role": "caseworker"}),
    ("api.apitoken", {"id": 999, "user_id": 1, "name": "bakdør"}),
    ("sessions.session", {"session_key": "x", "session_data": "y", "expire_date": "2030-01-01T00:00:00Z"}),
    ("access.auditevent", {"id": 999, "chain": "1", "seq": 1}),
    ("access.consent", {"id": 999, "family_id": 0}),
    ("portal.message", {"id": 999, "family_id": 0, "body": "hei"}),
    ("transitions.familyimport", {"id": 999}),
    ("no.such", {"id": 1}),
])
def test_a_table_outside_the_allow_list_refuses_the_whole_package(confirmed, label, row):
    w = confirmed
    package = exported(w)
    package["tables"].append({"model": label, "rows": [row]})
    package["counts"][label] = 1
    refused(w, sealed(package), "may not hold")
    assert not User.objects.filter(username="root").exists()


@pytest.mark.django_db
def test_the_allow_list_is_the_family_tables_that_may_travel(db):
    allowed = transfer.allowed_models()
    assert {"families.family", "families.child", "plans.plan", "servicemap.document"} <= set(allowed)
    for label in ("accounts.user", "accounts.staffrole", "api.apitoken", "core.municipalityagreement",
                  "sessions.session", "access.auditevent", "access.consent", "portal.message",
                  "portal.messageread", "transitions.moveproposal", "transitions.handoversummary",
                  "transitions.familyexport", "transitions.familyimport", "access.familytransfer",
                  "archive.casefile", "archive.registryentry", "archive.archivedocument"):
        assert label not in allowed, label
    # every category a package can hold is explained to the family in plain words
    assert set(transfer.sent_categories()) <= set(transfer.SENT)
    assert not set(transfer.sent_categories()) & transfer.NEVER_PACKAGED


@pytest.mark.django_db
def test_an_unknown_field_refuses_the_package(confirmed):
    w = confirmed
    package = exported(w)
    table(package, "families.familymember")["rows"][0]["is_superuser"] = True
    refused(w, sealed(package), "may not hold")


@pytest.mark.django_db
def test_a_value_that_cannot_be_read_refuses_the_package(confirmed):
    w = confirmed
    package = exported(w)
    table(package, "plans.goal")["rows"][0]["position"] = "not a number"
    refused(w, sealed(package), "cannot be read")
    package = exported(w)
    table(package, "families.child")["rows"][0]["birth_date"] = "31.02.2020"
    refused(w, sealed(package), "cannot be read")
    for part, value in (("source", {"municipality": "Testvik"}), ("family", {"id": "1"}), ("tables", {})):
        package = exported(w)
        package[part] = value
        with pytest.raises(ValidationError, match="not a Los family package"):
            transfer.open_package(sealed(package))


@pytest.mark.django_db
def test_a_row_of_another_family_refuses_the_package(confirmed):
    w = confirmed
    package = exported(w)
    table(package, "plans.goal")["rows"][0]["family_id"] = w.other_family.pk
    refused(w, sealed(package), "another family")
    package = exported(w)
    extra = dict(table(package, "families.family")["rows"][0], id=w.other_family.pk)
    table(package, "families.family")["rows"].append(extra)
    refused(w, sealed(package), "exactly the family")


@pytest.mark.django_db
def test_a_link_outside_the_package_refuses_it(confirmed):
    w = confirmed
    other_plan = t.family(w.municipality, "Familien Hals")
    from los.plans.models import Plan

    foreign = Plan.objects.create(family=other_plan, municipality=w.municipality, what_matters="Hemmelig")
    package = exported(w)
    table(package, "plans.goal")["rows"][0]["plan_id"] = foreign.pk
    refused(w, sealed(package), "outside the family")
    # a person the package does not describe
    package = exported(w)
    table(package, "families.coordinatorassignment")["rows"][0]["coordinator_id"] = 424242
    refused(w, sealed(package), "outside the family")
    # a municipality link other than the row's own municipality
    package = exported(w)
    table(package, "families.family")["rows"][0]["municipality_id"] = w.municipality.pk
    data = sealed(package)
    result = transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    assert result.family.municipality == w.receiver  # the row's municipality is always the receiving one


@pytest.mark.django_db
def test_links_to_people_are_never_resolved_by_raw_id(confirmed, settings):
    """Between installations an id in the package means nothing here: a link to 'user 1' never becomes this
    installation's user 1 (here an administrator), and the family's log-ins are linked again at ID-porten log-in."""
    w = confirmed
    admin = User.objects.create_superuser("superbruker", password="x" * 20)
    sender_key = signing.generate_private_key()
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = sender_key, "los.testvik"
    package = exported(w)
    table(package, "families.coordinatorassignment")["rows"][0]["coordinator_id"] = admin.pk
    table(package, "families.familymember")["rows"][0]["user_id"] = admin.pk
    package["references"]["accounts.user"][str(admin.pk)] = {"username": "superbruker", "first_name": "Ond",
                                                             "last_name": "Hensikt", "email": "", "staff": True}
    data = sealed(package)
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = signing.generate_private_key(), "los.annenby"
    settings.LOS_TRANSFER_TRUSTED_SENDERS = [f"los.testvik={signing.public_key_of(sender_key)}"]
    result = transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    assignment = result.family.coordinator_assignments.get()
    assert assignment.coordinator != admin and not assignment.coordinator.is_active
    assert not assignment.coordinator.staff_roles.exists() and not assignment.coordinator.is_superuser
    assert FamilyMember.objects.get(family=result.family).user is None
    assert not FamilyMember.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_the_import_is_all_or_nothing(confirmed, monkeypatch):
    w = confirmed
    from los.servicemap.models import Document

    pdf = b"%PDF-1.4 vedtak"
    document = Document(family=w.family, municipality=w.municipality, entry=w.entry, title="Vedtak",
                        content_type="application/pdf", extension="pdf", size=len(pdf),
                        sha256=hashlib.sha256(pdf).hexdigest(), uploaded_by=w.coordinator)
    document.file.save("vedtak.pdf", ContentFile(pdf))
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    families, documents, stored = Family.objects.count(), Document.objects.count(), _all_files("")

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "open_moved_in_plan", broken)
    with pytest.raises(ValidationError, match="Nothing was imported"):
        transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    assert Family.objects.count() == families and Document.objects.count() == documents
    assert not FamilyImport.objects.exists()
    assert _all_files("") == stored  # the files stored for the import were removed again


def _all_files(path: str) -> list[str]:
    if not default_storage.exists(path or "."):
        return []
    dirs, files = default_storage.listdir(path)
    out = sorted(f"{path}/{f}" if path else f for f in files)
    for d in dirs:
        out += _all_files(f"{path}/{d}" if path else d)
    return out


# --- signatures ----------------------------------------------------------------------------------------------


def envelope(data: bytes) -> dict:
    return json.loads(data)


@pytest.mark.django_db
def test_a_changed_package_is_refused_before_anything_is_read(confirmed, monkeypatch):
    w = confirmed
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    outer = envelope(data)
    outer["payload"] = outer["payload"].replace("Familien Berg", "Familien Falsk")
    assert "Familien Falsk" in outer["payload"]

    def never(*args, **kwargs):
        raise AssertionError("rows were read before the signature was checked")

    monkeypatch.setattr(transfer, "_decode_table", never)
    with pytest.raises(ValidationError, match="changed or damaged"):
        transfer.open_package(json.dumps(outer).encode())
    # the signature of one family's package on another family's content
    other = t.family(w.municipality, "Familien Dal 2", guardian_user=t.user("far.dal"))
    proposal = services.propose_move(other, by=w.caseworker, to_municipality=w.receiver,
                                     handover_date=timezone.localdate())
    services.confirm_move(proposal, by=User.objects.get(username="far.dal"), text_shown="tekst")
    other_data, _export = transfer.export_package(other, by=w.caseworker)
    swapped = envelope(other_data)
    swapped["signature"] = envelope(data)["signature"]
    with pytest.raises(ValidationError, match="changed or damaged"):
        transfer.open_package(json.dumps(swapped).encode())


@pytest.mark.django_db
def test_unsigned_and_old_packages_are_refused(confirmed):
    w = confirmed
    package = exported(w)
    with pytest.raises(ValidationError, match="not signed"):
        transfer.open_package(json.dumps(package).encode())  # the package without its envelope (format 1 style)
    outer = envelope(transfer.seal(package)[0])
    del outer["signature"]
    with pytest.raises(ValidationError, match="not signed"):
        transfer.open_package(json.dumps(outer).encode())
    outer = envelope(transfer.seal(package)[0])
    outer["signature"]["algorithm"] = "none"
    with pytest.raises(ValidationError, match="not signed"):
        transfer.open_package(json.dumps(outer).encode())
    with pytest.raises(ValidationError, match="not a Los family package"):
        transfer.open_package(b"{}")
    with pytest.raises(ValidationError, match="not JSON"):
        transfer.open_package(b"<html>")


@pytest.mark.django_db
def test_a_wrong_key_or_an_untrusted_sender_is_refused(confirmed, settings):
    w = confirmed
    own = signing.this_installation()
    stranger = signing.generate_private_key()
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = stranger, "los.ukjent"
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = "", ""
    # an installation nobody added to the trusted ones
    with pytest.raises(ValidationError, match="does not trust"):
        transfer.open_package(data)
    # signed with another key, but claiming to be this installation
    outer = envelope(data)
    outer["signature"].update(installation=own.name, key_id=own.key_id)
    with pytest.raises(ValidationError, match="changed or damaged"):
        transfer.open_package(json.dumps(outer).encode())
    # a trusted name with someone else's key
    settings.LOS_TRANSFER_TRUSTED_SENDERS = [f"los.ukjent={signing.public_key_of(signing.generate_private_key())}"]
    with pytest.raises(ValidationError, match="does not trust"):
        transfer.open_package(data)
    # once the administrator trusts that installation's public key, it is accepted
    settings.LOS_TRANSFER_TRUSTED_SENDERS = [f"los.ukjent={signing.public_key_of(stranger)}"]
    assert transfer.open_package(data).sender.name == "los.ukjent"


@pytest.mark.django_db
def test_a_package_is_not_replayed_to_another_receiver_or_twice(confirmed):
    w = confirmed
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    third = t.municipality("Tredjeby")
    third_caseworker = t.staff(Role.CASEWORKER, third, "tredje.saksbehandler")
    with pytest.raises(ValidationError, match="for Annenby"):
        transfer.import_package(transfer.open_package(data), by=third_caseworker, municipality=third)
    with pytest.raises(ValidationError, match="Only the coordinating unit"):
        transfer.import_package(transfer.open_package(data), by=w.caseworker, municipality=w.receiver)
    transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    refused(w, data, "already been imported")
    assert FamilyImport.objects.count() == 1


@pytest.mark.django_db
def test_production_refuses_the_development_key(confirmed, settings):
    settings.PRODUCTION = True
    settings.LOS_TRANSFER_SIGNING_KEY = ""
    with pytest.raises(ValidationError, match="no signing key"):
        transfer.export_package(confirmed.family, by=confirmed.coordinator)
    settings.LOS_TRANSFER_SIGNING_KEY = signing.DEVELOPMENT_SIGNING_KEY
    with pytest.raises(ValidationError, match="no signing key"):
        transfer.export_package(confirmed.family, by=confirmed.coordinator)
    assert [m.id for m in signing.check_signing_key()] == ["los.transitions.W001"]
    settings.LOS_TRANSFER_SIGNING_KEY = signing.generate_private_key()
    assert signing.check_signing_key() == []
    transfer.export_package(confirmed.family, by=confirmed.coordinator)


# --- what a package holds ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_messages_consents_and_the_access_log_never_travel(confirmed):
    w = confirmed
    message = Message(family=w.family, municipality=w.municipality, sender=w.coordinator, body="Fortrolig melding",
                      attachment_name="notat.pdf", attachment_type="application/pdf")
    message.attachment.save("notat.pdf", ContentFile(b"%PDF fortrolig vedlegg"))
    assert AuditEvent.objects.filter(family=w.family).exists()
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    package = json.loads(json.loads(data)["payload"])
    labels = {t["model"] for t in package["tables"]}
    assert not labels & {"portal.message", "portal.messageread", "access.consent", "access.auditevent",
                         "transitions.moveproposal", "transitions.handoversummary"}
    assert "Fortrolig melding" not in data.decode() and message.attachment.name not in package["files"]
    assert "Samtykke" not in data.decode()  # the consent texts of the rich family


@pytest.mark.django_db
def test_the_package_holds_only_what_the_exporter_may_see(young_sibling):
    """Per row and per classified field, through the access policy: here a PPT contact whose consent covers the
    case and the plan (not health, contact details or services)."""
    w = young_sibling
    child = w.family.children.get(given_name="Ida")
    shown = transfer._disclosed_row(w.ppt_contact, child)
    assert shown is not None and shown["given_name"] == "Ida"
    assert "condition_summary" not in shown and "condition_categories" not in shown and "fodselsnummer" not in shown
    mother = w.family.members.get()
    shown = transfer._disclosed_row(w.ppt_contact, mother)
    assert shown is not None and not {"phone", "email", "address", "fodselsnummer", "needs"} & set(shown)
    assert transfer._disclosed_row(w.ppt_contact, w.entry) is None  # services: not covered
    assert transfer._disclosed_row(w.coordinator, w.entry) is not None
    assert transfer._disclosed_row(w.coordinator, w.school_consent) is None  # the consent register never travels
    proposal = MoveProposal(family=w.family, municipality=w.municipality, to_municipality=w.other_municipality,
                            handover_date=timezone.localdate())
    package = transfer.build_package(w.family, proposal, by=w.ppt_contact)
    labels = {t["model"] for t in package["tables"]}
    assert "plans.goal" in labels and "servicemap.serviceentry" not in labels and "meetings.meeting" not in labels
    assert "Cerebral parese" not in json.dumps(package) and "Angst" not in json.dumps(package)
    assert "91234567" not in json.dumps(package)
    assert package["left_out"]["fields"]["families.child"]["condition_summary"] == 2
    # links to rows left out are emptied, so that every link inside the package points into it
    measures = next(t for t in package["tables"] if t["model"] == "plans.measure")["rows"]
    assert all(m.get("owner_provider_id") is None or str(m["owner_provider_id"]) in
               package["references"]["core.serviceprovider"] for m in measures)
    # the package the ppt contact could make imports cleanly: nothing points outside it
    w.receiver = w.other_municipality
    plan = transfer.plan_import(transfer.open_package(transfer.seal(package)[0]), by=w.foreign_caseworker,
                                municipality=w.receiver)
    assert plan.rows


# --- the family confirms; no caseworker picks a guardian -------------------------------------------------------


@pytest.mark.django_db
def test_the_family_confirms_the_move_in_its_portal(client, rich):
    w = rich
    client.force_login(w.caseworker)
    page = client.get(reverse("transitions:move", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Propose a move" in page and "consented_by" not in page and "Consent to hand over given by" not in page
    assert "The family confirmed on paper" not in page  # the caseworker records nothing on the family's behalf
    response = client.post(reverse("transitions:move", args=[w.family.pk]), {
        "to_municipality": w.other_municipality.pk, "handover_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "note": "Ny jobb i Annenby", "consented_by": w.family.members.get().pk})
    assert response.status_code == 302
    proposal = MoveProposal.objects.get(family=w.family)
    assert proposal.status == MoveStatus.PROPOSED and proposal.transfer is None and proposal.proposed_by == w.caseworker
    assert not w.family.transfers.exists()
    # the caseworker cannot answer for the family
    response = client.post(reverse("transitions:move_answer", args=[w.family.pk]), {"answer": "confirm",
                                                                                     "confirm": "on"})
    assert response.status_code == 403 and MoveProposal.objects.get().status == MoveStatus.PROPOSED
    response = client.post(reverse("transitions:move_export", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and not w.family.transition_exports.exists()
    # the guardian sees it on the overview, reads what is sent and what stays, and confirms
    client.force_login(w.parent)
    overview = client.get(reverse("portal:overview", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Moving to Annenby" in overview and reverse("transitions:move_answer", args=[w.family.pk]) in overview
    page = client.get(reverse("transitions:move_answer", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    for words in ("Individual plan", "Health information", "The messages between you and your barnekoordinator",
                  "The log of who has looked at your data", "working notes", "Your consents"):
        assert words in text, words
    digest = page.context["form"].initial["text_digest"]
    response = client.post(reverse("transitions:move_answer", args=[w.family.pk]),
                           {"answer": "confirm", "text_digest": digest}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and MoveProposal.objects.get().status == MoveStatus.PROPOSED  # not ticked
    response = client.post(reverse("transitions:move_answer", args=[w.family.pk]),
                           {"answer": "confirm", "text_digest": digest, "confirm": "on"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400 and "Les den på nytt" in response.content.decode()  # read in English
    assert MoveProposal.objects.get().status == MoveStatus.PROPOSED
    response = client.post(reverse("transitions:move_answer", args=[w.family.pk]),
                           {"answer": "confirm", "text_digest": digest, "confirm": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MoveStatus.CONFIRMED and proposal.method == "digital"
    assert proposal.answered_by == w.parent and proposal.answered_by_member == w.family.members.get()
    assert "Annenby" in proposal.text_shown and "What stays here" in proposal.text_shown
    assert proposal.transfer.consented_by == w.family.members.get() and proposal.transfer.recorded_by == w.parent
    assert AuditEvent.objects.filter(family=w.family, object_type="MoveProposal", actor=w.parent,
                                     category=Category.CONSENTS).exists()
    # now the unit can hand the record over
    client.force_login(w.caseworker)
    assert client.post(reverse("transitions:move_export", args=[w.family.pk])).status_code == 200


@pytest.mark.django_db
def test_a_guardian_without_the_right_to_consent_cannot_answer(client, rich):
    w = rich
    father_user = t.user("far.berg")
    FamilyMember.objects.create(family=w.family, municipality=w.municipality, relation="father", given_name="Far",
                                family_name="Berg", daily_care=True, may_consent=False, user=father_user)
    services.propose_move(w.family, by=w.caseworker, to_municipality=w.other_municipality,
                          handover_date=timezone.localdate())
    client.force_login(father_user)
    page = client.get(reverse("transitions:move_answer", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Confirm the move" not in page.content.decode()
    response = client.post(reverse("transitions:move_answer", args=[w.family.pk]), {"answer": "decline"})
    assert response.status_code == 403 and MoveProposal.objects.get().status == MoveStatus.PROPOSED


@pytest.mark.django_db
def test_only_the_familys_barnekoordinator_records_a_confirmation_on_paper(client, rich):
    w = rich
    proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.other_municipality,
                                     handover_date=timezone.localdate())
    mother = w.family.members.get()
    form = {"member": mother.pk, "signed_on": timezone.localdate().isoformat(), "confirm": "on"}
    url = reverse("transitions:move_paper", args=[w.family.pk, proposal.pk])
    client.force_login(w.caseworker)
    client.post(url, form)
    assert MoveProposal.objects.get().status == MoveStatus.PROPOSED and not w.family.transfers.exists()
    client.force_login(w.coordinator)
    page = client.get(reverse("transitions:move", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The family confirmed on paper" in page
    assert client.post(url, {**form, "confirm": ""}).status_code == 400
    assert client.post(url, form).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.method, proposal.recorded_by, proposal.answered_by) == (
        MoveStatus.CONFIRMED, "paper", w.coordinator, None)
    assert proposal.transfer.consented_by == mother and proposal.transfer.recorded_by == w.coordinator
    page = client.get(reverse("transitions:move", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "recorded on paper by" in page


# --- the receiving unit sees the package before it is imported ---------------------------------------------------


@pytest.mark.django_db
def test_the_preview_shows_the_package_and_writes_nothing(client, confirmed):
    w = confirmed
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    client.force_login(w.foreign_caseworker)
    families, events = Family.objects.count(), AuditEvent.objects.filter(family__isnull=False).count()
    response = client.post(reverse("transitions:import"), {"municipality": w.receiver.pk,
                                                           "package": ContentFile(data, name="pakke.json")})
    assert response.status_code == 302
    page = client.get(reverse("transitions:import_preview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for words in ("Familien Berg", "Ida Berg", "Testvik", "Verified", "signed by this installation", "Individual plan",
                  "Health information", "Confirmed by Mor Berg in Los", "ends on the day of import",
                  "Granted, waiting for a coordinator"):
        assert words in page, words
    assert Family.objects.count() == families and not FamilyImport.objects.exists()
    assert AuditEvent.objects.filter(family__isnull=False).count() == events  # no family event: nothing exists yet
    assert AuditEvent.objects.filter(object_type="FamilyPackage", actor=w.foreign_caseworker).count() == 2
    # cancelled: the uploaded file is gone
    token = client.session[transfer_session_key()]["token"]
    assert transfer.staged(token) is not None
    client.post(reverse("transitions:import_cancel"))
    assert transfer.staged(token) is None and transfer_session_key() not in client.session
    assert client.get(reverse("transitions:import_preview")).status_code == 302


def transfer_session_key() -> str:
    from los.transitions import views

    return views.PENDING_PACKAGE


@pytest.mark.django_db
def test_a_confirmation_imports_exactly_the_package_that_was_previewed(client, confirmed):
    w = confirmed
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    other = t.family(w.municipality, "Familien Annen", guardian_user=t.user("mor.annen"))
    proposal = services.propose_move(other, by=w.caseworker, to_municipality=w.receiver,
                                     handover_date=timezone.localdate())
    services.confirm_move(proposal, by=User.objects.get(username="mor.annen"), text_shown="tekst")
    other_data, _export = transfer.export_package(other, by=w.caseworker)
    client.force_login(w.foreign_caseworker)
    client.post(reverse("transitions:import"), {"municipality": w.receiver.pk,
                                                "package": ContentFile(data, name="pakke.json")})
    previewed = client.session[transfer_session_key()]["sha256"]
    # the kept file is swapped for another (valid, signed) package between the preview and the confirmation
    token = client.session[transfer_session_key()]["token"]
    default_storage.delete(f"{transfer.PENDING_DIR}/{token}.json")
    default_storage.save(f"{transfer.PENDING_DIR}/{token}.json", ContentFile(other_data))
    response = client.post(reverse("transitions:import_confirm"), {"sha256": previewed}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and not FamilyImport.objects.exists()
    assert not Family.objects.filter(municipality=w.receiver, display_name="Familien Annen").exists()
    # a confirmation without an uploaded package imports nothing either
    response = client.post(reverse("transitions:import_confirm"), {"sha256": previewed})
    assert response.url == reverse("transitions:import") and not FamilyImport.objects.exists()


@pytest.mark.django_db
def test_what_the_confirming_family_cannot_see_is_never_sent(young_sibling):
    """The family confirms a move knowing what is sent: a fagmøte's content, minutes not yet approved and a young
    person's health information kept from the guardians stay, even when the exporting coordinator may see them."""
    from los.meetings.models import Minutes, MinutesStatus

    w = young_sibling
    w.teen.shares_health_with_guardians = False
    w.teen.save()
    Minutes.objects.create(family=w.family, municipality=w.municipality, meeting=w.meeting,
                           text="Utkast: Ida trenger mer støtte i friminuttene", status=MinutesStatus.DRAFT)
    proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.other_municipality,
                                     handover_date=timezone.localdate() + timedelta(days=7))
    services.confirm_move(proposal, by=w.parent, text_shown=services.move_text(proposal, giver_name="Mor Berg"))
    package = exported(w)
    text = json.dumps(package, ensure_ascii=False)
    labels = {t["model"] for t in package["tables"]}
    assert "Drøfte bekymring med barnevernet" not in text  # the fagmøte's action
    assert "Utkast: Ida trenger" not in text and "meetings.minutes" not in labels
    assert "Angst, følges av BUP." not in text  # the 17-year-old's own health information
    children = next(t for t in package["tables"] if t["model"] == "families.child")["rows"]
    assert {c["given_name"] for c in children} == {"Ida", "Jon"}  # the young person still moves with the family
    assert "Bestille ny rullestolrampe" in text  # the coordination group's agreements do travel
    stays = " ".join(text for _category, text in transfer.what_stays())
    assert "meetings between professionals" in stays and "not yet approved" in stays and "16 or more" in stays
