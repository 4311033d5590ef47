"""Moving municipality: the family's record as a signed package, for a move the family confirmed, and a round trip
that loses nothing the package may hold."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from los.access.classification import row_category
from los.access.models import AuditAction, AuditEvent, Consent
from los.accounts.models import User
from los.families.models import CoordinatorAssignment, Family, FamilyStatus
from los.ops.graph import foreign_keys, local_fields
from los.portal.models import Message
from los.transitions import services, signing, transfer
from los.transitions.models import FamilyExport, FamilyImport, TransitionKind, TransitionPlan

PDF = b"%PDF-1.4\n% vedtak om avlastning\n"
SECRET = b"%PDF-1.4\n% melding til barnekoordinatoren\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def confirm(proposal, user, name="Mor Berg"):
    return services.confirm_move(proposal, by=user, text_shown=services.move_text(proposal, giver_name=name))


@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English, whatever language a test before left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def moving(rich):
    """The Berg family moves from Testvik to Annenby: the unit proposed it, the mother confirmed it in the portal. The
    family has an uploaded decision letter, a message with an attachment and an open move plan."""
    from los.servicemap.models import Document

    w = rich
    w.receiver = w.other_municipality
    w.document = Document(family=w.family, municipality=w.municipality, entry=w.entry, title="Vedtak om avlastning",
                          content_type="application/pdf", extension="pdf", size=len(PDF),
                          sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=w.coordinator)
    w.document.file.save("vedtak.pdf", ContentFile(PDF))
    w.message = Message(family=w.family, municipality=w.municipality, sender=w.parent,
                        body="Ida gruer seg til flyttingen, kan vi snakke?", attachment_name="brev.pdf",
                        attachment_type="application/pdf")
    w.message.attachment.save("brev.pdf", ContentFile(SECRET))
    w.proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.receiver,
                                       handover_date=timezone.localdate() + timedelta(days=14),
                                       note="Flytter til Annenby")
    confirm(w.proposal, w.parent)
    w.move_plan = services.open_due_plans()[0]
    assert w.move_plan.kind == TransitionKind.MOVE
    return w


def family_rows(family: Family) -> dict[str, set[int]]:
    """Every row in any Los table with a ``family`` link to the family: found independently of the exporter."""
    found: dict[str, set[int]] = {}
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "family" and f.is_relation
                      and f.related_model is Family), None)
        if field is None:
            continue
        pks = set(model._base_manager.filter(family=family).values_list("pk", flat=True))
        if pks:
            found[model._meta.label_lower] = pks
    found["families.family"] = {family.pk}
    return found


def payload(data: bytes) -> dict:
    return json.loads(json.loads(data)["payload"])


@pytest.mark.django_db
def test_the_round_trip_loses_nothing_the_package_may_hold(moving):
    w = moving
    old_family = w.family
    rows_before = family_rows(old_family)
    data, export = transfer.export_package(old_family, by=w.coordinator)
    package = payload(data)
    assert export.rows == sum(package["counts"].values()) and export.proposal == w.proposal
    # every row of the allow-list is in the package (the coordinator sees all of them), except the rows that never
    # travel on the family's word (a fagmøte's content, minutes not yet approved); the rest stays
    allowed = transfer.allowed_models()
    travelling = {label: {pk for pk in pks if row_category(allowed[label]._base_manager.get(pk=pk))
                          not in transfer.NEVER_PACKAGED}
                  for label, pks in rows_before.items() if label in allowed}
    assert package["counts"] == {label: len(pks) for label, pks in travelling.items() if pks}
    assert travelling["meetings.action"] < rows_before["meetings.action"]  # the fagmøte's action stays
    staying = set(rows_before) - set(allowed)
    assert {"access.auditevent", "access.consent", "access.familytransfer", "portal.message",
            "transitions.moveproposal"} <= staying
    assert staying <= set(transfer.staying_tables())
    verified = transfer.open_package(data)
    assert verified.same_installation and verified.sha256 == export.sha256
    result = transfer.import_package(verified, by=w.foreign_caseworker, municipality=w.receiver)
    new_family = result.family
    assert new_family.pk != old_family.pk and new_family.municipality == w.receiver
    adjustments = result.record.adjustments
    changed_unique = {(a["table"], a["from"]): a["to"] for a in adjustments if a["what"] == "unique_value_changed"}
    checked = 0
    for table in package["tables"]:
        model = apps.get_model(table["model"])
        mapping = result.id_map[table["model"]]
        assert len(mapping) == len(table["rows"]) == package["counts"][table["model"]]
        fields = {f.attname: f for f in local_fields(model)}
        fks = {fk.attname: fk for fk in foreign_keys(model)}
        for old_pk, new_pk in mapping.items():
            assert old_pk != new_pk  # ids are remapped
            old = model._base_manager.get(pk=old_pk)
            new = model._base_manager.get(pk=new_pk)
            for name, field in fields.items():
                if field.primary_key:
                    continue
                before, after = getattr(old, name), getattr(new, name)
                if name in fks:
                    target = fks[name].remote_field.model._meta.label_lower
                    if fks[name].name == "municipality" and target == "core.municipality":
                        assert after == w.receiver.pk, (table["model"], name)
                    elif target in result.id_map:
                        assert after == (None if before is None else result.id_map[target][before]), (table, name)
                    else:
                        # people by user name and services by municipality, kind and name: the same installation
                        assert after == before, (table["model"], name)
                elif isinstance(field, models.FileField):
                    assert bool(after) == bool(before)
                    if before:
                        assert getattr(old, name).read() == getattr(new, name).read() == PDF
                        assert getattr(old, name).name != getattr(new, name).name
                elif isinstance(before, str) and (table["model"], before) in changed_unique:
                    assert after == changed_unique[(table["model"], before)]
                elif table["model"] == "families.family" and name == "status":
                    assert (before, after) == (FamilyStatus.ACTIVE, FamilyStatus.WAITING)
                elif table["model"] == "families.coordinatorassignment" and name in ("ended", "end_reason") \
                        and old.ended is None:
                    assert new.ended == timezone.localdate() and "Annenby" in new.end_reason
                else:
                    assert after == before, (table["model"], name, before, after)
                checked += 1
    assert checked > 300
    assert {"what": "status_changed", "from": "active", "to": "waiting"} in adjustments
    assert any(a["what"] == "assignment_ended" for a in adjustments)
    assert any(a["table"] == "meetings.meeting" for a in adjustments if a["what"] == "unique_value_changed")
    assert not CoordinatorAssignment.objects.filter(family=new_family, ended__isnull=True).exists()
    # messages, their attachments, consents and the access log stayed behind
    assert not Message.objects.filter(family=new_family).exists() and not Consent.objects.filter(
        family=new_family).exists()
    assert all(SECRET not in json.dumps(entry).encode() for entry in package["files"].values())
    assert "Ida gruer seg" not in data.decode()
    # the receiving side: a record, an audit event in its own chain, a plan for the family that moved in
    record = FamilyImport.objects.get(family=new_family)
    assert (record.from_municipality_name, record.source_reference) == ("Testvik", old_family.reference)
    assert record.consented_by_name == "Mor Berg" and record.package_id == package["package_id"]
    assert AuditEvent.objects.filter(family=new_family, chain=str(w.receiver.pk), action=AuditAction.CHANGE,
                                     object_type="FamilyImport").exists()
    moved_in = TransitionPlan.objects.get(family=new_family, kind=TransitionKind.MOVED_IN)
    assert {"appoint", "review_consents"} <= set(moved_in.checklist.values_list("code", flat=True))
    assert TransitionPlan.objects.filter(family=new_family, kind=TransitionKind.MOVE).exists()
    # the sending side keeps its record and logs the handover
    assert Family.objects.filter(pk=old_family.pk, municipality=w.municipality).exists()
    for action in (AuditAction.SHARE, AuditAction.EXPORT):
        assert AuditEvent.objects.filter(family=old_family, action=action, object_type="FamilyExport").exists()
    assert FamilyExport.objects.filter(family=old_family, to_municipality_name="Annenby").exists()


@pytest.mark.django_db
def test_no_export_without_a_move_the_family_confirmed(rich, english):
    w = rich
    with pytest.raises(ValidationError, match="not confirmed"):
        transfer.export_package(w.family, by=w.coordinator)
    proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.other_municipality,
                                     handover_date=timezone.localdate())
    with pytest.raises(ValidationError, match="not confirmed"):
        transfer.export_package(w.family, by=w.coordinator)
    services.decline_move(proposal, by=w.parent)
    with pytest.raises(ValidationError, match="not confirmed"):
        transfer.export_package(w.family, by=w.coordinator)
    proposal = services.propose_move(w.family, by=w.caseworker, to_municipality=w.other_municipality,
                                     handover_date=timezone.localdate())
    confirm(proposal, w.parent)
    transfer.export_package(w.family, by=w.coordinator)
    # the family withdraws its confirmation: the recorded move is cancelled and nothing more is handed over
    services.withdraw_move(proposal, by=w.parent)
    proposal.refresh_from_db()
    assert proposal.transfer.cancelled_at is not None
    with pytest.raises(ValidationError, match="not confirmed"):
        transfer.export_package(w.family, by=w.coordinator)


@pytest.mark.django_db
def test_only_the_familys_coordinator_or_unit_hands_the_record_over(moving, english):
    w = moving
    with pytest.raises(ValidationError, match="Only the family's barnekoordinator or the coordinating unit"):
        transfer.export_package(w.family, by=w.parent)
    with pytest.raises(ValidationError, match="Only the family's barnekoordinator or the coordinating unit"):
        transfer.export_package(w.family, by=w.contact)
    assert not FamilyExport.objects.exists()
    transfer.export_package(w.family, by=w.caseworker)


@pytest.mark.django_db
def test_between_installations_people_come_as_names_without_log_in(moving, settings):
    w = moving
    sender_key = signing.generate_private_key()
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = sender_key, "los.testvik.example"
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    settings.LOS_TRANSFER_SIGNING_KEY, settings.LOS_INSTALLATION_NAME = signing.generate_private_key(), "los.annenby"
    settings.LOS_TRANSFER_TRUSTED_SENDERS = [f"los.testvik.example={signing.public_key_of(sender_key)}"]
    verified = transfer.open_package(data)
    assert not verified.same_installation and verified.sender.name == "los.testvik.example"
    result = transfer.import_package(verified, by=w.foreign_caseworker, municipality=w.receiver)
    assignment = CoordinatorAssignment.objects.get(family=result.family)
    coordinator = assignment.coordinator
    assert coordinator != w.coordinator and not coordinator.is_active and not coordinator.has_usable_password()
    assert coordinator.get_full_name() == w.coordinator.get_full_name()
    assert not coordinator.staff_roles.exists()
    assert result.family.members.get(relation="mother").user is None  # linked again at ID-porten log-in
    assert any(a["what"] == "login_unlinked" for a in result.record.adjustments)
    assert User.objects.filter(username__startswith="ekstern.").count() >= 1
    assert result.record.sender_installation == "los.testvik.example"


@pytest.mark.django_db
def test_the_pages_for_both_sides(client, moving):
    w = moving
    client.force_login(w.coordinator)
    page = client.get(reverse("transitions:move", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Annenby" in page and "Download the family package" in page and "Confirmed by Mor Berg in Los" in page
    response = client.post(reverse("transitions:move_export", args=[w.family.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    raw = response.content
    # a service contact may not download the record
    client.force_login(w.contact)
    assert client.post(reverse("transitions:move_export", args=[w.family.pk])).status_code in (403, 404)
    # the receiving unit uploads it, sees the preview, and imports it
    client.force_login(w.foreign_caseworker)
    before = Family.objects.count()
    response = client.post(reverse("transitions:import"), {"municipality": w.receiver.pk,
                                                           "package": ContentFile(raw, name="pakke.json")})
    assert response.status_code == 302 and response.url == reverse("transitions:import_preview")
    assert Family.objects.count() == before and not FamilyImport.objects.exists()
    response = client.post(reverse("transitions:import_confirm"), {"sha256": json.loads(raw)["signature"]["value"]})
    assert response.url == reverse("transitions:import_preview") and not FamilyImport.objects.exists()
    sha256 = hashlib.sha256(json.loads(raw)["payload"].encode()).hexdigest()
    response = client.post(reverse("transitions:import_confirm"), {"sha256": sha256})
    new_family = FamilyImport.objects.get().family
    assert response.status_code == 302 and response.url == reverse("transitions:summary", args=[new_family.pk])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The family moved here from Testvik" in page and "Ida skal kunne gå på turer med klassen" in page
    page = client.get(reverse("transitions:unit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert new_family.display_name in page
    # a bad file gets a message, not a 500
    response = client.post(reverse("transitions:import"), {"municipality": w.receiver.pk,
                                                           "package": ContentFile(b"nonsense", name="x.json")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "not a Los family package" in response.content.decode()
    # the coordinator (no unit role) has no import page
    client.force_login(w.coordinator)
    assert client.get(reverse("transitions:import")).status_code == 404


@pytest.mark.django_db
def test_the_management_commands(moving, tmp_path):
    w = moving
    out = tmp_path / "pakke.json"
    call_command("export_family", str(w.family.pk), "--by", w.coordinator.username, "--output", str(out),
                 stdout=StringIO())
    assert json.loads(out.read_text())["format"] == transfer.FORMAT
    stdout = StringIO()
    call_command("import_family", str(out), "--municipality", w.receiver.number, "--by", w.foreign_caseworker.username,
                 stdout=stdout)
    assert "Signed by" in stdout.getvalue() and "Nothing was imported" in stdout.getvalue()
    assert not Family.objects.filter(municipality=w.receiver, display_name=w.family.display_name).exists()
    stdout = StringIO()
    call_command("import_family", str(out), "--municipality", w.receiver.number, "--by", w.foreign_caseworker.username,
                 "--confirm", stdout=stdout)
    assert "Imported" in stdout.getvalue()
    assert Family.objects.filter(municipality=w.receiver, display_name=w.family.display_name).exists()
    stdout = StringIO()
    call_command("transfer_keys", stdout=stdout, stderr=StringIO())
    own = signing.this_installation()
    assert f"{own.name}={own.public_key}" in stdout.getvalue()


@pytest.mark.django_db
def test_a_file_of_a_type_los_does_not_take_is_left_out_of_the_import(moving):
    """The files in a package are checked as uploads are: a package made elsewhere could carry anything."""
    w = moving
    w.document.file.save("vedtak.pdf", ContentFile(b"MZ\x90\x00" + b"\x00" * 64))
    data, _export = transfer.export_package(w.family, by=w.coordinator)
    result = transfer.import_package(transfer.open_package(data), by=w.foreign_caseworker, municipality=w.receiver)
    from los.servicemap.models import Document

    new = Document.objects.get(family=result.family)
    assert not new.file and new.title == "Vedtak om avlastning"  # the row and its other fields are kept
    assert any(a["what"] == "file_refused" and a["table"] == "servicemap.document" for a in result.record.adjustments)
