"""Synthetic but realistic demo data, built from the national figures in DOMAIN.md §5.

``build(scale, seed, today)`` creates municipalities by size class, their coordinating units and
service providers, staff with the real mix of dedicated and extra-function barnekoordinators,
professions and caseloads, and families with children, guardians and siblings, three years of
history (requests, coordinator assignments and changes, closed cases) and consents.

Other apps add their own demo data through a ``demo.py`` module with ``seed(ctx)``; see
``APP_SEEDERS``. Everything is deterministic for a given seed and reference date, and written with
bulk inserts so that the national scale stays within minutes.
"""

from __future__ import annotations

import importlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from los.access import audit
from los.access.models import CONSENTABLE_CATEGORIES, Category, Consent, ConsentMethod
from los.accounts import services as account_services
from los.accounts.models import PositionType, Profession, Role, RoleStatus, StaffRole, User
from los.core import fnr
from los.core.demo import names
from los.core.demo.bulk import bulk_insert, foreign_keys_checked_once
from los.core.models import CoordinatingUnit, Municipality, ProviderKind, ProviderLevel, ServiceProvider
from los.families.models import (
    Child,
    ConditionCategory,
    CoordinatorAssignment,
    Family,
    FamilyMember,
    FamilyStatus,
    Setting,
)

OSLO = ZoneInfo("Europe/Oslo")
DEMO_PASSWORD = "los-demo-2026"  # noqa: S105 - demo only, printed on start, refused in production
#: The Sæther parents' synthetic fødselsnummer, fixed so that the README can say what to type in the demo's
#: ID-porten (TestID); and one that nobody in the demo has (a new parent, for the open request form).
DEMO_FODSELSNUMMER = {"forelder": "14058608204", "forelder2": "03098408303"}
DEMO_NEW_PARENT_FODSELSNUMMER = "20029008281"
#: The demo family's child and sibling: (given name, female), and the sibling's age. Every text about the family
#: is filled from the stored rows (``los.core.demo.story``), never from these constants.
DEMO_CHILD = ("Mia", True)
DEMO_SIBLING = (("Even", False), 6)
DEMO_RESPITE_HOUSE = "Solsikken avlastningshus"
NATIONAL_POPULATION = 5_594_340
FAMILIES_PER_INHABITANT = 60_600 / NATIONAL_POPULATION
# Share of municipalities by size class (DOMAIN.md §5) with population ranges.
SIZE_CLASSES = [
    (0.213, 600, 1999), (0.272, 2000, 4999), (0.199, 5000, 9999),
    (0.123, 10000, 19999), (0.131, 20000, 49999), (0.059, 50000, 700000),
]
APP_SEEDERS = ["referrals", "plans", "meetings", "servicemap", "carediary", "navigator", "portal", "access",
               "transitions", "archive", "workday", "survey"]

CONDITION_WEIGHTS = {
    ConditionCategory.PHYSICAL: 18, ConditionCategory.NEUROLOGICAL: 18, ConditionCategory.INTELLECTUAL: 14,
    ConditionCategory.DEVELOPMENTAL: 18, ConditionCategory.AUTISM: 20, ConditionCategory.PSYCHIATRIC: 7,
    ConditionCategory.CHRONIC_SOMATIC: 15, ConditionCategory.HEARING: 4, ConditionCategory.VISION: 3,
    ConditionCategory.RARE_DIAGNOSIS: 8, ConditionCategory.LIFE_LIMITING: 3, ConditionCategory.UNDIAGNOSED: 6,
}
CONDITION_SUMMARIES = {
    "physical": "Cerebral parese, bruker rullestol ute.", "neurological": "Epilepsi med hyppige anfall.",
    "intellectual": "Utviklingshemming, trenger tett oppfølging.", "developmental": "Språkvansker og forsinket motorikk.",
    "autism": "Autismespekterdiagnose, trenger forutsigbarhet.", "psychiatric": "Angst og spiseforstyrrelse.",
    "chronic_somatic": "Medfødt hjertefeil, flere operasjoner.", "hearing": "Hørselshemmet, bruker CI og tegnspråk.",
    "vision": "Sterkt svaksynt.", "rare_diagnosis": "Sjelden diagnose, følges av nasjonalt kompetansesenter.",
    "life_limiting": "Livsbegrensende sykdom, palliativ oppfølging.", "undiagnosed": "Under utredning.",
}
PROFESSIONS = [(Profession.NURSE_SOCIAL_EDUCATOR, 53), (Profession.THERAPIST, 13), (Profession.TEACHER, 14),
               (Profession.CHILD_WELFARE, 12), (Profession.OTHER_HIGHER, 5), (Profession.OTHER, 3)]


@dataclass
class DemoContext:
    """What the core seed built, handed to the app seeders."""

    rng: random.Random
    scale: str
    today: date
    municipalities: list[Municipality] = field(default_factory=list)
    units: dict[int, CoordinatingUnit] = field(default_factory=dict)
    providers: dict[int, list[ServiceProvider]] = field(default_factory=dict)
    coordinators: dict[int, list[User]] = field(default_factory=dict)
    caseworkers: dict[int, list[User]] = field(default_factory=dict)
    contacts: dict[int, list[tuple[User, ServiceProvider]]] = field(default_factory=dict)
    families: list[Family] = field(default_factory=list)
    demo_users: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, description)
    demo_family: Family | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds), for seed_demo -v 2
    _story: object = field(default=None, repr=False)

    def story(self):
        """The demo family's story (``los.core.demo.story.DemoStory``), read once its people are stored."""
        if self._story is None and self.demo_family is not None:
            from los.core.demo.story import read

            self._story = read(self.demo_family, self.today)
        return self._story

    def aware(self, day: date, hour: int = 9) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=OSLO)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _municipality_specs(scale: str, rng: random.Random) -> list[tuple[str, str, int, str]]:
    """(number, name, population, county) per municipality; numbers in the unused 9xxx range."""
    used: set[str] = set()

    def place() -> str:
        while True:
            name = rng.choice(names.PLACE_FIRST) + rng.choice(names.PLACE_LAST)
            if name not in used:
                used.add(name)
                return name

    if scale == "demo":
        return [("9901", "Fjordvik", 12_480, "Vestfylke")]
    if scale == "municipality":
        return [("9902", "Elvestad", 212_300, "Austfylke")]
    specs = []
    counts = [round(share * 357) for share, _lo, _hi in SIZE_CLASSES]
    counts[1] += 357 - sum(counts)
    number = 9000
    for (share, lo, hi), count in zip(SIZE_CLASSES, counts, strict=True):
        del share
        for _ in range(count):
            population = int(math.exp(rng.uniform(math.log(lo), math.log(hi)))) if hi > 100000 else rng.randint(lo, hi)
            number += 1
            specs.append((str(number), place(), population, rng.choice(names.COUNTIES)))
    # scale the largest class so that the total matches Norway's population
    small = sum(p for _n, _m, p, _c in specs if p < 50000)
    big = [i for i, s in enumerate(specs) if s[2] >= 50000]
    factor = (NATIONAL_POPULATION - small) / sum(specs[i][2] for i in big)
    for i in big:
        n, m, p, c = specs[i]
        specs[i] = (n, m, max(50000, int(p * factor)), c)
    return specs


def _mean_caseload(population: int) -> float:
    return 5.0 if population < 10000 else 10.0 if population < 50000 else 17.0


def _dedicated_share(population: int) -> float:
    return 0.15 if population < 5000 else 0.3 if population < 50000 else 0.5


PROVIDER_TEMPLATE = [
    (ProviderKind.ALLOCATION, ProviderLevel.MUNICIPAL, "Tildelingskontoret", 1),
    (ProviderKind.HELSESTASJON, ProviderLevel.MUNICIPAL, "Helsestasjon og skolehelsetjeneste", 1),
    (ProviderKind.KINDERGARTEN, ProviderLevel.MUNICIPAL, "barnehage", 6000),
    (ProviderKind.SCHOOL, ProviderLevel.MUNICIPAL, "skole", 5000),
    (ProviderKind.SFO, ProviderLevel.MUNICIPAL, "SFO", 20000),
    (ProviderKind.PPT, ProviderLevel.MUNICIPAL, "PP-tjenesten", 1),
    (ProviderKind.GP, ProviderLevel.MUNICIPAL, "legesenter", 8000),
    (ProviderKind.PHYSIOTHERAPY, ProviderLevel.MUNICIPAL, "Fysioterapitjenesten for barn", 1),
    (ProviderKind.OCCUPATIONAL_THERAPY, ProviderLevel.MUNICIPAL, "Ergoterapitjenesten", 1),
    (ProviderKind.AVLASTNING, ProviderLevel.MUNICIPAL, "avlastningsbolig", 25000),
    (ProviderKind.HOME_CARE, ProviderLevel.MUNICIPAL, "Hjemmetjenesten", 30000),
    (ProviderKind.BARNEVERN, ProviderLevel.MUNICIPAL, "Barnevernstjenesten", 1),
    (ProviderKind.NAV, ProviderLevel.STATE, "NAV", 1),
    (ProviderKind.HABU, ProviderLevel.SPECIALIST, "Habiliteringstjenesten for barn og unge (HABU)", 1),
    (ProviderKind.BUP, ProviderLevel.SPECIALIST, "Barne- og ungdomspsykiatrisk poliklinikk (BUP)", 1),
    (ProviderKind.HOSPITAL, ProviderLevel.SPECIALIST, "Barneavdelingen, sykehuset", 1),
]


def _providers_for(m: Municipality, rng: random.Random) -> list[ServiceProvider]:
    rows = []
    for kind, level, label, per in PROVIDER_TEMPLATE:
        count = 1 if per == 1 else max(1, min(12, m.population // per))
        for i in range(count):
            if per == 1:
                name = f"{label} {m.name}" if level != ProviderLevel.SPECIALIST else f"{label}, {m.county}"
            else:
                name = f"{rng.choice(names.PLACE_FIRST)}{rng.choice(names.PLACE_LAST)} {label}"
                if kind == ProviderKind.SFO:
                    name = f"SFO {rng.choice(names.PLACE_FIRST)}{rng.choice(names.PLACE_LAST)} skole"
            rows.append(ServiceProvider(municipality=m, name=name if i == 0 or per == 1 else name, kind=kind,
                                        level=level, phone=f"{rng.randint(20000000, 79999999)}",
                                        email=f"post.{kind}@{m.name.lower()}.kommune.example"))
    return rows


def _person_name(rng: random.Random, female: bool | None = None) -> tuple[str, str, bool]:
    female = rng.random() < 0.5 if female is None else female
    return rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE), rng.choice(names.FAMILY), female


def _share_for_extra_function(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.5:
        return rng.randint(1, 4)
    if roll < 0.85:
        return rng.randint(5, 29)
    return rng.randint(30, 50)


class _UserFactory:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: list[User] = []
        self.taken: set[str] = set()
        self.unusable = make_password(None)

    def add(self, given: str, family: str, municipality: Municipality) -> User:
        base = f"{given}.{family}.{municipality.number}".lower().replace(" ", "")
        username, n = base, 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        user = User(username=username, first_name=given, last_name=family, password=self.unusable,
                    email=f"{username}@{municipality.name.lower()}.kommune.example",
                    phone=f"{self.rng.randint(40000000, 49999999)}")
        self.rows.append(user)
        return user


def _setting_for(age: int, rng: random.Random) -> str:
    if age < 1:
        return Setting.HOME
    if age <= 5:
        return Setting.KINDERGARTEN if rng.random() < 0.9 else Setting.HOME
    if age <= 12:
        return Setting.PRIMARY
    if age <= 15:
        return Setting.LOWER_SECONDARY
    return Setting.UPPER_SECONDARY if rng.random() < 0.9 else Setting.NONE


def _birth_date_for_age(today: date, age: int, rng: random.Random) -> date:
    return today - timedelta(days=age * 365 + rng.randint(0, 364))


@transaction.atomic
def build(scale: str = "demo", seed: int = 1, today: date | None = None, log=None) -> DemoContext:
    """Build the demo data; ``log(step, seconds)`` (optional) is called after the core data and each app."""
    with foreign_keys_checked_once():
        ctx = _build(scale, seed, today, log)
        started = perf_counter()
    ctx.timings.append(("foreign keys", perf_counter() - started))
    if log:
        log(*ctx.timings[-1])
    if connection.vendor == "postgresql":
        # fresh planner statistics for what was just loaded (also rows of this transaction): without them
        # PostgreSQL plans the first queries for the tables as they were, which for a table it last saw empty
        # means nested loops over every row
        started = perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        ctx.timings.append(("planner statistics", perf_counter() - started))
        if log:
            log(*ctx.timings[-1])
    return ctx


def _build(scale: str, seed: int, today: date | None, log) -> DemoContext:
    started = perf_counter()
    rng = random.Random(seed)
    ctx = DemoContext(rng=rng, scale=scale, today=today or date.today())
    today = ctx.today

    specs = _municipality_specs(scale, rng)
    municipalities = bulk_insert(Municipality,
        [Municipality(number=n, name=name, population=p, county=c,
                      default_language="nn" if rng.random() < 0.25 else "nb") for n, name, p, c in specs]
    )
    ctx.municipalities = municipalities
    units = bulk_insert(CoordinatingUnit,
        [CoordinatingUnit(municipality=m, name=f"Koordinerende enhet, {m.name} kommune",
                          placement=f"Tildelingskontoret, {m.name}",
                          email=f"ke@{m.name.lower()}.kommune.example", phone=f"{rng.randint(20000000, 79999999)}")
         for m in municipalities]
    )
    ctx.units = {u.municipality_id: u for u in units}
    provider_rows: list[ServiceProvider] = []
    for m in municipalities:
        provider_rows.extend(_providers_for(m, rng))
    for row in provider_rows:  # the demo municipality's respite house, as its local navigator entry names it
        if row.municipality is municipalities[0] and row.kind == ProviderKind.AVLASTNING:
            row.name = DEMO_RESPITE_HOUSE
            break
    for p in bulk_insert(ServiceProvider, provider_rows, batch_size=2000):
        ctx.providers.setdefault(p.municipality_id, []).append(p)

    # --- staff ---------------------------------------------------------------------------------
    users = _UserFactory(rng)
    role_rows: list[tuple[User, dict]] = []
    family_targets: dict[int, int] = {}
    capacity: dict[int, list[tuple[User, float]]] = {}
    for m in municipalities:
        n_families = max(3, round(m.population * FAMILIES_PER_INHABITANT))
        family_targets[m.id] = n_families
        active_target = n_families * 0.72
        n_coord = max(1, round(active_target / _mean_caseload(m.population)))
        unit = ctx.units[m.id]
        for _ in range(n_coord):
            given, fam, _f = _person_name(rng, female=rng.random() < 0.95)
            u = users.add(given, fam, m)
            dedicated = rng.random() < _dedicated_share(m.population)
            share = rng.randint(50, 100) if dedicated else _share_for_extra_function(rng)
            role_rows.append((u, dict(municipality=m, role=Role.BARNEKOORDINATOR, coordinating_unit=unit,
                                      position_type=PositionType.DEDICATED if dedicated else PositionType.EXTRA_FUNCTION,
                                      position_share=share, profession=_weighted(rng, PROFESSIONS),
                                      title="Barnekoordinator" if dedicated else rng.choice(
                                          ["Helsesykepleier", "Ergoterapeut", "Spesialpedagog", "Vernepleier",
                                           "Fysioterapeut", "Sosionom"]),
                                      started=today - timedelta(days=rng.randint(60, 1500)))))
            weight = rng.lognormvariate(math.log(18), 0.5) if dedicated else rng.lognormvariate(math.log(4), 0.6)
            capacity.setdefault(m.id, []).append((u, weight))
            ctx.coordinators.setdefault(m.id, []).append(u)
        for role, count in ((Role.CASEWORKER, max(1, m.population // 15000)), (Role.UNIT_LEADER, 1),
                            (Role.MUNICIPAL_LEADER, 1)):
            for _ in range(count):
                given, fam, _f = _person_name(rng)
                u = users.add(given, fam, m)
                role_rows.append((u, dict(municipality=m, role=role, coordinating_unit=unit,
                                          title={"caseworker": "Saksbehandler", "unit_leader": "Leder, koordinerende enhet",
                                                 "municipal_leader": "Kommunalsjef helse og omsorg"}[role])))
                if role == Role.CASEWORKER:
                    ctx.caseworkers.setdefault(m.id, []).append(u)
        for provider in ctx.providers[m.id]:
            for _ in range(1 if rng.random() < 0.7 else 2):
                given, fam, _f = _person_name(rng)
                u = users.add(given, fam, m)
                role_rows.append((u, dict(municipality=m, role=Role.SERVICE_CONTACT, service_provider=provider,
                                          title=f"Kontaktperson, {provider.get_kind_display()}")))
                ctx.contacts.setdefault(m.id, []).append((u, provider))

    demo_m = municipalities[0]
    demo_people = _demo_staff(ctx, users, role_rows, demo_m)
    capacity[demo_m.id][:0] = [(demo_people["koordinator"], 14.0), (demo_people["koordinator2"], 3.0)]
    bulk_insert(User, users.rows, batch_size=2000)
    _approved_roles(ctx, role_rows, demo_people["admin"])

    # --- families ------------------------------------------------------------------------------
    _build_families(ctx, family_targets, capacity, demo_people)
    ctx.timings.append(("core", perf_counter() - started))
    if log:
        log(*ctx.timings[-1])
    for app in APP_SEEDERS:
        step = perf_counter()
        importlib.import_module(f"los.{app}.demo").seed(ctx)
        ctx.timings.append((app, perf_counter() - step))
        if log:
            log(*ctx.timings[-1])
    return ctx


def _approved_roles(ctx: DemoContext, role_rows, admin: User) -> None:
    """The demo's roles, in force as if requested and then approved by the demo's system administrator (four
    eyes: ``los.accounts.services``), each approval in the audit chain of the role's municipality (one bulk
    append per municipality, before the access history). The administrator's own role is the installation's
    first, which nobody approved."""
    at = ctx.aware(ctx.today - timedelta(days=1600))
    roles = [StaffRole(user=u, **kw, active=True, status=RoleStatus.APPROVED, requested_at=at, decided_at=at,
                       decided_by=admin if u is not admin else None) for u, kw in role_rows]
    bulk_insert(StaffRole, roles, batch_size=2000)
    for chain, events in account_services.demo_role_events(roles, admin, at).items():
        audit.append_many(chain, events)


def _demo_staff(ctx: DemoContext, users: _UserFactory, role_rows, m: Municipality) -> dict[str, User]:
    """Named log-ins for each role in the first municipality, with a known demo password."""
    pw = make_password(DEMO_PASSWORD)
    unit = ctx.units[m.id]
    providers: dict[str, ServiceProvider] = {}
    for p in ctx.providers[m.id]:
        providers.setdefault(p.kind, p)  # the same (first) provider of each kind as the demo family's consents
    people: dict[str, User] = {}

    def person(username, given, family, description, **role):
        user = User(username=username, first_name=given, last_name=family, password=pw,
                    email=f"{username}@{m.name.lower()}.kommune.example", phone="99 88 77 66")
        users.rows.append(user)
        users.taken.add(username)
        if role:
            role_rows.append((user, {"municipality": m, "coordinating_unit": unit, **role}))
        ctx.demo_users.append((str(role.get("role", "family")), username, description))
        people[username] = user
        return user

    bk = person("koordinator", "Hanne", "Vestby", "Barnekoordinator, dedicated position (80 %)",
                role=Role.BARNEKOORDINATOR, position_type=PositionType.DEDICATED, position_share=80,
                profession=Profession.NURSE_SOCIAL_EDUCATOR, title="Barnekoordinator",
                started=ctx.today - timedelta(days=900))
    bk2 = person("koordinator2", "Sigrid", "Aalvik", "Barnekoordinator as an extra function (4 %), physiotherapist; "
                 "co-coordinator on the Sæther family",
                 role=Role.BARNEKOORDINATOR, position_type=PositionType.EXTRA_FUNCTION, position_share=4,
                 profession=Profession.THERAPIST, title="Fysioterapeut", started=ctx.today - timedelta(days=400))
    ctx.coordinators[m.id][:0] = [bk, bk2]
    person("saksbehandler", "Petter", "Lindahl", "Caseworker in the coordinating unit", role=Role.CASEWORKER,
           title="Saksbehandler")
    person("leder", "Mona", "Skaret", "Leader of the coordinating unit", role=Role.UNIT_LEADER,
           title="Leder, koordinerende enhet")
    person("kommunalsjef", "Rune", "Haldorsen", "Municipal leader (statistics only)", role=Role.MUNICIPAL_LEADER,
           title="Kommunalsjef")
    contact_school = person("kontakt.skole", "Tuva", "Brenden", "Service contact, school (under consent)",
                            role=Role.SERVICE_CONTACT, service_provider=providers[ProviderKind.SCHOOL],
                            coordinating_unit=None, title="Kontaktlærer")
    contact_habu = person("kontakt.habu", "Arne", "Kvamme", "Service contact, HABU (under consent)",
                          role=Role.SERVICE_CONTACT, service_provider=providers[ProviderKind.HABU],
                          coordinating_unit=None, title="Psykolog, HABU")
    ctx.contacts[m.id][:0] = [(contact_school, providers[ProviderKind.SCHOOL]),
                              (contact_habu, providers[ProviderKind.HABU])]
    admin = person("admin", "Sys", "Admin", "System administrator (no family data)", role=Role.SYSTEM_ADMIN,
                   title="Systemforvalter")
    admin.is_staff = True
    admin.is_superuser = True
    people["forelder"] = User(username="forelder", first_name="Linnea", last_name="Sæther", password=pw,
                              email="forelder@familie.example", phone="91 23 45 67")
    people["forelder2"] = User(username="forelder2", first_name="Jonas", last_name="Sæther", password=pw,
                               email="forelder2@familie.example", phone="92 34 56 78")
    users.rows.extend([people["forelder"], people["forelder2"]])
    users.taken.update({"forelder", "forelder2"})
    ctx.demo_users.append(("family", "forelder", "Mother in the Sæther family (guardian)"))
    ctx.demo_users.append(("family", "forelder2", "Father in the Sæther family, lives apart (guardian)"))
    return people


def _build_families(ctx: DemoContext, targets: dict[int, int], capacity, demo_people: dict[str, User]) -> None:
    rng, today = ctx.rng, ctx.today
    cats, weights = zip(*CONDITION_WEIGHTS.items(), strict=True)
    families: list[Family] = []
    plans: list[dict] = []
    for m in ctx.municipalities:
        coordinators = capacity[m.id]
        for i in range(targets[m.id]):
            created = today - timedelta(days=int(rng.triangular(0, 3 * 365, 200)))
            if not families:
                created = today - timedelta(days=900)  # the demo family has almost three years of history
            roll = rng.random()
            if roll < 0.04:
                status = FamilyStatus.REQUESTED
            elif roll < 0.07:
                status = FamilyStatus.WAITING
            elif roll < 0.12:
                status = FamilyStatus.REFUSED
            elif roll < 0.28 and (today - created).days > 250:
                status = FamilyStatus.CLOSED
            else:
                status = FamilyStatus.ACTIVE
            if status == FamilyStatus.REQUESTED:
                created = today - timedelta(days=rng.randint(0, 45))
            surname = rng.choice(names.FAMILY)
            language = m.default_language or "nb"
            interpreter = ""
            if rng.random() < 0.07:
                language, interpreter = "en", rng.choice(["arabisk", "somali", "polsk", "ukrainsk", "tigrinja", "dari"])
            families.append(Family(municipality=m, reference=f"{created.year}/{i + 1:05d}",
                                   display_name=f"Familien {surname}", status=status, preferred_language=language,
                                   needs_interpreter=bool(interpreter) and rng.random() < 0.7,
                                   interpreter_language=interpreter, created_at=ctx.aware(created),
                                   closed_at=ctx.aware(min(created + timedelta(days=rng.randint(200, 700)),
                                                           today - timedelta(days=rng.randint(1, 60))))
                                   if status == FamilyStatus.CLOSED else None))
            plans.append({"m": m, "surname": surname, "created": created, "coordinators": coordinators})
    # the demo family comes first in the first municipality
    demo = families[0]
    demo.display_name, demo.status, demo.preferred_language = "Familien Sæther", FamilyStatus.ACTIVE, "nb"
    demo.needs_interpreter, demo.interpreter_language = False, ""
    demo.closed_at = None
    plans[0]["surname"] = "Sæther"
    bulk_insert(Family, families, batch_size=2000)
    ctx.families = families
    ctx.demo_family = demo

    children: list[Child] = []
    members: list[FamilyMember] = []
    assignments: list[CoordinatorAssignment] = []
    consents: list[Consent] = []
    for index, (family, plan) in enumerate(zip(families, plans, strict=True)):
        m, surname = plan["m"], plan["surname"]
        age = rng.choice(range(0, 18)) if rng.random() > 0.01 else -1
        if index == 0:
            age = 9
        given, _fam, female = _person_name(rng)
        if age >= 0:
            birth = _birth_date_for_age(today, age, rng)
            number = fnr.generate(birth, rng, sex="F" if female else "M")
            expected = None
        else:
            birth, number, expected = None, "", today + timedelta(days=rng.randint(20, 200))
        n_cats = _weighted(rng, [(1, 55), (2, 35), (3, 10)])
        categories = sorted(set(rng.choices(cats, weights=weights, k=n_cats)))
        if index == 0:
            (given, female), categories = DEMO_CHILD, ["physical", "neurological"]
        child = Child(family=family, municipality=m, given_name=given, family_name=surname, fodselsnummer=number,
                      birth_date=birth, expected_birth_date=expected, condition_categories=categories,
                      condition_summary=CONDITION_SUMMARIES[categories[0]],
                      setting=_setting_for(max(age, 0), rng) if age >= 0 else Setting.HOME)
        children.append(child)
        members.extend(_members_for(ctx, family, m, surname, age, index == 0, demo_people))
        # coordinator history
        if family.status in (FamilyStatus.ACTIVE, FamilyStatus.CLOSED):
            start = plan["created"] + timedelta(days=rng.randint(14, 70))
            start = min(start, today)
            pool = plan["coordinators"]
            coordinator = demo_people["koordinator"] if index == 0 else rng.choices([u for u, _w in pool],
                                                                      weights=[w for _u, w in pool])[0]
            end = family.closed_at.date() if family.closed_at else None
            horizon = end or today
            if rng.random() < 0.18 and (horizon - start).days > 200:
                change = start + timedelta(days=rng.randint(90, (horizon - start).days - 30))
                other = rng.choice(pool)[0]
                if other != coordinator:
                    assignments.append(CoordinatorAssignment(family=family, municipality=m, coordinator=other,
                                                             started=start, ended=change,
                                                             end_reason="Bytte av barnekoordinator (ny jobb)"))
                    start = change
            assignments.append(CoordinatorAssignment(family=family, municipality=m, coordinator=coordinator,
                                                     started=start, ended=end,
                                                     end_reason="Avsluttet etter familiens ønske" if end else ""))
        if family.status == FamilyStatus.ACTIVE:
            consents.extend(_consents_for(ctx, family, m, child, index == 0))
    bulk_insert(Child, children, batch_size=2000)
    bulk_insert(FamilyMember, members, batch_size=2000)
    bulk_insert(CoordinatorAssignment, assignments, batch_size=2000)
    # consents reference members that now have ids
    guardians = {}
    for member in members:
        if member.may_consent and member.family_id not in guardians:
            guardians[member.family_id] = member
    for consent in consents:
        consent.given_by_member = guardians.get(consent.family_id)
    bulk_insert(Consent, consents, batch_size=2000)


def _members_for(ctx, family, m, surname, age, is_demo, demo_people) -> list[FamilyMember]:
    rng = ctx.rng
    out = []
    shape = _weighted(rng, [("together", 60), ("apart", 22), ("single", 12), ("foster", 6)])
    if is_demo:
        shape = "apart"
    parent_age = max(age, 0) + rng.randint(24, 40)

    def parent(relation, female, **kw):
        given, fam, _ = _person_name(rng, female=female)
        birth = _birth_date_for_age(ctx.today, parent_age + rng.randint(-3, 3), rng)
        return FamilyMember(family=family, municipality=m, relation=relation, given_name=given,
                            family_name=surname if rng.random() < 0.7 else fam, birth_date=birth,
                            fodselsnummer=fnr.generate(birth, rng, sex="F" if female else "M"),
                            phone=f"{rng.randint(40000000, 99999999)}",
                            email=f"{given.lower()}.{surname.lower()}@epost.example", **kw)

    if shape == "together":
        out += [parent("mother", True, parental_responsibility=True, daily_care=True, may_consent=True),
                parent("father", False, parental_responsibility=True, daily_care=True, may_consent=True)]
    elif shape == "apart":
        out += [parent("mother", True, parental_responsibility=True, daily_care=True, may_consent=True),
                parent("father", False, parental_responsibility=True, daily_care=False, may_consent=True,
                       lives_with_child=False, address="Annen adresse")]
    elif shape == "single":
        out += [parent("mother" if rng.random() < 0.8 else "father", rng.random() < 0.8,
                       parental_responsibility=True, daily_care=True, may_consent=True)]
    else:
        out += [parent("foster_parent", True, parental_responsibility=False, daily_care=True, may_consent=False),
                parent("foster_parent", False, parental_responsibility=False, daily_care=True, may_consent=False),
                parent("mother", True, parental_responsibility=True, daily_care=False, may_consent=True,
                       lives_with_child=False)]
    if is_demo:
        for member, key in zip(out, ("forelder", "forelder2"), strict=True):
            user = demo_people[key]
            member.user, member.given_name, member.family_name = user, user.first_name, user.last_name
            member.email = user.email
            member.fodselsnummer = DEMO_FODSELSNUMMER[key]
            member.birth_date = fnr.birth_date_of(member.fodselsnummer)
    n_sib = _weighted(rng, [(0, 25), (1, 40), (2, 25), (3, 10)])
    if is_demo:
        n_sib = 1
    for _ in range(n_sib):
        sib_age = max(0, min(25, max(age, 0) + rng.randint(-6, 6)))
        given, _fam, female = _person_name(rng)
        if is_demo:  # the demo family's story: the child's little brother (DEMO_SIBLING)
            (given, female), sib_age = DEMO_SIBLING
        birth = _birth_date_for_age(ctx.today, sib_age, rng)
        out.append(FamilyMember(family=family, municipality=m, relation="sibling", given_name=given,
                                family_name=surname, birth_date=birth,
                                fodselsnummer=fnr.generate(birth, rng, sex="F" if female else "M"),
                                needs=rng.choice(["", "", "Trenger noen å snakke med om søsteren/broren sin.",
                                                  "Ønsker søskengruppe.", "Blir ofte stående i skyggen."])))
        if is_demo:
            out[-1].needs = ""  # written by the portal's demo, from the family's story
    return out


def _consents_for(ctx, family, m, child, is_demo) -> list[Consent]:
    rng = ctx.rng
    providers = ctx.providers[m.id]
    by_kind: dict[str, list[ServiceProvider]] = {}
    for p in providers:
        by_kind.setdefault(p.kind, []).append(p)
    wanted = ["helsestasjon"]
    wanted += {"kindergarten": ["kindergarten", "ppt"], "primary_school": ["school", "ppt", "sfo"],
               "lower_secondary": ["school", "ppt"], "upper_secondary": ["school"]}.get(child.setting, [])
    if set(child.condition_categories) & {"physical", "neurological", "intellectual", "rare_diagnosis"}:
        wanted += ["habu", "physiotherapy"]
    if set(child.condition_categories) & {"autism", "psychiatric"}:
        wanted += ["bup"]
    if rng.random() < 0.3:
        wanted += ["avlastning"]
    if is_demo:
        wanted = ["school", "habu", "ppt", "physiotherapy", "helsestasjon"]
    start = family.created_at + timedelta(days=30)
    out = []
    for kind in dict.fromkeys(wanted):
        if kind not in by_kind:
            continue
        provider = rng.choice(by_kind[kind]) if not is_demo else by_kind[kind][0]
        categories = [Category.CASE, Category.CONTACT, Category.PLAN, Category.MEETINGS]
        if kind in ("habu", "bup", "helsestasjon", "physiotherapy"):
            categories.append(Category.HEALTH)
        if is_demo or rng.random() < 0.5:
            categories.append(Category.SERVICES)
        withdrawn = None
        if rng.random() < 0.04 and not is_demo:
            withdrawn = start + timedelta(days=rng.randint(10, 200))
        out.append(Consent(
            family=family, municipality=m, service_provider=provider,
            categories=[str(c) for c in categories if c in CONSENTABLE_CATEGORIES],
            purpose="Samarbeid i ansvarsgruppen og om individuell plan",
            valid_from=start, valid_to=start + timedelta(days=3 * 365), method=rng.choice(list(ConsentMethod)),
            text_shown=("Vi samtykker til at tjenesten kan få og gi opplysninger som trengs for samarbeidet om "
                        "barnet vårt, i kategoriene som er krysset av. Samtykket kan trekkes tilbake når som helst."),
            created_at=start, withdrawn_at=withdrawn,
        ))
    return out
