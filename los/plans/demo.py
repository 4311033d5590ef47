"""Demo data for individual plans: living plans for most active families, and a rich plan for the demo
family (Familien Sæther: a girl with cerebral palsy and epilepsy; school, HABU, PPT and physiotherapy), whose
texts are filled from the family's own records (``los.core.demo.story``).

Goals are written in the family's own words in bokmål; measures are owned by the municipality's service
contacts (only services the family's consent lets see the plan) or the barnekoordinator; some are
overdue, some evaluations were missed. Every plan has a first version and its current version as
snapshots, so that "the plan as it was" and the differences can be shown. Everything is drawn with
``ctx.rng`` and written with ``bulk_create``: no per-row saves in loops over families.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from los.access.models import Category, Consent, ConsentMethod
from los.accounts.models import User
from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.core.demo.story import long_date
from los.core.models import ProviderKind, ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember, FamilyStatus
from los.plans import versioning
from los.plans.models import (
    ContactChannel,
    ContactFrequency,
    Evaluation,
    EvaluationDate,
    EvaluationResult,
    ExpectationClarification,
    Goal,
    Measure,
    MeasureComment,
    MeasureStatus,
    Need,
    Participant,
    ParticipantKind,
    Plan,
    PlanApproval,
    PlanChange,
    PlanVersion,
    Resource,
    Whose,
)

#: The demo child's class trip is about a month ahead of the build's day (a school day).
TRIP_IN_DAYS = 30
PLAN_SHARE = 0.85  # share of active families with a coordinator that have a plan

# (text, category) – {n} is the child's name, {s} a sibling's. The family's own words.
CHILD_GOALS_SMALL = [
    ("At {n} skal få være med på leken i barnehagen sammen med de andre barna.", "friends"),
    ("At {n} sover bedre om natta, så hele familien får hvile.", "rest"),
    ("At {n} kan vise oss hva hun eller han vil, med tegn og bilder.", "communication"),
    ("At {n} får en trygg start i barnehagen med faste voksne.", "school"),
    ("Færre sykehusinnleggelser i vinter.", "health"),
]
CHILD_GOALS_SCHOOL = [
    ("Jeg vil ha en venn å være med i friminuttet.", "friends"),
    ("Jeg vil være med på fotballtreninga på tirsdager.", "friends"),
    ("Jeg vil klare leksene uten at mamma må sitte ved siden av hele tiden.", "school"),
    ("Jeg vil kunne gå på do selv på skolen.", "everyday"),
    ("Jeg vil ikke være så sliten når jeg kommer hjem fra skolen.", "health"),
    ("Jeg vil si fra selv når noe er vanskelig.", "communication"),
]
CHILD_GOALS_TEEN = [
    ("Jeg vil kunne ta bussen alene til skolen.", "mobility"),
    ("Jeg vil bestemme mer selv over behandlingen min.", "health"),
    ("Jeg vil vite hva som skjer når jeg blir 18 og barnekoordinatoren slutter.", "transition"),
    ("Jeg vil ha en plan for hva jeg skal gjøre etter videregående.", "transition"),
    ("Jeg vil ha noen å være med i helgene.", "friends"),
]
PARENT_GOALS = [
    ("Vi vil slippe å fortelle historien vår på nytt til hver ny person.", "everyday"),
    ("Vi trenger å vite hvem vi skal ringe når noe skjer.", "everyday"),
    ("Vi vil kunne jobbe fullt igjen, i hvert fall en av oss.", "economy"),
    ("Vi trenger å sove en hel natt minst to ganger i uka.", "rest"),
    ("Vi vil ha oversikt over hva vi har rett på og hva vi har søkt om.", "economy"),
]
SIBLING_GOALS = [
    ("{s} vil ha tid alene med mamma og pappa iblant.", "rest"),
    ("{s} trenger noen å snakke med om hvordan det er å være søsken.", "friends"),
]
RESOURCES = [
    ("Besteforeldre i nærheten som stiller opp i helgene.", Whose.FAMILY),
    ("Vi er gode til å se hva {n} trenger, og kjenner signalene.", Whose.PARENT),
    ("{n} er nysgjerrig, glad i musikk og gir ikke opp.", Whose.CHILD),
    ("God kontakt med kontaktlærer.", Whose.FAMILY),
    ("En fast venn fra nabolaget.", Whose.CHILD),
    ("Arbeidsgiver er fleksibel med fravær.", Whose.PARENT),
]
NEEDS = [
    ("Avlastning, særlig om natta.", Whose.FAMILY),
    ("Én person å forholde seg til i kommunen.", Whose.FAMILY),
    ("Hjelp med søknader til NAV.", Whose.PARENT),
    ("Tilrettelegging i overgangene på skolen.", Whose.CHILD),
    ("Noen å snakke med for søsken.", Whose.SIBLING),
    ("Oversikt over hjelpemidler og hvem som har ansvar for dem.", Whose.FAMILY),
]
MEASURES_BY_KIND = {
    ProviderKind.SCHOOL: ["Tilrettelagt undervisning etter individuell opplæringsplan",
                          "Voksen tilstede i friminutt og overganger", "Fast samtale med kontaktlærer hver måned"],
    ProviderKind.KINDERGARTEN: ["Ekstra voksen i barnegruppa (spesialpedagogisk hjelp)",
                                "Plan for hvile i løpet av barnehagedagen"],
    ProviderKind.PPT: ["Sakkyndig vurdering av behov for spesialundervisning", "Veiledning til personalet"],
    ProviderKind.HELSESTASJON: ["Helsesykepleier følger opp vekst og ernæring", "Søskengruppe på helsestasjonen"],
    ProviderKind.PHYSIOTHERAPY: ["Fysioterapi to ganger i uka", "Utprøving av nye hjelpemidler"],
    ProviderKind.OCCUPATIONAL_THERAPY: ["Vurdering av tilpasning av boligen"],
    ProviderKind.HABU: ["Utredning og veiledning fra HABU", "Foreldrekurs om diagnosen"],
    ProviderKind.BUP: ["Samtaler hos BUP annenhver uke", "Foreldreveiledning"],
    ProviderKind.AVLASTNING: ["Avlastning én helg i måneden"],
    ProviderKind.SFO: ["Tilrettelagt SFO-tilbud med fast voksen"],
}
COORDINATOR_MEASURES = ["Kalle inn til ansvarsgruppemøte og sende referat", "Hjelpe familien med søknad om omsorgsstønad",
                        "Lage oversikt over tjenester, vedtak og frister", "Søke om avlastning sammen med familien"]
FAMILY_VIEWS = ["Det går bedre, men vi er ikke helt i mål.", "Vi merker stor forskjell.",
                "Det har stått stille i perioden.", "Fint, men vi vil fortsette.", ""]
NEXT_PERIOD = ["Fortsette som nå.", "Justere tiltaket og prøve igjen i tre måneder.", "Avslutte, målet er nådd.",
               "Be skolen om ny plan for overgangene."]
WILL_DO = ("Ha oversikt over tjenestene og vedtakene, kalle inn til ansvarsgruppemøter, følge opp at tiltakene i "
           "planen blir gjort, og gi dere informasjon om rettigheter og hvor dere kan søke.")
WILL_NOT_DO = ("Bestemme over tjenestenes faglige vurderinger eller budsjett, og fylle ut søknader til NAV for "
               "dere.")
INSTEAD = "NAV-kontoret hjelper med søknadene; tjenestene selv har ansvar for sine vedtak."
AUTHORITY = ("Barnekoordinatoren kan kreve at tjenestene samarbeider og kalle inn til fagmøte uten familien når "
             "familien har samtykket. Kan ikke fatte vedtak om tjenester.")
CONTACT_NOTES = ["Helst etter kl. 15.", "Ring mor først.", "Bruk tolk på møter.", "SMS før hjemmebesøk.", ""]


@dataclass
class _Built:
    """Everything built for one plan, kept for the snapshots."""

    plan: Plan
    goals: list[Goal] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    occasions: list[EvaluationDate] = field(default_factory=list)
    results: list[Evaluation] = field(default_factory=list)
    clarification: ExpectationClarification | None = None
    last_change: date | None = None
    coordinator: User | None = None


def _part(plan: Plan, **kwargs) -> dict:
    return {"plan": plan, "family_id": plan.family_id, "municipality_id": plan.municipality_id, **kwargs}


def seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    active = [f for f in ctx.families if f.status == FamilyStatus.ACTIVE]
    if not active:
        return
    ids = [f.pk for f in active]
    assignments = {a.family_id: a for a in CoordinatorAssignment.objects.filter(
        family_id__in=ids, started__lte=today).filter(Q(ended__isnull=True) | Q(ended__gt=today)).order_by(
        "family_id", "started", "id")}
    users: dict[int, User] = {}
    for coordinators in ctx.coordinators.values():
        users.update({u.pk: u for u in coordinators})
    contacts_by_provider: dict[int, list[User]] = {}
    for pairs in ctx.contacts.values():
        for user, provider in pairs:
            users[user.pk] = user
            contacts_by_provider.setdefault(provider.pk, []).append(user)
    providers: dict[int, ServiceProvider] = {p.pk: p for ps in ctx.providers.values() for p in ps}
    allocation = {p.municipality_id: p for p in providers.values() if p.kind == ProviderKind.ALLOCATION}
    plan_providers: dict[int, list[ServiceProvider]] = {}
    for family_id, provider_id, categories in Consent.objects.filter(
            family_id__in=ids, withdrawn_at__isnull=True, service_provider__isnull=False).order_by("id").values_list(
            "family_id", "service_provider_id", "categories"):
        if Category.PLAN.value in (categories or []) and provider_id in providers:
            plan_providers.setdefault(family_id, []).append(providers[provider_id])
    children: dict[int, list[Child]] = {}
    for child in Child.objects.filter(family_id__in=ids).order_by("id").only(
            "id", "family_id", "given_name", "family_name", "birth_date", "condition_categories"):
        children.setdefault(child.family_id, []).append(child)
    members: dict[int, list[FamilyMember]] = {}
    for member in FamilyMember.objects.filter(family_id__in=ids).order_by("id").only(
            "id", "family_id", "given_name", "family_name", "relation", "may_consent", "parental_responsibility",
            "daily_care", "user_id"):
        members.setdefault(member.family_id, []).append(member)

    demo = ctx.demo_family
    built: list[_Built] = []
    for family in active:
        assignment = assignments.get(family.pk)
        if assignment is None or not children.get(family.pk):
            continue
        is_demo = demo is not None and family.pk == demo.pk
        if not is_demo and rng.random() > PLAN_SHARE:
            continue
        coordinator = users.get(assignment.coordinator_id)
        if coordinator is None:
            continue
        built.append(_draw_plan(ctx, family, assignment.started, coordinator, children[family.pk],
                                members.get(family.pk, []), plan_providers.get(family.pk, []), contacts_by_provider,
                                allocation.get(family.municipality_id), is_demo))
    for b in built:  # the number of versions and the last change are known before anything is saved
        is_demo = demo is not None and b.plan.family_id == demo.pk
        b.plan.revision = 6 if is_demo else 2
        b.plan.updated_at = _last_change_at(ctx, b, is_demo)
    _save(ctx, built, demo)


def _last_change_at(ctx: DemoContext, b: _Built, is_demo: bool):
    if is_demo:
        return ctx.aware(ctx.today - timedelta(days=2), 11)
    return ctx.aware(min(ctx.today, max(b.last_change or b.plan.created_at.date(), b.plan.created_at.date())), 15)


# --- drawing one plan ----------------------------------------------------------------------------------

def _age(child: Child, today: date) -> int:
    return max(0, child.age_on(today) or 0) if child.birth_date else 0


def _draw_plan(ctx: DemoContext, family: Family, started: date, coordinator: User, kids: list[Child],
               people: list[FamilyMember], plan_providers: list[ServiceProvider],
               contacts_by_provider: dict[int, list[User]], allocation: ServiceProvider | None,
               is_demo: bool) -> _Built:
    rng, today = ctx.rng, ctx.today
    child = kids[0]
    guardians = [m for m in people if m.is_guardian]
    consenting = [m for m in guardians if m.may_consent] or guardians
    siblings = [m for m in people if m.relation == "sibling"]
    created = min(started + timedelta(days=rng.randint(14, 60)), today - timedelta(days=7))
    if is_demo:
        created = today - timedelta(days=330)
    plan = Plan(family=family, municipality_id=family.municipality_id, created_by=coordinator,
                consent_given_by=consenting[0] if consenting else None,
                consent_method=rng.choice([ConsentMethod.DIGITAL, ConsentMethod.PAPER, ConsentMethod.ORAL]),
                consent_given_on=created, created_at=ctx.aware(created), what_matters="")
    b = _Built(plan=plan, coordinator=coordinator)
    if is_demo:
        _demo_content(ctx, b, child, guardians, siblings, plan_providers, contacts_by_provider, allocation, created)
        return b
    name = child.given_name
    age = _age(child, today)
    pool = CHILD_GOALS_SMALL if age < 6 else CHILD_GOALS_SCHOOL if age < 13 else CHILD_GOALS_TEEN
    plan.what_matters = rng.choice([
        f"At {name} har det godt og får være med på det andre barn gjør.",
        f"At hverdagen henger sammen for {name} og for oss, uten at vi må koordinere alt selv.",
        f"Trygghet for {name}, og litt pust i bakken for resten av familien.",
    ])
    chosen = [(text, category, Whose.CHILD, None, child) for text, category in rng.sample(pool, k=min(2, len(pool)))]
    if guardians and rng.random() < 0.7:
        text, category = rng.choice(PARENT_GOALS)
        chosen.append((text, category, Whose.PARENT, rng.choice(guardians), None))
    if siblings and rng.random() < 0.35:
        sibling = rng.choice(siblings)
        text, category = rng.choice(SIBLING_GOALS)
        chosen.append((text.format(s=sibling.given_name), category, Whose.SIBLING, sibling, None))
    for position, (text, category, whose, member, kid) in enumerate(chosen, start=1):
        b.goals.append(Goal(**_part(plan, text=text.format(n=name), whose=whose, member=member, child=kid,
                                    category=category, position=position, created_by=coordinator,
                                    updated_by=coordinator, created_at=ctx.aware(created),
                                    updated_at=ctx.aware(created))))
    for text, whose in rng.sample(RESOURCES, k=rng.randint(1, 3)):
        b.resources.append(Resource(**_part(plan, text=text.format(n=name), whose=whose, created_by=coordinator,
                                            updated_by=coordinator, created_at=ctx.aware(created),
                                            updated_at=ctx.aware(created))))
    for text, whose in rng.sample(NEEDS, k=rng.randint(1, 3)):
        if whose == Whose.SIBLING and not siblings:
            continue
        b.needs.append(Need(**_part(plan, text=text, whose=whose, member=siblings[0] if whose == Whose.SIBLING
                                    else None, created_by=coordinator, updated_by=coordinator,
                                    created_at=ctx.aware(created), updated_at=ctx.aware(created))))
    _participants(ctx, b, kids, guardians, coordinator, created)
    # measures: one or two per goal, owned by a consenting service's contact or the coordinator
    for goal in b.goals:
        for _ in range(rng.choice([1, 1, 2])):
            provider = rng.choice(plan_providers) if plan_providers and rng.random() < 0.75 else None
            owners = contacts_by_provider.get(provider.pk, []) if provider else []
            if provider is not None and owners and provider.kind in MEASURES_BY_KIND:
                title, person = rng.choice(MEASURES_BY_KIND[provider.kind]), rng.choice(owners)
            else:
                title, person, provider = rng.choice(COORDINATOR_MEASURES), coordinator, allocation
            _add_measure(ctx, b, goal, title, provider, person, created + timedelta(days=rng.randint(0, 30)),
                         rng.randint(30, 240))
    _evaluations(ctx, b, created)
    if rng.random() < 0.85:
        _clarification(ctx, b, created, consenting)
    return b


def _participants(ctx: DemoContext, b: _Built, kids: list[Child], guardians: list[FamilyMember], coordinator: User,
                  created: date) -> None:
    plan = b.plan
    at = ctx.aware(created)
    for kid in kids:
        b.participants.append(Participant(**_part(plan, kind=ParticipantKind.FAMILY, child=kid, created_at=at)))
    for member in guardians:
        b.participants.append(Participant(**_part(plan, kind=ParticipantKind.FAMILY, family_member=member,
                                                  created_at=at)))
    b.participants.append(Participant(**_part(plan, kind=ParticipantKind.COORDINATOR, user=coordinator,
                                              role_text="Barnekoordinator", created_at=at)))


def _status_for(rng, start: date, due: date, today: date) -> str:
    if due < today:
        return rng.choices([MeasureStatus.DONE, MeasureStatus.IN_PROGRESS, MeasureStatus.PLANNED,
                            MeasureStatus.STOPPED], weights=[62, 22, 10, 6])[0]
    if start <= today:
        return MeasureStatus.IN_PROGRESS if rng.random() < 0.6 else MeasureStatus.PLANNED
    return MeasureStatus.PLANNED


def _add_measure(ctx: DemoContext, b: _Built, goal: Goal | None, title: str, provider: ServiceProvider | None,
                 person: User | None, start: date, length: int, status: str | None = None, note: str = "") -> Measure:
    rng, today = ctx.rng, ctx.today
    due = start + timedelta(days=length)
    status = status or _status_for(rng, start, due, today)
    if status == MeasureStatus.STOPPED and not note:
        note = rng.choice(["Familien ønsket en pause.", "Erstattet av et annet tiltak.", "Tjenesten har ikke kapasitet."])
    changed = min(today, max(start, due - timedelta(days=rng.randint(0, 20))))
    if person is not None and not any(p.user_id == person.pk for p in b.participants):
        b.participants.append(Participant(**_part(b.plan, kind=ParticipantKind.SERVICE if person != b.coordinator
                                                  else ParticipantKind.COORDINATOR, user=person,
                                                  service_provider=provider, created_at=b.plan.created_at)))
    measure = Measure(**_part(b.plan, goal=goal, title=title, owner_provider=provider, owner_person=person,
                              start=start, due_date=due, status=status, status_note=note,
                              status_changed_at=ctx.aware(changed) if status != MeasureStatus.PLANNED else None,
                              created_by=b.coordinator, updated_by=person or b.coordinator,
                              created_at=ctx.aware(min(start, today)), updated_at=ctx.aware(changed)))
    b.measures.append(measure)
    b.last_change = max(b.last_change or changed, changed)
    return measure


def _evaluations(ctx: DemoContext, b: _Built, created: date) -> None:
    rng, today = ctx.rng, ctx.today
    plan, last = b.plan, created
    if (today - created).days > 150:
        held = created + timedelta(days=rng.randint(110, 150))
        occasion = EvaluationDate(**_part(plan, date=held, held_on=held, held_by=b.coordinator,
                                          summary=rng.choice(["Planen virker, men avlastningen må på plass.",
                                                              "God periode. Skolen har fulgt opp.",
                                                              "Flere tiltak har tatt for lang tid."]),
                                          family_view=rng.choice(FAMILY_VIEWS),
                                          clarification_reviewed=rng.random() < 0.8, created_by=b.coordinator,
                                          updated_by=b.coordinator, created_at=ctx.aware(created),
                                          updated_at=ctx.aware(held)))
        b.occasions.append(occasion)
        for goal in b.goals:
            result = rng.choice(list(EvaluationResult))
            next_period = NEXT_PERIOD[2] if result == EvaluationResult.REACHED else rng.choice(
                [NEXT_PERIOD[0], NEXT_PERIOD[1], NEXT_PERIOD[3]])
            b.results.append(Evaluation(**_part(plan, occasion=occasion, goal=goal, result=result,
                                                family_view=rng.choice(FAMILY_VIEWS), next_period=next_period,
                                                recorded_by=b.coordinator, created_at=ctx.aware(held))))
        last = held
        b.last_change = max(b.last_change or held, held)
    upcoming = last + timedelta(days=180)
    if upcoming < today:
        upcoming = today - timedelta(days=rng.randint(3, 40)) if rng.random() < 0.15 else \
            today + timedelta(days=rng.randint(7, 120))
    b.occasions.append(EvaluationDate(**_part(plan, date=upcoming, created_by=b.coordinator, updated_by=b.coordinator,
                                              created_at=ctx.aware(last), updated_at=ctx.aware(last))))


def _clarification(ctx: DemoContext, b: _Built, created: date, consenting: list[FamilyMember]) -> None:
    rng = ctx.rng
    signed = created + timedelta(days=rng.randint(0, 10))
    reviewed = next((o.held_on for o in b.occasions if o.held_on and o.clarification_reviewed), None)
    family_signed = rng.random() < 0.85 and bool(consenting)
    b.clarification = ExpectationClarification(**_part(
        b.plan, will_do=WILL_DO, will_not_do=WILL_NOT_DO, done_instead_by=INSTEAD,
        contact_channels=rng.sample([c.value for c in ContactChannel], k=rng.randint(1, 3)),
        contact_frequency=rng.choice([c.value for c in ContactFrequency]), contact_note=rng.choice(CONTACT_NOTES),
        delegated_authority=AUTHORITY, family_signed_at=ctx.aware(signed, 14) if family_signed else None,
        family_signed_member=consenting[0] if family_signed else None,
        coordinator_signed_at=ctx.aware(signed, 13), coordinator_signed_by=b.coordinator,
        last_reviewed_on=reviewed, created_by=b.coordinator, updated_by=b.coordinator,
        created_at=ctx.aware(created), updated_at=ctx.aware(signed)))


# --- the demo family -----------------------------------------------------------------------------------

def _trip_day(today: date) -> date:
    day = today + timedelta(days=TRIP_IN_DAYS)
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _demo_content(ctx: DemoContext, b: _Built, mia: Child, guardians: list[FamilyMember],
                  siblings: list[FamilyMember], plan_providers: list[ServiceProvider],
                  contacts_by_provider: dict[int, list[User]], allocation: ServiceProvider | None,
                  created: date) -> None:
    """Familien Sæther (CP and epilepsy): a plan that has lived for almost a year. Names come from the family's
    records through ``ctx.story()``, never from this module."""
    today = ctx.today
    story = ctx.story()
    fill = story.fill
    plan = b.plan
    by_kind = {p.kind: p for p in plan_providers}
    mother = next((m for m in guardians if m.relation == "mother"), guardians[0] if guardians else None)
    sibling = siblings[0] if siblings else None

    def contact(kind: str) -> tuple[ServiceProvider | None, User | None]:
        provider = by_kind.get(kind)
        people = contacts_by_provider.get(provider.pk, []) if provider else []
        named = [u for u in people if u.username.startswith("kontakt.")]  # the demo log-ins, when they fit
        return provider, (named or people or [None])[0]

    plan.consent_given_by, plan.consent_method = mother, ConsentMethod.DIGITAL
    plan.what_matters = fill("At {child} skal ha en hverdag med venner og mestring, på skolen og hjemme – og at vi som "
                         "familie får sove, puste og slippe å ha oversikten over alt alene.")
    goals = [
        ("Jeg vil være med på det de andre i klassen gjør, også i gymmen og på turer.", "friends", Whose.CHILD),
        ("Jeg vil kunne si fra selv når jeg kjenner at et anfall kommer.", "health", Whose.CHILD),
        ("Jeg vil kjøre rullestolen selv til skolen.", "mobility", Whose.CHILD),
        ("Vi vil ha én plass å spørre, og slippe å koordinere alt selv.", "everyday", Whose.PARENT),
        ("Vi trenger å sove en hel natt minst to ganger i uka.", "rest", Whose.PARENT),
    ]
    if sibling is not None:
        goals.append((f"{sibling.given_name} vil ha tid alene med mamma og pappa, og noen å snakke med.", "rest",
                      Whose.SIBLING))
    for position, (text, category, whose) in enumerate(goals, start=1):
        member = mother if whose == Whose.PARENT else sibling if whose == Whose.SIBLING else None
        b.goals.append(Goal(**_part(plan, text=text, whose=whose, member=member,
                                    child=mia if whose == Whose.CHILD else None, category=category,
                                    position=position, created_by=b.coordinator, updated_by=b.coordinator,
                                    created_at=ctx.aware(created + timedelta(days=1)),
                                    updated_at=ctx.aware(created + timedelta(days=1)))))
    for text, whose in [("Mormor og morfar bor i nærheten og stiller opp når det trengs.", Whose.FAMILY),
                        ("{child} er nysgjerrig, glad i musikk og gir ikke opp.", Whose.CHILD),
                        ("God kontakt med kontaktlæreren {teacher} på {school}.", Whose.FAMILY)]:
        b.resources.append(Resource(**_part(plan, text=fill(text), whose=whose, created_by=b.coordinator,
                                            updated_by=b.coordinator, created_at=ctx.aware(created + timedelta(days=1)),
                                            updated_at=ctx.aware(created + timedelta(days=1)))))
    for text, whose, member in [("Avlastning, særlig om natta etter anfall.", Whose.FAMILY, None),
                                ("Én person å forholde seg til i kommunen.", Whose.PARENT, mother),
                                ("Noen å snakke med om hvordan det er å være {sibling_word} til {child}.",
                                 Whose.SIBLING, sibling)]:
        if whose == Whose.SIBLING and sibling is None:
            continue
        b.needs.append(Need(**_part(plan, text=fill(text), whose=whose, member=member, created_by=b.coordinator,
                                    updated_by=b.coordinator, created_at=ctx.aware(created + timedelta(days=1)),
                                    updated_at=ctx.aware(created + timedelta(days=1)))))
    _participants(ctx, b, [mia], guardians, b.coordinator, created)
    g = b.goals
    school, school_contact = contact(ProviderKind.SCHOOL)
    habu, habu_contact = contact(ProviderKind.HABU)
    physio, physio_contact = contact(ProviderKind.PHYSIOTHERAPY)
    ppt, ppt_contact = contact(ProviderKind.PPT)
    health, health_contact = contact(ProviderKind.HELSESTASJON)
    start = created + timedelta(days=5)
    # (goal, title, provider, person, start, length in days, status, note)
    rows = [
        (g[0], "Tilrettelagt kroppsøving med fysioterapeut til stede én time i uka", physio, physio_contact,
         start, 420, MeasureStatus.IN_PROGRESS, "Fungerer godt på torsdager."),
        (g[0], "Assistent med på klasseturen til Fjellheim", school, school_contact, today - timedelta(days=20),
         20 + (_trip_day(today) - today).days, MeasureStatus.PLANNED, ""),
        (g[0], "Sakkyndig vurdering av spesialundervisning", ppt, ppt_contact, start, 90, MeasureStatus.DONE,
         "Vedtak om spesialundervisning fattet."),
        (g[1], "Anfallsplan oppdatert og gjennomgått med skole og SFO", habu, habu_contact,
         today - timedelta(days=75), 50, MeasureStatus.PLANNED, ""),
        (g[1], "Opplæring av personalet i akuttbehandling ved epilepsi", health, health_contact, start, 60,
         MeasureStatus.DONE, ""),
        (g[2], "Kartlegge behov for elektrisk rullestol og sende søknad til NAV Hjelpemiddelsentral", physio,
         physio_contact, today - timedelta(days=120), 100, MeasureStatus.IN_PROGRESS,
         "Utprøving avtalt, venter på tid hos hjelpemiddelsentralen."),
        (g[3], "Kalle inn til ansvarsgruppemøte hver åttende uke og sende referat", allocation, b.coordinator, start,
         365, MeasureStatus.IN_PROGRESS, ""),
        (g[3], "Samle vedtak, søknader og frister i tjenesteoversikten i Los", allocation, b.coordinator, start, 45,
         MeasureStatus.DONE, ""),
        (g[4], "Søke om avlastning to netter i uka", allocation, b.coordinator, today - timedelta(days=40), 55,
         MeasureStatus.IN_PROGRESS, "Søknad sendt, venter på vedtak."),
    ]
    if sibling is not None:
        rows.append((g[5], "Plass i søskengruppa på helsestasjonen", health, health_contact,
                     today + timedelta(days=20), 120, MeasureStatus.PLANNED, ""))
    for goal, title, provider, person, begin, length, status, note in rows:
        if person is None:
            person = b.coordinator
        _add_measure(ctx, b, goal, title, provider, person, begin, length, status=status, note=note)
    b.last_change = today - timedelta(days=2)
    held = created + timedelta(days=200)
    occasion = EvaluationDate(**_part(plan, date=held, held_on=held, held_by=b.coordinator,
                                      summary=fill("{child} er mer med i klassen. Anfallsplanen må oppdateres."),
                                      family_view="Vi har fått en person å spørre, og det hjelper mye.",
                                      clarification_reviewed=True,
                                      clarification_note="Familien ønsker kontakt annenhver uke i stedet for hver uke.",
                                      created_by=b.coordinator, updated_by=b.coordinator,
                                      created_at=ctx.aware(created + timedelta(days=10)), updated_at=ctx.aware(held)))
    b.occasions.append(occasion)
    sibling_name = sibling.given_name if sibling is not None else ""
    outcomes = [
        (EvaluationResult.PARTLY, "Gymmen går fint nå, turene er fortsatt vanskelige.",
         "Fortsette med fysioterapeut i gymmen; assistent med på klasseturen."),
        (EvaluationResult.NOT_REACHED, fill("{child} kjenner det ikke alltid selv ennå."),
         "HABU oppdaterer anfallsplanen og går gjennom den med skolen og SFO."),
        (EvaluationResult.PARTLY, "Trenger elektrisk stol for å klare det.",
         "Søke om elektrisk rullestol via NAV Hjelpemiddelsentral."),
        (EvaluationResult.REACHED, fill("{coordinator} har gjort en stor forskjell."), "Fortsette som nå."),
        (EvaluationResult.NOT_REACHED, "Vi venter fortsatt på avlastning.", "Søke om avlastning to netter i uka."),
        (EvaluationResult.PARTLY, f"{sibling_name} trenger mer tid med oss.",
         "Plass i søskengruppa på helsestasjonen."),
    ]
    for goal, (result, view, next_period) in zip(g, outcomes, strict=False):
        b.results.append(Evaluation(**_part(plan, occasion=occasion, goal=goal, result=result, family_view=view,
                                            next_period=next_period, recorded_by=b.coordinator,
                                            created_at=ctx.aware(held))))
    b.occasions.append(EvaluationDate(**_part(plan, date=today + timedelta(days=35), note="Med ansvarsgruppen",
                                              created_by=b.coordinator, updated_by=b.coordinator,
                                              created_at=ctx.aware(held), updated_at=ctx.aware(held))))
    b.clarification = ExpectationClarification(**_part(
        plan, will_do=WILL_DO + " Ringe familien annenhver uke og være til stede på overgangsmøtet før "
        "ungdomsskolen.", will_not_do=WILL_NOT_DO, done_instead_by=INSTEAD,
        contact_channels=[ContactChannel.PHONE.value, ContactChannel.LOS.value, ContactChannel.HOME.value],
        contact_frequency=ContactFrequency.FORTNIGHTLY.value, contact_note=fill("Ring {mother} etter kl. 15; {father} vil ha "
                                                                  "referat på e-post."), delegated_authority=AUTHORITY,
        family_signed_at=ctx.aware(created + timedelta(days=8), 14), family_signed_member=mother,
        family_signed_by=mother.user if mother is not None else None,
        coordinator_signed_at=ctx.aware(created + timedelta(days=8), 13), coordinator_signed_by=b.coordinator,
        last_reviewed_on=held, created_by=b.coordinator, updated_by=b.coordinator,
        created_at=ctx.aware(created + timedelta(days=7)), updated_at=ctx.aware(created + timedelta(days=8))))


# --- saving --------------------------------------------------------------------------------------------

def _first_version(b: _Built) -> dict:
    """The plan as it was when it was made: goals, sections, participants and planned measures."""
    early = b.plan.created_at + timedelta(days=31)
    data = versioning.snapshot_from(b.plan, goals=b.goals, resources=b.resources, needs=b.needs,
                                    participants=b.participants,
                                    measures=[m for m in b.measures if m.created_at <= early], occasions=[],
                                    results=[], clarification=None)
    for m in data["measures"]:
        m["status"], m["status_note"] = MeasureStatus.PLANNED, ""
    return data


def _current(b: _Built) -> dict:
    return versioning.snapshot_from(b.plan, goals=b.goals, resources=b.resources, needs=b.needs,
                                    participants=b.participants, measures=b.measures, occasions=b.occasions,
                                    results=b.results, clarification=b.clarification)


def _history(ctx: DemoContext, b: _Built) -> list[tuple[dict, str, str, object]]:
    """Two versions: the plan as it was made, and as it is now."""
    change = PlanChange.EVALUATION if any(o.held_on for o in b.occasions) else PlanChange.MEASURE_STATUS
    return [(_first_version(b), PlanChange.CREATED, "", b.plan.created_at),
            (_current(b), change, "", b.plan.updated_at)]


def _demo_history(ctx: DemoContext, b: _Built) -> list[tuple[dict, str, str, object]]:
    """The demo family's plan step by step: made, goals, measures, clarification, evaluation, now."""
    created = b.plan.created_at
    empty = versioning.snapshot_from(b.plan, goals=[], resources=[], needs=[], participants=b.participants[:4],
                                     measures=[], occasions=[], results=[], clarification=None)
    goals = versioning.snapshot_from(b.plan, goals=b.goals, resources=b.resources, needs=b.needs,
                                     participants=b.participants[:4], measures=[], occasions=[], results=[],
                                     clarification=None)
    first = _first_version(b)
    signed = copy.deepcopy(first)
    now = _current(b)
    signed["clarification"] = copy.deepcopy(now["clarification"])
    if signed["clarification"]:
        signed["clarification"]["last_reviewed_on"] = None
        signed["clarification"]["contact_frequency"] = ContactFrequency.WEEKLY.value
    held = next(o for o in b.occasions if o.held_on)
    evaluated = copy.deepcopy(now)
    evaluated["evaluation_dates"] = [e for e in evaluated["evaluation_dates"] if e["held_on"]]
    started = {m.pk for m in b.measures if m.created_at.date() <= held.held_on}
    evaluated["measures"] = [m for m in evaluated["measures"] if m["id"] in started]
    return [
        (empty, PlanChange.CREATED, "", created),
        (goals, PlanChange.GOAL_ADDED, b.goals[0].text, created + timedelta(days=1)),
        (first, PlanChange.MEASURE_ADDED, b.measures[0].title, created + timedelta(days=5)),
        (signed, PlanChange.CLARIFICATION_SIGNED, "", created + timedelta(days=8)),
        (evaluated, PlanChange.EVALUATION, str(held.held_on), ctx.aware(held.held_on, 15)),
        (now, PlanChange.MEASURE_STATUS, b.measures[1].title, b.plan.updated_at),
    ]


def _save(ctx: DemoContext, built: list[_Built], demo: Family | None) -> None:
    if not built:
        return
    bulk_insert(Plan, [b.plan for b in built], batch_size=2000)
    for b in built:  # the plan objects now have ids; point the parts at them
        for row in [*b.goals, *b.resources, *b.needs, *b.participants, *b.measures, *b.occasions, *b.results]:
            row.plan = b.plan
        if b.clarification is not None:
            b.clarification.plan = b.plan
    bulk_insert(Goal, [g for b in built for g in b.goals], batch_size=2000)
    bulk_insert(Resource, [r for b in built for r in b.resources], batch_size=2000)
    bulk_insert(Need, [n for b in built for n in b.needs], batch_size=2000)
    bulk_insert(Participant, [p for b in built for p in b.participants], batch_size=2000)
    for b in built:
        for m in b.measures:
            m.goal = m.goal  # re-read the goal's id now that it has one
        for r in b.results:
            r.goal = r.goal
    bulk_insert(Measure, [m for b in built for m in b.measures], batch_size=2000)
    bulk_insert(EvaluationDate, [o for b in built for o in b.occasions], batch_size=2000)
    for b in built:
        for r in b.results:
            r.occasion = r.occasion
    bulk_insert(Evaluation, [r for b in built for r in b.results], batch_size=2000)
    bulk_insert(ExpectationClarification, [b.clarification for b in built if b.clarification],
                                                 batch_size=2000)
    versions: list[PlanVersion] = []
    for b in built:
        plan = b.plan
        is_demo = demo is not None and plan.family_id == demo.pk
        history = _demo_history(ctx, b) if is_demo else _history(ctx, b)
        for number, (data, change, subject, at) in enumerate(history, start=1):
            versions.append(PlanVersion(plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id,
                                        number=number, snapshot=data, change=change, subject=subject[:200],
                                        author=b.coordinator, author_name=b.coordinator.get_full_name(),
                                        created_at=at))
        assert plan.revision == len(history)
    bulk_insert(PlanVersion, versions, batch_size=1000)
    demo_built = next((b for b in built if demo is not None and b.plan.family_id == demo.pk), None)
    if demo_built is not None:
        _demo_extras(ctx, demo_built, versions)


def _demo_extras(ctx: DemoContext, b: _Built, versions: list[PlanVersion]) -> None:
    """Comments, an approval of the first version (the plan has changed since) for the demo family."""
    plan = b.plan
    mother = b.clarification.family_signed_member if b.clarification else None
    parent_user = mother.user if mother is not None and mother.user_id else None
    by_title = {m.title[:20]: m for m in b.measures}
    comments = []
    gym = by_title.get("Tilrettelagt kroppsø")
    trip = by_title.get("Assistent med på kla")
    seizure = by_title.get("Anfallsplan oppdater")
    if parent_user is not None and gym is not None:
        comments.append(MeasureComment(**_part(plan, measure=gym, author=parent_user, author_side="family",
                                               text=ctx.story().fill("{child} var kjempefornøyd etter gymtimen "
                                                                     "på torsdag!"),
                                               created_at=ctx.aware(ctx.today - timedelta(days=12), 19))))
    if trip is not None and trip.owner_person_id:
        comments.append(MeasureComment(**_part(plan, measure=trip, author=trip.owner_person, author_side="service",
                                               text=f"Klasseturen er {long_date(_trip_day(ctx.today))}. "
                                                    "Assistent er bestilt.",
                                               created_at=ctx.aware(ctx.today - timedelta(days=6), 10))))
    if parent_user is not None and seizure is not None:
        comments.append(MeasureComment(**_part(plan, measure=seizure, author=parent_user, author_side="family",
                                               text="Kan vi få gjennomgått anfallsplanen før klasseturen?",
                                               created_at=ctx.aware(ctx.today - timedelta(days=4), 20))))
    bulk_insert(MeasureComment, comments)
    approved = next(v for v in versions if v.plan_id == plan.pk and v.number == 4)
    if parent_user is not None:
        PlanApproval.objects.create(
            plan=plan, family_id=plan.family_id, municipality_id=plan.municipality_id, plan_version=approved,
            approved_by=parent_user, member=mother, created_at=approved.created_at + timedelta(hours=5),
            statement=("Vi har lest denne versjonen av den individuelle planen og er enige i den. Vi vet at vi når "
                       "som helst kan be om endringer og trekke tilbake samtykket vårt."))
