"""Every way out shows a person nothing the access policy refuses them (issue 20: "one way out").

The demo municipality is built, and every free-text field of every row of one rich family (the demo family, with a
plan, meetings, a fagmøte, services, documents, messages, story and siblings' needs) is given a marker of its own.
Then, for every role — guardian, a young person of 16 who keeps their health information to themselves,
barnekoordinator, caseworker, unit leader, a service contact whose consent covers only basic case information and
meetings, municipal leader, system administrator — every page about the family, every list, the family's download,
the API (FHIR and the archive package included), the calendar feed and the handover summaries are fetched, zip
files unpacked and PDFs read, and no marker of a field the policy refuses that person may appear in any of them.
The markers the person may see must appear somewhere, so the test cannot pass by showing nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from los.access.classification import FAMILY_DATA, KEY_FIELDS, row_category
from los.access.models import Category
from los.access.policy import decide_view
from los.access.tests.test_matrix import FAMILY_ROUTES, LIST_ROUTES, url_for
from los.accounts.models import Role, User
from los.core import testing as t
from los.families.models import Child, Family
from los.meetings.services import create_calendar_token

MARKER = re.compile(r"Zq[0-9a-z]{3}Q")
ROLES = ["guardian", "young_person", "barnekoordinator", "caseworker", "unit_leader", "narrow_contact",
         "municipal_leader", "system_admin"]


#: Fields that hold a code Los computes with (a legal basis it resolves to an appeal rule, a catalogue id, a
#: language code, a checksum), not free text: a marker there tests nothing but the code's own validation.
CODES = frozenset({"hash", "prev_hash", "chain", "sha256", "letter_sha256", "ical_uid", "key", "legal_basis",
                   "legal_basis_key", "appeal_rule", "catalog_id", "code", "source_ref", "reference",
                   "preferred_language", "interpreter_language", "letter_language", "navigator_source",
                   "content_type", "extension", "attachment_type", "extent_unit", "sector"})


@dataclass(frozen=True)
class Mark:
    label: str
    field: str
    family_id: int
    row: Category
    category: Category
    child_id: int | None


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.name not in KEY_FIELDS
            and (f.max_length is None or f.max_length >= 6) and not f.unique]


def _mark_family(family: Family) -> dict[str, Mark]:
    """Give every free-text field of every row of ``family`` a marker of its own; answer marker -> what it is."""
    marks: dict[str, Mark] = {}
    counter = 0
    for label, rows in FAMILY_DATA.items():
        model = apps.get_model(label)
        fields = [f for f in _text_fields(model) if f.name not in CODES]
        if not fields:
            continue
        queryset = model.objects.filter(pk=family.pk) if model is Family else model.objects.filter(family=family)
        if label == "access.AuditEvent":
            continue  # append-only and hash-chained: its content is checked through the access-log category
        for obj in queryset:
            updates = {}
            row = row_category(obj)
            for f in fields:
                counter += 1
                token = f"Zq{counter:03x}Q"
                updates[f.name] = token
                # a field in the model's own category follows the row's (a contact shared with the family is its
                # messages; a fagmøte's action is professional); a narrower field keeps its own
                field = rows.field_category(f.name)
                marks[token] = Mark(label, f.name, family.pk, row, row if field == rows.category else field,
                                    obj.pk if model is Child else obj.__dict__.get("child_id"))
            model.objects.filter(pk=obj.pk).update(**updates)
    return marks


def _texts(response) -> list[str]:
    """Everything a person receives in a response, as text: zip files unpacked, PDFs and spreadsheets read."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return _unpack(content, response.get("Content-Type", ""))


def _unpack(content: bytes, content_type: str = "") -> list[str]:
    if content[:4] == b"PK\x03\x04":
        out: list[str] = []
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if any(n.startswith("xl/") for n in archive.namelist()):
                return [_xlsx_text(content)]
            for name in archive.namelist():
                out += _unpack(archive.read(name))
        return out
    if content[:5] == b"%PDF-":
        from pypdf import PdfReader

        return ["\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)]
    return [content.decode("utf-8", errors="ignore")]


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def _refused(person: User, marks: dict[str, Mark]) -> set[str]:
    families = {f.pk: f for f in Family.objects.filter(pk__in={m.family_id for m in marks.values()})}
    children = {c.pk: c for c in Child.objects.filter(family_id__in=families)}
    answers: dict[tuple, bool] = {}

    def may(mark: Mark, category: Category) -> bool:
        key = (mark.family_id, category, mark.child_id)
        if key not in answers:
            answers[key] = decide_view(person, families[mark.family_id], category,
                                       children.get(mark.child_id)).allowed
        return answers[key]

    return {token for token, mark in marks.items() if not (may(mark, mark.row) and may(mark, mark.category))}


@pytest.fixture
def demo(db, settings):
    from los.core.demo.seed import build

    settings.LOS_REQUIRE_STAFF_OTP = False
    build("demo", seed=7, today=timezone.localdate())
    family = Family.objects.get(display_name__icontains="Sæther")
    people = {
        "guardian": User.objects.get(username="forelder"),
        "barnekoordinator": User.objects.get(username="koordinator"),
        "caseworker": User.objects.get(username="saksbehandler"),
        "unit_leader": User.objects.get(username="leder"),
        "municipal_leader": User.objects.get(username="kommunalsjef"),
        "system_admin": User.objects.get(username="admin"),
    }
    # a young person of 16 with an own log-in, who keeps their health information to themselves
    young = Child.objects.filter(family=family).order_by("birth_date").first()
    young.birth_date = timezone.localdate() - timedelta(days=16 * 366)
    young.user = t.user("ungdom")
    young.shares_health_with_guardians = False
    young.save()
    people["young_person"] = young.user
    # a service contact whose consent covers only basic case information and meetings
    provider = t.provider(family.municipality, name="PPT Smal")
    people["narrow_contact"] = t.staff(Role.SERVICE_CONTACT, family.municipality, "kontakt.smal",
                                       service_provider=provider)
    t.consent(family, provider, categories=[Category.CASE, Category.MEETINGS])
    # minutes still being written: the family and the service contacts see them only once approved
    from los.meetings.models import MeetingKind, Minutes, MinutesStatus

    latest = (Minutes.objects.filter(family=family).exclude(meeting__kind=MeetingKind.PROFESSIONAL)
              .order_by("-meeting__starts_at").first())
    assert latest is not None, "the demo family has minutes"
    Minutes.objects.filter(pk=latest.pk).update(status=MinutesStatus.DRAFT, approved_at=None, approved_by=None)
    marks = _mark_family(family)
    return family, people, marks


def _paths(family: Family) -> list[str]:
    urls = []
    for route in FAMILY_ROUTES:
        urls.append(url_for(route, family))
    for route in LIST_ROUTES:
        urls.append(url_for(route, family))
    return sorted(set(urls))


@pytest.mark.django_db
def test_no_way_out_shows_what_the_policy_refuses(demo):
    family, people, marks = demo
    paths = _paths(family)
    seen_allowed: dict[str, int] = {}
    for role in ROLES:
        person = people[role]
        refused = _refused(person, marks)
        allowed = set(marks) - refused
        client = Client()
        client.force_login(person)
        found: set[str] = set()
        _token, secret = create_calendar_token(person)
        feed = reverse("meetings:feed", args=[secret])
        for url in [*paths, feed]:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
            if response.status_code != 200:
                continue
            for text in _texts(response):
                tokens = set(MARKER.findall(text))
                leaked = tokens & refused
                assert not leaked, (role, url, sorted((marks[x].label, marks[x].field, marks[x].category)
                                                      for x in leaked))
                found |= tokens
        seen_allowed[role] = len(found & allowed)
    # the family and its coordinator see a great deal; the narrow contact sees something; leaders see no family
    assert seen_allowed["guardian"] > 50 and seen_allowed["barnekoordinator"] > 50
    assert seen_allowed["caseworker"] > 20 and seen_allowed["narrow_contact"] > 0
    assert seen_allowed["municipal_leader"] == 0 and seen_allowed["system_admin"] == 0


@pytest.mark.django_db
def test_the_move_package_holds_only_what_the_exporter_may_see_and_never_the_coordinators_side(demo):
    """The package for a move: what the exporting unit or barnekoordinator may see, never messages, the access log or
    the consent register (they stay with the sending municipality)."""
    from los.core.models import Municipality
    from los.transitions import services, transfer

    family, people, marks = demo
    guardian = people["guardian"]
    receiver = Municipality.objects.exclude(pk=family.municipality_id).first() or t.municipality("Mottaker")
    proposal = services.propose_move(family, by=people["caseworker"], to_municipality=receiver,
                                     handover_date=timezone.localdate())
    member = family.members.get(user=guardian)
    services.confirm_move(proposal, by=guardian,
                          text_shown=services.move_text(proposal, giver_name=f"{member.given_name} {member.family_name}"))
    never = {token for token, mark in marks.items()
             if Category.MESSAGES in (mark.row, mark.category) or Category.CONSENTS in (mark.row, mark.category)}
    for role in ("barnekoordinator", "caseworker"):
        exporter = people[role]
        content, _record = transfer.export_package(family, by=exporter)
        tokens = set(MARKER.findall("\n".join(_unpack(content))))
        assert tokens, role
        leaked = tokens & (_refused(exporter, marks) | never)
        assert not leaked, (role, sorted((marks[x].label, marks[x].field) for x in leaked))


@pytest.mark.django_db
def test_the_demo_family_has_markers_in_every_category_a_role_is_refused(demo):
    """The differential test is only as good as its fixture: every category it checks holds a marker."""
    _family, people, marks = demo
    categories = {m.category for m in marks.values()} | {m.row for m in marks.values()}
    assert {Category.HEALTH, Category.STORY, Category.CONTACT, Category.PLAN, Category.MEETINGS, Category.SERVICES,
            Category.MESSAGES, Category.REFERRAL, Category.PROFESSIONAL, Category.DRAFT} <= categories
    assert _refused(people["narrow_contact"], marks) and _refused(people["caseworker"], marks)
