"""Moving municipality: the family's record as a package, with consent, and a round trip that loses nothing."""

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

from los.access import services as access_services
from los.access.models import AuditAction, AuditEvent
from los.accounts.models import User
from los.families.models import CoordinatorAssignment, Family, FamilyStatus
from los.ops.graph import foreign_keys, local_fields
from los.transitions import services, transfer
from los.transitions.models import FamilyExport, FamilyImport, TransitionKind, TransitionPlan

PDF = b"%PDF-1.4\n% vedtak om avlastning\n"


@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English, whatever language a test before left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def moving(rich):
    """The Berg family moves from Testvik to Annenby with the mother's consent; it has an uploaded decision letter
    and an open transition plan (school start for Ida's little brother is far off; the move plan is open)."""
    from los.servicemap.models import Document

    w = rich
    w.receiver = w.other_municipality
    w.document = Document(family=w.family, municipality=w.municipality, entry=w.entry, title="Vedtak om avlastning",
                          content_type="application/pdf", extension="pdf", size=len(PDF),
                          sha256=hashlib.sha256(PDF).hexdigest(), uploaded_by=w.coordinator)
    w.document.file.save("vedtak.pdf", ContentFile(PDF))
    w.transfer = access_services.record_family_transfer(
        family=w.family, to_municipality=w.receiver, consented_by=w.mother,
        handover_date=timezone.localdate() + timedelta(days=14), recorded_by=w.coordinator, note="Flytter til Annenby")
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


@pytest.mark.django_db
def test_the_round_trip_loses_nothing(moving):
    w = moving
    old_family = w.family
    rows_before = family_rows(old_family)
    package, export = transfer.export_package(old_family, by=w.coordinator)
    assert export.rows == sum(package["counts"].values())
    # every object of the family is in the package, except the documented tables that stay
    expected = {label: len(pks) for label, pks in rows_before.items() if label not in transfer.EXCLUDED}
    assert package["counts"] == expected
    assert "access.auditevent" in rows_before and "access.familytransfer" in rows_before
    assert "access.auditevent" not in package["counts"]
    # through bytes, as it travels
    parsed = transfer.parse(transfer.package_bytes(package))
    result = transfer.import_package(parsed, by=w.foreign_caseworker, municipality=w.receiver)
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
                        assert after == before, (table["model"], name)  # people and services: the same installation
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
    # documented adjustments
    assert {"what": "status_changed", "from": "active", "to": "waiting"} in adjustments
    assert any(a["what"] == "assignment_ended" for a in adjustments)
    assert any(a["table"] == "meetings.meeting" for a in adjustments if a["what"] == "unique_value_changed")
    assert not CoordinatorAssignment.objects.filter(family=new_family, ended__isnull=True).exists()
    # the receiving side: a record, an audit event in its own chain, a plan for the family that moved in
    record = FamilyImport.objects.get(family=new_family)
    assert (record.from_municipality_name, record.source_reference) == ("Testvik", old_family.reference)
    assert record.consented_by_name == "Mor Berg"
    assert AuditEvent.objects.filter(family=new_family, chain=str(w.receiver.pk), action=AuditAction.CHANGE,
                                     object_type="FamilyImport").exists()
    moved_in = TransitionPlan.objects.get(family=new_family, kind=TransitionKind.MOVED_IN)
    assert {"appoint", "review_consents"} <= set(moved_in.checklist.values_list("code", flat=True))
    # the open move plan and the sending side's history came along
    assert TransitionPlan.objects.filter(family=new_family, kind=TransitionKind.MOVE).exists()
    # the sending side keeps its record and logs the handover
    assert Family.objects.filter(pk=old_family.pk, municipality=w.municipality).exists()
    assert AuditEvent.objects.filter(family=old_family, action=AuditAction.SHARE, object_type="FamilyExport").exists()
    assert FamilyExport.objects.filter(family=old_family, to_municipality_name="Annenby").exists()


@pytest.mark.django_db
def test_no_export_without_the_familys_consent_to_the_move(rich):
    with pytest.raises(ValidationError) as error:
        transfer.export_package(rich.family, by=rich.coordinator)
    assert "consent" in " ".join(error.value.messages)
    moved = access_services.record_family_transfer(
        family=rich.family, to_municipality=rich.other_municipality, consented_by=rich.family.members.get(),
        handover_date=timezone.localdate(), recorded_by=rich.coordinator)
    access_services.cancel_family_transfer(transfer=moved, actor=rich.coordinator)
    with pytest.raises(ValidationError):
        transfer.export_package(rich.family, by=rich.coordinator)


@pytest.mark.django_db
def test_the_package_is_checked_before_anything_is_imported(moving):
    w = moving
    package, _ = transfer.export_package(w.family, by=w.coordinator)
    raw = transfer.package_bytes(package)
    with pytest.raises(ValidationError, match="not a Los family package"):
        transfer.parse(b"{}")
    with pytest.raises(ValidationError, match="not JSON"):
        transfer.parse(b"<html>")
    tampered = json.loads(raw)
    tampered["family"]["display_name"] = "Familien Falsk"
    with pytest.raises(ValidationError, match="checksum"):
        transfer.parse(json.dumps(tampered))
    newer = json.loads(raw)
    newer["version"] = 99
    with pytest.raises(ValidationError, match="version 99"):
        transfer.parse(json.dumps(newer))
    parsed = transfer.parse(raw)
    with pytest.raises(ValidationError, match="for Annenby"):
        transfer.import_package(parsed, by=w.caseworker, municipality=w.municipality)
    with pytest.raises(ValidationError, match="Only the coordinating unit"):
        transfer.import_package(parsed, by=w.coordinator, municipality=w.receiver)
    before = Family.objects.count()
    transfer.import_package(parsed, by=w.foreign_caseworker, municipality=w.receiver)
    with pytest.raises(ValidationError, match="already been imported"):
        transfer.import_package(parsed, by=w.foreign_caseworker, municipality=w.receiver)
    assert Family.objects.count() == before + 1


@pytest.mark.django_db
def test_between_installations_people_come_as_names_without_log_in(moving, settings):
    w = moving
    w.mother.user = w.parent
    w.mother.save()
    package, _ = transfer.export_package(w.family, by=w.coordinator)
    settings.SECRET_KEY = "another-installation-" + "y" * 40
    result = transfer.import_package(transfer.parse(transfer.package_bytes(package)), by=w.foreign_caseworker,
                                     municipality=w.receiver)
    assignment = CoordinatorAssignment.objects.get(family=result.family)
    coordinator = assignment.coordinator
    assert coordinator != w.coordinator and not coordinator.is_active and not coordinator.has_usable_password()
    assert coordinator.get_full_name() == w.coordinator.get_full_name()
    assert not coordinator.staff_roles.exists()
    assert result.family.members.get(relation="mother").user is None  # linked again at ID-porten log-in
    assert any(a["what"] == "login_unlinked" for a in result.record.adjustments)
    assert User.objects.filter(username__startswith="ekstern.").count() >= 1


@pytest.mark.django_db
def test_the_pages_for_both_sides(client, moving):
    w = moving
    client.force_login(w.coordinator)
    page = client.get(reverse("transitions:move", args=[w.family.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Annenby" in page and "Download the family package" in page
    response = client.post(reverse("transitions:move_export", args=[w.family.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(family=w.family, actor=w.coordinator, action=AuditAction.EXPORT).exists()
    raw = response.content
    # a service contact may not download the record
    client.force_login(w.contact)
    assert client.post(reverse("transitions:move_export", args=[w.family.pk])).status_code == 403
    # the receiving unit uploads it and lands on the summary
    client.force_login(w.foreign_caseworker)
    upload = ContentFile(raw, name="pakke.json")
    response = client.post(reverse("transitions:import"), {"municipality": w.receiver.pk, "package": upload})
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
    assert "Imported" in stdout.getvalue()
    assert Family.objects.filter(municipality=w.receiver, display_name=w.family.display_name).exists()


@pytest.mark.django_db
def test_a_file_of_a_type_los_does_not_take_is_left_out_of_the_import(moving):
    """The files in a package are checked as uploads are: a package made elsewhere could carry anything."""
    w = moving
    w.document.file.save("vedtak.pdf", ContentFile(b"MZ\x90\x00" + b"\x00" * 64))
    package, _export = transfer.export_package(w.family, by=w.coordinator)
    result = transfer.import_package(transfer.parse(transfer.package_bytes(package)), by=w.foreign_caseworker,
                                     municipality=w.receiver)
    from los.servicemap.models import Document

    new = Document.objects.get(family=result.family)
    assert not new.file and new.title == "Vedtak om avlastning"  # the row and its other fields are kept
    assert any(a["what"] == "file_refused" and a["table"] == "servicemap.document" for a in result.record.adjustments)
