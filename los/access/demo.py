"""Demo data for the consent register and "who has looked at our data".

The demo family (Familien Sæther) gets a consent history (one withdrawn, one ended, one recorded on
paper by the coordinator) and two months of access events by the people around it, appended to the
municipality's audit chain with correct hashes, so that ``audit_verify`` passes on a fresh demo.
Only the demo family gets events: nothing here loops over the families of the country.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from los.access import audit
from los.access.models import AuditAction, AuditEvent, Category, Consent, ConsentMethod
from los.accounts.models import User
from los.core.demo.seed import DemoContext
from los.core.models import ProviderKind
from los.families.models import FamilyMember

CONSENT_TEXT = (
    "Vi samtykker til at tjenesten kan få og gi opplysninger som trengs for samarbeidet om barnet vårt, i "
    "kategoriene som er krysset av. Samtykket gjelder til og med datoen som står over, og kan trekkes tilbake "
    "når som helst."
)

REASONS = {"barnekoordinator": "the family's barnekoordinator", "service_contact": "consent to the service",
           "caseworker": "coordinating unit of the family's municipality", "guardian": "guardian of the family"}


def seed(ctx: DemoContext) -> None:
    family = ctx.demo_family
    if family is None:
        return
    people = {u.username: u for u in User.objects.filter(
        username__in=["koordinator", "saksbehandler", "leder", "kontakt.skole", "kontakt.habu", "forelder",
                      "forelder2"])}
    if len(people) < 7:
        return
    providers = {p.kind: p for p in reversed(ctx.providers[family.municipality_id])}
    mother = FamilyMember.objects.filter(family=family, user=people["forelder"]).first()
    _consent_history(ctx, family, providers, mother, people["koordinator"], people["forelder"])
    _access_events(ctx, family, people, providers)


def _consent_history(ctx, family, providers, mother, coordinator, parent) -> None:
    today = ctx.today
    rows = []
    if ProviderKind.AVLASTNING in providers:
        start = today - timedelta(days=300)
        rows.append(Consent(
            family=family, municipality_id=family.municipality_id, given_by_member=mother,
            service_provider=providers[ProviderKind.AVLASTNING], categories=[Category.CASE, Category.CONTACT],
            purpose="Avlastning i helgene", valid_from=ctx.aware(start), valid_to=ctx.aware(start + timedelta(days=365)),
            method=ConsentMethod.DIGITAL, text_shown=CONSENT_TEXT, created_at=ctx.aware(start),
            withdrawn_at=ctx.aware(today - timedelta(days=62), 20), withdrawn_by=parent,
        ))
    if ProviderKind.BUP in providers:
        start = today - timedelta(days=500)
        rows.append(Consent(
            family=family, municipality_id=family.municipality_id, given_by_member=mother,
            service_provider=providers[ProviderKind.BUP],
            categories=[Category.CASE, Category.HEALTH, Category.MEETINGS], purpose="Utredning hos BUP",
            valid_from=ctx.aware(start), valid_to=ctx.aware(today - timedelta(days=90)), method=ConsentMethod.ORAL,
            text_shown="Muntlig samtykke gitt i møte med BUP og barnekoordinator. " + CONSENT_TEXT,
            recorded_by=coordinator, created_at=ctx.aware(start),
        ))
    if ProviderKind.NAV in providers:
        start = today - timedelta(days=40)
        rows.append(Consent(
            family=family, municipality_id=family.municipality_id, given_by_member=mother,
            service_provider=providers[ProviderKind.NAV], categories=[Category.CASE, Category.SERVICES],
            purpose="Søknad om hjelpestønad og grunnstønad", valid_from=ctx.aware(start),
            valid_to=ctx.aware(start + timedelta(days=365)), method=ConsentMethod.PAPER,
            text_shown="Skjema «Samtykke til samarbeid», signert av mor. " + CONSENT_TEXT,
            recorded_by=coordinator, created_at=ctx.aware(start),
        ))
    Consent.objects.bulk_create(rows)


def _access_events(ctx: DemoContext, family, people: dict[str, User], providers) -> None:
    rng = ctx.rng
    school = providers.get(ProviderKind.SCHOOL)
    habu = providers.get(ProviderKind.HABU)
    # (who, role, service, action, category, object type)
    kinds = [
        ("koordinator", "barnekoordinator", "", AuditAction.VIEW, Category.CASE, "Family", 10),
        ("koordinator", "barnekoordinator", "", AuditAction.VIEW, Category.PLAN, "Plan", 8),
        ("koordinator", "barnekoordinator", "", AuditAction.CHANGE, Category.PLAN, "Measure", 4),
        ("koordinator", "barnekoordinator", "", AuditAction.VIEW, Category.MEETINGS, "Meeting", 5),
        ("kontakt.skole", "service_contact", school.name if school else "", AuditAction.VIEW, Category.PLAN,
         "Plan", 4),
        ("kontakt.skole", "service_contact", school.name if school else "", AuditAction.VIEW, Category.MEETINGS,
         "Meeting", 3),
        ("kontakt.habu", "service_contact", habu.name if habu else "", AuditAction.VIEW, Category.HEALTH, "Child", 2),
        ("kontakt.habu", "service_contact", habu.name if habu else "", AuditAction.VIEW, Category.PLAN, "Plan", 2),
        ("saksbehandler", "caseworker", "", AuditAction.VIEW, Category.SERVICES, "Application", 3),
        ("saksbehandler", "caseworker", "", AuditAction.EXPORT, Category.CASE, "Decision", 1),
        ("forelder", "guardian", "", AuditAction.VIEW, Category.PLAN, "Plan", 6),
        ("forelder2", "guardian", "", AuditAction.VIEW, Category.MEETINGS, "Meeting", 2),
        ("saksbehandler", "caseworker", "", AuditAction.DENIED, Category.WORKING_NOTES, "WorkingNote", 1),
    ]
    planned = []
    for username, role, service, action, category, object_type, count in kinds:
        for _ in range(count):
            days_ago = rng.randint(1, 60)
            at = ctx.aware(ctx.today - timedelta(days=days_ago), rng.randint(8, 15)) + timedelta(
                minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            planned.append((at, people[username], role, service, action, category, object_type))
    planned.sort(key=lambda row: row[0])
    _append(family, planned)


@transaction.atomic
def _append(family, planned: list[tuple[datetime, User, str, str, str, str, str]]) -> None:
    """Append the events to the municipality's chain, linked and hashed exactly like ``audit.record``."""
    chain = str(family.municipality_id)
    head = audit._lock_head(chain)
    rows = []
    seq, prev_hash = head.seq, head.hash
    for at, user, role, service, action, category, object_type in planned:
        seq += 1
        allowed = action != AuditAction.DENIED
        event = AuditEvent(
            chain=chain, seq=seq, at=at, actor=user, actor_name=user.get_full_name() or user.username,
            actor_role=role, actor_service=service, municipality_id=family.municipality_id, family_id=family.pk,
            action=action, object_type=object_type, object_id=str(family.pk), category=str(category),
            allowed=allowed, reason=REASONS.get(role, "") if allowed else "not visible to the coordinating unit",
            session_ref="",
            ip_address="10.0.0.12", path="", prev_hash=prev_hash,
        )
        event.hash = audit.compute_hash(event)
        prev_hash = event.hash
        rows.append(event)
    AuditEvent.objects.bulk_create(rows)
    head.seq, head.hash = seq, prev_hash
    head.save(update_fields=["seq", "hash"])
