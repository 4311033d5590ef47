"""Demo data for the consent register and "who has looked at our data".

The demo family (Familien Sæther) gets a consent history (one withdrawn, one ended, one recorded on
paper by the coordinator) and two months of hand-made access events by the people around it.

Every family also gets up to three years of access history (:func:`_history`): caseworkers reading and
deciding the request, the barnekoordinator opening the family, the plan and the meetings (and changing
them), service contacts reading what their consent covers, now and then a refusal. At national scale this
is about 2 million events (about 35 per family). The events of each municipality are sorted by time and
appended to its audit chain with :func:`los.access.audit.append_many` (hashed exactly like
``audit.record``, written with COPY on PostgreSQL), so ``audit_verify`` passes on a fresh demo.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from los.access import audit
from los.access.models import AuditAction, Category, Consent, ConsentMethod
from los.accounts.models import Role, User
from los.core.demo.seed import DemoContext
from los.core.models import ProviderKind
from los.families.models import Child, CoordinatorAssignment, FamilyMember, FamilyStatus

CONSENT_TEXT = (
    "Vi samtykker til at tjenesten kan få og gi opplysninger som trengs for samarbeidet om barnet vårt, i "
    "kategoriene som er krysset av. Samtykket gjelder til og med datoen som står over, og kan trekkes tilbake "
    "når som helst."
)

REASONS = {"barnekoordinator": "the family's barnekoordinator", "service_contact": "consent to the service",
           "caseworker": "coordinating unit of the family's municipality", "guardian": "guardian of the family"}


def seed(ctx: DemoContext) -> None:
    family = ctx.demo_family
    curated: list[dict] = []
    if family is not None:
        people = {u.username: u for u in User.objects.filter(
            username__in=["koordinator", "saksbehandler", "leder", "kontakt.skole", "kontakt.habu", "forelder",
                          "forelder2"])}
        if len(people) == 7:
            providers = {p.kind: p for p in reversed(ctx.providers[family.municipality_id])}
            mother = FamilyMember.objects.filter(family=family, user=people["forelder"]).first()
            _consent_history(ctx, family, providers, mother, people["koordinator"], people["forelder"])
            curated = _access_events(ctx, family, people, providers)
    _history(ctx, curated)


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
    return [_event(at, family.municipality_id, family.pk, user.pk, user.get_full_name() or user.username, role,
                   service, action, object_type, str(family.pk), str(category),
                   REASONS.get(role, "") if action != AuditAction.DENIED else "not visible to the coordinating unit",
                   "", "10.0.0.12", "")
            for at, user, role, service, action, category, object_type in sorted(planned, key=lambda row: row[0])]


def _event(at: datetime, municipality_id: int, family_id: int | None, actor_id: int, actor_name: str, role: str,
           service: str, action: str, object_type: str, object_id: str, category: str, reason: str,
           session_ref: str, ip_address: str | None, path: str) -> dict:
    return {"at": at, "actor_id": actor_id, "actor_name": actor_name[:200], "actor_role": str(role),
            "actor_service": service[:200], "municipality_id": municipality_id, "family_id": family_id,
            "action": str(action), "object_type": object_type, "object_id": object_id, "category": category,
            "allowed": action != AuditAction.DENIED, "reason": reason[:300], "session_ref": session_ref,
            "ip_address": ip_address, "path": path}


# --- three years of access history for every family ------------------------------------------------------

HISTORY_DAYS = 3 * 365
CURATED_DAYS = 61  # the demo family's last two months are the hand-made events above
COORDINATOR_SESSIONS_PER_MONTH = 0.7
CONTACT_SESSIONS_PER_MONTH = 0.17
CASEWORKER_SESSIONS_PER_MONTH = 0.04
# what a barnekoordinator opens (or changes) after the family page in one sitting:
# (action, object type, category, path, weight); object "Plan"/"Meeting"/"Child" use the family's own rows
COORDINATOR_STEPS = [
    (AuditAction.VIEW, "Plan", Category.PLAN, "/plan/familie/{}/", 26),
    (AuditAction.CHANGE, "Plan", Category.PLAN, "/plan/familie/{}/", 9),
    (AuditAction.VIEW, "Meeting", Category.MEETINGS, "/moter/familie/{}/", 18),
    (AuditAction.CHANGE, "Meeting", Category.MEETINGS, "/moter/familie/{}/", 7),
    (AuditAction.VIEW, "Family", Category.SERVICES, "/tjenester/familie/{}/", 16),
    (AuditAction.CHANGE, "Family", Category.SERVICES, "/tjenester/familie/{}/", 5),
    (AuditAction.VIEW, "Child", Category.HEALTH, "/familie/{}/", 6),
    (AuditAction.VIEW, "Family", Category.CONSENTS, "/tilgang/familie/{}/samtykker/", 4),
    (AuditAction.VIEW, "Family", Category.SERVICES, "/los/familie/{}/", 4),
    (AuditAction.EXPORT, "Plan", Category.PLAN, "/plan/familie/{}/", 2),
]
CONTACT_STEPS = [(AuditAction.VIEW, "Plan", Category.PLAN, "/plan/familie/{}/", 45),
                 (AuditAction.VIEW, "Meeting", Category.MEETINGS, "/moter/familie/{}/", 35),
                 (AuditAction.CHANGE, "Plan", Category.PLAN, "/plan/familie/{}/", 12),
                 (AuditAction.VIEW, "Child", Category.HEALTH, "/familie/{}/", 8)]
CASEWORKER_STEPS = [(AuditAction.VIEW, "Request", Category.REFERRAL, "/henvendelser/familie/{}/", 50),
                    (AuditAction.CHANGE, "Request", Category.REFERRAL, "/henvendelser/familie/{}/", 25),
                    (AuditAction.EXPORT, "Request", Category.REFERRAL, "/henvendelser/familie/{}/", 10),
                    (AuditAction.VIEW, "Family", Category.CASE, "/familie/{}/", 15)]
EXTRA_STEPS = [0, 0, 1, 1, 1, 2, 2, 3, 4]


def _steps(table):
    out = []
    for action, object_type, category, path, weight in table:
        out += [(str(action), object_type, str(category), path)] * weight
    return out


class _History:
    """Draws the events of one family at a time; :meth:`flush` writes one municipality's chain."""

    def __init__(self, ctx: DemoContext) -> None:
        from django.utils import translation

        self.ctx, self.rng = ctx, ctx.rng
        self.coordinator_steps = _steps(COORDINATOR_STEPS)
        self.contact_steps = _steps(CONTACT_STEPS)
        self.caseworker_steps = _steps(CASEWORKER_STEPS)
        with translation.override("en"):
            self.labels = {str(c): str(c.label) for c in Category}
        self.names: dict[int, str] = {}
        for group in (*ctx.coordinators.values(), *ctx.caseworkers.values()):
            for user in group:
                self.names[user.pk] = user.get_full_name() or user.username
        self.contacts: dict[int, tuple[int, str]] = {}  # provider id -> (contact user id, provider name)
        for pairs in ctx.contacts.values():
            for user, provider in pairs:
                self.names[user.pk] = user.get_full_name() or user.username
                self.contacts.setdefault(provider.pk, (user.pk, provider.name))
        self.events: list[tuple[datetime, int, dict]] = []

    def ip(self, municipality_id: int, user_id: int) -> str:
        return f"10.{20 + municipality_id % 200}.{(user_id >> 8) & 255}.{user_id & 255}"

    def moment(self, first: date, last: date) -> datetime:
        """A working-day moment between two dates, in UTC (office hours in Norway)."""
        rng = self.rng
        day = first + timedelta(days=int(rng.random() * ((last - first).days + 1)))
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        return datetime.combine(day, time(6), tzinfo=UTC) + timedelta(seconds=int(rng.random() * 33000))

    def session(self, at: datetime, family, actor_id: int, role: str, service: str, reason: str, first, steps,
                extra: int, objects: dict[str, object]) -> None:
        rng, mid, fid = self.rng, family.municipality_id, family.pk
        ref = f"{rng.getrandbits(128):032x}"
        ip, name = self.ip(mid, actor_id), self.names.get(actor_id, "")
        todo = [first] + [steps[int(rng.random() * len(steps))] for _ in range(extra)]
        for action, object_type, category, path in todo:
            object_id = objects.get(object_type)
            if object_id is None:
                object_type, object_id = "Family", fid
            if callable(object_id):
                object_id = object_id(at)
            allowed_reason = reason
            if role == Role.SERVICE_CONTACT and action != AuditAction.DENIED:
                allowed_reason = f"consent to {service} for {self.labels[category]}"
            self.events.append((at, len(self.events), _event(
                at, mid, fid, actor_id, name, role, service, action, object_type, str(object_id), category,
                allowed_reason, ref, ip, path.format(fid))))
            at += timedelta(seconds=20 + int(rng.random() * 240))

    def flush(self, municipality_id: int, curated: list[dict]) -> int:
        events = self.events
        events += [(e["at"], len(events) + i, e) for i, e in enumerate(curated)
                   if e["municipality_id"] == municipality_id]
        events.sort(key=lambda row: (row[0], row[1]))
        written = audit.append_many(str(municipality_id), (e for _at, _i, e in events))
        self.events = []
        return written


def _meeting_picker(starts: list[datetime], ids: list[int]):
    def pick(at: datetime) -> int | None:
        index = bisect_right(starts, at)
        return ids[index - 1] if index else None
    return pick


def _history(ctx: DemoContext, curated: list[dict]) -> int:
    """Up to three years of access events for every family, one chain per municipality."""
    rng, today = ctx.rng, ctx.today
    mids = [m.id for m in ctx.municipalities]
    if not mids:
        return 0
    demo_id = ctx.demo_family.pk if ctx.demo_family is not None else None
    assignments: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for fid, coordinator_id, started, ended in CoordinatorAssignment.objects.filter(
            municipality_id__in=mids).order_by("family_id", "started", "id").values_list(
            "family_id", "coordinator_id", "started", "ended"):
        assignments[fid].append((coordinator_id, started, ended))
    consents: dict[int, list[tuple[int, date, date | None, bool]]] = defaultdict(list)
    for fid, provider_id, categories, valid_from, withdrawn in Consent.objects.filter(
            municipality_id__in=mids, service_provider__isnull=False).order_by("id").values_list(
            "family_id", "service_provider_id", "categories", "valid_from", "withdrawn_at"):
        consents[fid].append((provider_id, valid_from.date(), withdrawn.date() if withdrawn else None,
                              Category.HEALTH in (categories or [])))
    children: dict[int, int] = {}
    for fid, cid in Child.objects.filter(municipality_id__in=mids).order_by("id").values_list("family_id", "id"):
        children.setdefault(fid, cid)
    objects: dict[int, dict[str, object]] = defaultdict(dict)
    for fid, cid in children.items():
        objects[fid]["Child"] = cid
    _optional_ids(objects, mids)

    history = _History(ctx)
    caseworkers = {mid: [u.pk for u in users] for mid, users in ctx.caseworkers.items()}
    earliest = today - timedelta(days=HISTORY_DAYS)
    unit_reason = "coordinating unit of the family's municipality"
    total, current = 0, None
    for family in ctx.families:
        mid = family.municipality_id
        if mid != current:
            if current is not None:
                total += history.flush(current, curated)
            current = mid
        created = max(family.created_at.date(), earliest)
        last = min(family.closed_at.date() if family.closed_at else today, today - timedelta(days=1))
        if family.pk == demo_id:
            last = today - timedelta(days=CURATED_DAYS)
        if last < created:
            continue
        things = objects.get(family.pk, {})
        workers = caseworkers.get(mid) or []
        # the request: read, assessed and decided by a caseworker in the first weeks
        if workers:
            worker = workers[int(rng.random() * len(workers))]
            decided = min(last, created + timedelta(days=45))
            for _ in range(1 + int(rng.random() * 3)):
                history.session(history.moment(created, decided), family, worker, Role.CASEWORKER, "",
                                unit_reason, history.caseworker_steps[0], history.caseworker_steps,
                                EXTRA_STEPS[int(rng.random() * len(EXTRA_STEPS))], things)
            months = (last - created).days / 30.4
            for _ in range(int(months * CASEWORKER_SESSIONS_PER_MONTH + rng.random())):
                first = (str(AuditAction.VIEW), "Family", str(Category.CASE), "/familie/{}/")
                if rng.random() < 0.03:
                    first = (str(AuditAction.DENIED), "WorkingNote", str(Category.WORKING_NOTES), "/familie/{}/")
                history.session(history.moment(created, last), family, worker, Role.CASEWORKER, "",
                                "not visible to the coordinating unit" if first[0] == AuditAction.DENIED
                                else unit_reason, first, history.caseworker_steps, 0, things)
        if family.status not in (FamilyStatus.ACTIVE, FamilyStatus.CLOSED):
            continue
        # the barnekoordinator(s), in turn
        for coordinator_id, started, ended in assignments.get(family.pk, []):
            first, end = max(started, created), min(ended or last, last)
            if end < first:
                continue
            months = (end - first).days / 30.4
            for _ in range(int(months * COORDINATOR_SESSIONS_PER_MONTH + rng.random())):
                history.session(history.moment(first, end), family, coordinator_id, Role.BARNEKOORDINATOR, "",
                                "the family's barnekoordinator",
                                (str(AuditAction.VIEW), "Family", str(Category.CASE), "/familie/{}/"),
                                history.coordinator_steps, EXTRA_STEPS[int(rng.random() * len(EXTRA_STEPS))],
                                things)
        # service contacts, while the family's consent lasts
        for provider_id, valid_from, withdrawn, health in consents.get(family.pk, []):
            contact = history.contacts.get(provider_id)
            if contact is None:
                continue
            first, end = max(valid_from, created), min(withdrawn or last, last)
            if end < first:
                continue
            user_id, service = contact
            months = (end - first).days / 30.4
            for _ in range(int(months * CONTACT_SESSIONS_PER_MONTH + rng.random())):
                step = history.contact_steps[int(rng.random() * len(history.contact_steps))]
                reason = ""
                if step[2] == Category.HEALTH and not health:
                    step = (str(AuditAction.DENIED), *step[1:])
                    reason = f"the consent does not cover {history.labels[Category.HEALTH]}"
                history.session(history.moment(first, end), family, user_id, Role.SERVICE_CONTACT, service,
                                reason, step, history.contact_steps if reason == "" else [],
                                int(rng.random() * 2) if not reason else 0, things)
    if current is not None:
        total += history.flush(current, curated)
    return total


def _optional_ids(objects: dict[int, dict[str, object]], mids: list[int]) -> None:
    """The family's plan, meetings and request, for the events' object ids (when those apps are installed)."""
    from django.apps import apps

    if apps.is_installed("los.plans"):
        from los.plans.models import Plan

        for fid, pid in Plan.objects.filter(municipality_id__in=mids).order_by("id").values_list("family_id", "id"):
            objects[fid].setdefault("Plan", pid)
    if apps.is_installed("los.referrals"):
        from los.referrals.models import Request

        for fid, rid in Request.objects.filter(municipality_id__in=mids).order_by("id").values_list("family_id",
                                                                                                      "id"):
            objects[fid].setdefault("Request", rid)
    if apps.is_installed("los.meetings"):
        from los.meetings.models import Meeting

        starts: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for fid, meeting_id, starts_at in Meeting.objects.filter(municipality_id__in=mids).order_by(
                "family_id", "starts_at", "id").values_list("family_id", "id", "starts_at"):
            starts[fid][0].append(starts_at)
            starts[fid][1].append(meeting_id)
        for fid, (at, ids) in starts.items():
            objects[fid]["Meeting"] = _meeting_picker(at, ids)
