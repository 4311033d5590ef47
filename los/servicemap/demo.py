"""Demo data for the service map: realistic maps for active families, a rich map for the demo family
(Familien Sæther) and needs that no service has accepted.

Everything is drawn with ``ctx.rng`` and written with ``bulk_create``; no per-row saves in loops over
families, so the national scale (60,000 families) stays fast. Appeal deadlines are computed with
``los.core.deadlines.appeal_deadline`` like everywhere else.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from los.core import deadlines
from los.core.demo.bulk import bulk_insert
from los.core.demo.seed import DemoContext
from los.core.demo.story import MONTHS_NB, long_date
from los.families.models import Child, FamilyStatus
from los.servicemap import catalog
from los.servicemap.models import (
    Appeal,
    AppealOutcome,
    AppealStatus,
    Application,
    Decision,
    Delivery,
    DeliverySide,
    Document,
    DocumentKind,
    EntryState,
    Need,
    NeedRequest,
    NeedResponse,
    NeedSource,
    Notification,
    NotificationKind,
    ServiceEntry,
    sector_for,
)
from los.servicemap.uploads import check_upload

#: Extents the family itself uses up (extra care days off work, TT trips): nothing a provider delivers to follow.
FAMILY_USED_UNITS = ("days", "trips")


@dataclass(frozen=True)
class Template:
    """How a kind of service is typically drawn for a demo family."""

    catalog_id: str
    share: float  # share of active families that have it on their map
    provider_kind: str
    refuse: float  # share of decisions that are refusals
    extent: tuple | None = None  # (low, high, unit, per)
    years: tuple[int, int] | None = (1, 3)  # length of a time-limited grant; None = open-ended
    process: tuple[int, int] = (20, 60)  # days from application to decision
    note: tuple[str, ...] = ()
    ages: tuple[int, int] = (0, 17)
    conditions: frozenset[str] = frozenset()


PHYSICAL = frozenset({"physical", "neurological", "intellectual", "rare_diagnosis", "life_limiting"})
TEMPLATES = [
    Template("hjelpestonad", 0.55, "nav", 0.12, None, (2, 5), (60, 200),
             ("Forhøyet hjelpestønad, sats 1", "Forhøyet hjelpestønad, sats 2", "Forhøyet hjelpestønad, sats 3",
              "Ordinær hjelpestønad")),
    Template("grunnstonad", 0.42, "nav", 0.15, None, (3, 5), (60, 200),
             ("Sats 1 – slitasje på klær", "Sats 2 – spesialkost", "Sats 3 – transport", "Sats 4 – drift av hjelpemidler")),
    Template("avlastning", 0.45, "avlastning", 0.14, (8, 48, "hours", "month"), (1, 1), (25, 70),
             ("Annenhver helg i avlastningsbolig", "Avlastning i private hjem", "Ettermiddagsavlastning")),
    Template("omsorgsstonad", 0.24, "allocation", 0.3, (10, 40, "hours", "month"), (1, 2), (30, 80)),
    Template("bpa", 0.025, "allocation", 0.4, (10, 35, "hours", "week"), (1, 2), (40, 90)),
    Template("stottekontakt", 0.18, "allocation", 0.2, (8, 16, "hours", "month"), (1, 2), (25, 60),
             ("Fritidsaktivitet med støttekontakt", "Svømming og turer")),
    Template("hjelpemidler", 0.38, "nav", 0.08, None, None, (20, 90),
             ("Rullestol og ståstativ", "Spesialseng", "Kommunikasjonshjelpemiddel", "Sittepute og arbeidsstol")),
    Template("omsorgspenger_utvidet", 0.3, "nav", 0.05, (10, 10, "days", "year"), (3, 6), (15, 45)),
    Template("pleiepenger", 0.07, "nav", 0.1, None, (0, 1), (15, 40)),
    Template("bilstonad", 0.035, "nav", 0.35, None, None, (90, 240)),
    Template("tt_ordning", 0.14, "", 0.2, (60, 200, "trips", "year"), (2, 3), (20, 50), ages=(6, 17)),
    Template("parkeringstillatelse", 0.12, "allocation", 0.25, None, (2, 5), (14, 40), conditions=PHYSICAL),
    Template("spesialpedagogisk_hjelp", 0.45, "ppt", 0.1, (2, 10, "hours", "week"), (1, 1), (60, 120), ages=(1, 5)),
    Template("tilrettelagt_opplaering", 0.5, "ppt", 0.08, (4, 20, "hours", "week"), (1, 1), (60, 120),
             ages=(6, 17)),
    Template("skoleskyss", 0.15, "school", 0.15, None, (1, 1), (20, 45), ages=(6, 17)),
    Template("fysio_ergoterapi", 0.3, "physiotherapy", 0.05, (1, 2, "visits", "week"), None, (10, 40),
             conditions=PHYSICAL),
    Template("habu", 0.35, "habu", 0.1, None, None, (20, 70), conditions=PHYSICAL | {"autism", "developmental"}),
    Template("bup", 0.3, "bup", 0.2, None, None, (30, 90), conditions=frozenset({"autism", "psychiatric"})),
    Template("brukerorganisasjon", 0.2, "", 0.0, None, None),
    Template("sosken_tilbud", 0.08, "", 0.0, None, None),
]
NO_APPLICATION = {"brukerorganisasjon", "sosken_tilbud"}
ORGANISATIONS = ["Cerebral Parese-foreningen", "Autismeforeningen", "Norsk Epilepsiforbund",
                 "Foreningen for hjertesyke barn", "Frambu", "Sjeldne diagnoser", "Unge funksjonshemmede"]
NEEDS = [
    ("Transport til og fra avlastning i helgene.", ["avlastning", "allocation"],
     "Vi har ikke ansvar for transport."),
    ("Oppfølging av tøyning og ståstativ i skoletiden.", ["school", "physiotherapy"],
     "Dette ligger ikke hos oss."),
    ("Søsken trenger noen å snakke med om situasjonen hjemme.", ["helsestasjon"],
     "Vi har ikke kapasitet til søskensamtaler nå."),
    ("Opplæring i sondeernæring for besteforeldre som avlaster.", ["home_care", "hospital"],
     "Opplæringen må gis av sykehuset."),
    ("Noen som kan samordne timer på sykehuset og HABU.", ["hospital", "habu"],
     "Det er barnekoordinatorens oppgave."),
    ("Tilpasning av bolig: trappeheis og bredere dører.", ["allocation", "nav"],
     "Søknaden må gå til NAV Hjelpemiddelsentral."),
    ("Tilrettelegging av SFO-tiden etter skolen.", ["sfo", "ppt"],
     "SFO er ikke omfattet av vedtaket om spesialundervisning."),
    ("Samtaler for mor, som er utslitt.", ["gp", "helsestasjon"],
     "Henvis til fastlegen."),
    ("Plass på ferieleir med tilrettelegging i sommerferien.", ["allocation"],
     "Vi har ikke et slikt tilbud."),
]
APPEAL_BODIES = {"nav": "NAV", "allocation": "Tildelingskontoret", "avlastning": "Tildelingskontoret"}


def _age(birth: date | None, today: date) -> int:
    if birth is None:
        return 0
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return max(0, years)


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today = ctx.today
        self.entries: list[ServiceEntry] = []
        self.apps: list[tuple[ServiceEntry, Application]] = []
        self.appeals: list[tuple[Application, Appeal]] = []
        self.needs: list[Need] = []
        self.requests: list[tuple[Need, NeedRequest]] = []
        self.providers: dict[int, dict[str, list]] = {}
        for m_id, providers in ctx.providers.items():
            by_kind: dict[str, list] = {}
            for p in providers:
                by_kind.setdefault(p.kind, []).append(p)
            self.providers[m_id] = by_kind

    def provider(self, family, kind: str):
        choices = self.providers.get(family.municipality_id, {}).get(kind)
        return self.rng.choice(choices) if choices else None

    def entry(self, family, child_id, template: Template, **fields) -> ServiceEntry:
        provider = self.provider(family, template.provider_kind) if template.provider_kind else None
        row = ServiceEntry(family=family, municipality_id=family.municipality_id, child_id=child_id,
                           catalog_id=template.catalog_id, provider=provider,
                           sector=sector_for(template.catalog_id, provider) if template.catalog_id not in
                           ("tt_ordning", "brukerorganisasjon", "sosken_tilbud") else catalog.usual_sector(
                               template.catalog_id), **fields)
        if template.catalog_id == "brukerorganisasjon" and not row.provider_name:
            row.provider_name = self.rng.choice(ORGANISATIONS)
        if template.catalog_id == "tt_ordning" and not row.provider_name:
            row.provider_name = "Fylkeskommunen, TT-kontoret"
        if provider is not None and not row.contact_name and self.rng.random() < 0.5:
            given = self.rng.choice(["Kari", "Ola", "Ingrid", "Lars", "Marte", "Sindre", "Aud", "Trond"])
            row.contact_name = f"{given} {self.rng.choice(['Hansen', 'Berg', 'Nilsen', 'Lie', 'Dahl', 'Moen'])}"
            row.contact_phone = f"{self.rng.randint(40000000, 99999999)}"
        self.entries.append(row)
        return row

    def application(self, entry: ServiceEntry, sent_on: date, **fields) -> Application:
        app = Application(family_id=entry.family_id, municipality_id=entry.municipality_id, sent_on=sent_on, **fields)
        self.apps.append((entry, app))
        return app

    def decide(self, app: Application, decision: str, decided: date, received: date, basis: str) -> None:
        app.decision, app.decision_on, app.decision_received_on = decision, decided, received
        if basis:
            resolved = deadlines.appeal_deadline(received, basis)
            app.legal_basis, app.legal_basis_key = basis, resolved.legal_basis
            app.appeal_rule, app.appeal_deadline = resolved.rule.value, resolved.deadline

    def grant_period(self, entry: ServiceEntry, template: Template, start: date) -> None:
        if template.years is None:
            entry.period_from = start
            return
        low, high = template.years
        years = self.rng.randint(low, high)
        entry.period_from = start
        entry.period_to = start + timedelta(days=max(120, 365 * years) - 1)

    def family_map(self, family, child_id: int | None, age: int, conditions: set[str], created: date) -> None:
        rng, today = self.rng, self.today
        for template in TEMPLATES:
            if not template.ages[0] <= age <= template.ages[1]:
                continue
            if template.conditions and not (template.conditions & conditions):
                continue
            if rng.random() >= template.share:
                continue
            entry = self.entry(family, child_id, template)
            if template.note:
                entry.extent_note = rng.choice(template.note)
            if template.catalog_id in NO_APPLICATION:
                entry.state = EntryState.GRANTED if rng.random() < 0.4 else EntryState.CONSIDERED
                continue
            roll = rng.random()
            if roll < 0.1:
                entry.state = EntryState.CONSIDERED
                continue
            earliest = max(60, (today - created).days + 120)
            sent = today - timedelta(days=rng.randint(5, min(earliest, 1000)))
            app = self.application(entry, sent)
            lo, hi = template.process
            processing = int(rng.triangular(lo, hi * 1.6, (lo + hi) / 2))
            if roll < 0.22 or sent + timedelta(days=processing) > today:
                entry.state = EntryState.APPLIED
                if (today - sent).days > 31 and rng.random() < 0.5:
                    app.preliminary_reply_on = sent + timedelta(days=rng.randint(10, 30))
                continue
            decided = sent + timedelta(days=processing)
            received = min(today, decided + timedelta(days=rng.randint(0, 3)))
            basis = catalog.usual_legal_basis(template.catalog_id)
            if rng.random() < template.refuse:
                self.decide(app, Decision.REFUSED, decided, received, basis)
                entry.state = EntryState.REFUSED
                if rng.random() < 0.45 and received + timedelta(days=10) <= today:
                    self.appeal(entry, app, template, received)
                elif app.appeal_deadline and app.appeal_deadline < today and rng.random() < 0.6:
                    app.no_appeal = True
                continue
            partly = template.extent is not None and rng.random() < 0.15
            self.decide(app, Decision.PARTLY_GRANTED if partly else Decision.GRANTED, decided, received, basis)
            entry.state = EntryState.PARTLY_GRANTED if partly else EntryState.GRANTED
            self.grant_period(entry, template, decided + timedelta(days=rng.randint(0, 20)))
            if template.extent:
                low, high, unit, per = template.extent
                entry.extent_amount = Decimal(rng.randint(low, high) if not partly else max(1, rng.randint(low, high) // 2))
                entry.extent_unit, entry.extent_per = unit, per
            if entry.period_to and entry.period_to < today:
                if rng.random() < 0.5:
                    entry.state = EntryState.ENDED
                else:  # renewed: a new period from the old end, nearing or far from its own end
                    entry.period_from = entry.period_to + timedelta(days=1)
                    entry.period_to = entry.period_from + timedelta(days=365 * rng.randint(1, 2) - 1)
                    if entry.period_to < today:
                        entry.period_to = today + timedelta(days=rng.randint(10, 300))

    def appeal(self, entry: ServiceEntry, app: Application, template: Template, received: date) -> None:
        rng, today = self.rng, self.today
        sent = min(today, received + timedelta(days=rng.randint(5, 20)))
        appeal = Appeal(family_id=entry.family_id, municipality_id=entry.municipality_id, sent_on=sent,
                        sent_to=APPEAL_BODIES.get(template.provider_kind, entry.provider_name or "Kommunen"))
        age = (today - sent).days
        if age > 120 and rng.random() < 0.7:
            outcome = rng.choice([AppealOutcome.GRANTED, AppealOutcome.PARTLY_GRANTED, AppealOutcome.REFUSED,
                                  AppealOutcome.REFUSED, AppealOutcome.SENT_BACK])
            appeal.status, appeal.outcome = AppealStatus.DECIDED, outcome
            appeal.outcome_on = sent + timedelta(days=rng.randint(60, min(age, 300)))
            entry.state = {AppealOutcome.GRANTED: EntryState.GRANTED, AppealOutcome.PARTLY_GRANTED:
                           EntryState.PARTLY_GRANTED, AppealOutcome.REFUSED: EntryState.REFUSED,
                           AppealOutcome.SENT_BACK: EntryState.APPLIED}[outcome]
        else:
            appeal.status = AppealStatus.SENT if age < 21 else rng.choice(
                [AppealStatus.RECONSIDERING, AppealStatus.FORWARDED])
            entry.state = EntryState.APPEALED
        self.appeals.append((app, appeal))

    def needs_for(self, family, child_id: int | None, created: date, count: int) -> None:
        rng, today = self.rng, self.today
        for text, kinds, refusal in rng.sample(NEEDS, count):
            recorded = today - timedelta(days=rng.randint(3, max(4, min(400, (today - created).days))))
            need = Need(family=family, municipality_id=family.municipality_id, child_id=child_id,
                        description=text, recorded_on=recorded,
                        source=rng.choice([NeedSource.PLAN, NeedSource.MEETING, NeedSource.FAMILY]))
            self.needs.append(need)
            roll = rng.random()
            if roll < 0.25:
                continue  # nobody asked yet
            accepted_one = roll > 0.6
            for index, kind in enumerate(kinds):
                provider = self.provider(family, kind)
                if provider is None:
                    continue
                asked = min(today, recorded + timedelta(days=rng.randint(0, 20)))
                row = NeedRequest(family_id=family.pk, municipality_id=family.municipality_id, provider=provider,
                                  asked_on=asked)
                last = index == len(kinds) - 1
                if accepted_one and last:
                    row.response, row.responded_on = NeedResponse.ACCEPTED, min(today, asked + timedelta(days=10))
                elif rng.random() < 0.7:
                    row.response, row.response_note = NeedResponse.DECLINED, refusal
                    row.responded_on = min(today, asked + timedelta(days=rng.randint(3, 30)))
                self.requests.append((need, row))
            if rng.random() < 0.1:
                need.status, need.closed_on = "met", min(today, recorded + timedelta(days=60))

    def deliveries(self) -> list[Delivery]:
        """What was delivered of each granted service Los follows (after :meth:`save`, which leaves out what the
        family uses itself), week by week over the last 20 weeks: most as granted, some a little short, a few not
        at all (those are the coordinator's shortfalls)."""
        # a generator of its own, so that the other apps' demo data stay as they were
        today = self.today
        rng = random.Random(f"deliveries-{today.isoformat()}-{len(self.entries)}")
        per_week = {"week": Decimal(1), "month": Decimal(12) / Decimal(52), "year": Decimal(1) / Decimal(52)}
        rows: list[Delivery] = []
        for entry in self.entries:
            if not entry.follow_delivery or entry.pk is None or entry.state not in (EntryState.GRANTED, EntryState.PARTLY_GRANTED):
                continue
            if not entry.extent_amount or entry.extent_per not in per_week:
                continue
            demo = self.ctx.demo_family is not None and entry.family_id == self.ctx.demo_family.pk
            if demo and entry.catalog_id == "avlastning":
                continue  # the demo family's respite is half delivered (recorded by the family, below)
            roll = rng.random()
            share = Decimal(1) if roll < 0.8 or demo else Decimal("0.6") if roll < 0.93 else Decimal(0)
            weekly = (entry.extent_amount * per_week[entry.extent_per] * share).quantize(Decimal("0.1"))
            if weekly <= 0:
                continue
            day = max(entry.period_from or today - timedelta(weeks=20), today - timedelta(weeks=20))
            while day <= today - timedelta(days=1):
                rows.append(Delivery(family_id=entry.family_id, municipality_id=entry.municipality_id, entry=entry,
                                     delivered_on=day, amount=max(weekly, Decimal("0.5")),
                                     side=DeliverySide.PROVIDER))
                day += timedelta(weeks=1)
        return rows

    def save(self) -> None:
        for entry in self.entries:
            if entry.extent_unit in FAMILY_USED_UNITS:
                entry.follow_delivery = False
        bulk_insert(ServiceEntry, self.entries, batch_size=2000)
        for entry, app in self.apps:
            app.entry_id = entry.pk
        bulk_insert(Application, [app for _e, app in self.apps], batch_size=2000)
        for app, appeal in self.appeals:
            appeal.application_id = app.pk
        bulk_insert(Appeal, [appeal for _a, appeal in self.appeals], batch_size=2000)
        bulk_insert(Need, self.needs, batch_size=2000)
        for need, row in self.requests:
            row.need_id = need.pk
        bulk_insert(NeedRequest, [row for _n, row in self.requests], batch_size=2000)


T = {t.catalog_id: t for t in TEMPLATES}


def _demo_family(builder: _Builder, ctx: DemoContext) -> tuple[list[tuple[Document, str]], ServiceEntry, dict]:
    """The Sæther family (cerebral palsy and epilepsy, parents living apart, a little brother), every name and
    service read from the family's records (``ctx.story()``)."""
    from los.accounts.models import User

    family, today, rng = ctx.demo_family, ctx.today, builder.rng
    child = Child.objects.filter(family=family).order_by("pk").first()
    cid = child.pk if child else None
    users = {u.username: u for u in User.objects.filter(username__in=["forelder", "koordinator", "kontakt.skole",
                                                                      "kontakt.habu"])}
    d = lambda days: today - timedelta(days=days)  # noqa: E731
    story = ctx.story()
    fill = story.fill if story is not None else (lambda text, **_kw: text)
    # the family's own providers (those it has consented to), so that the school is the same one everywhere
    own = story.providers if story is not None else {}
    contact_of: dict[int, User] = {}
    for user, provider in ctx.contacts.get(family.municipality_id, []):
        contact_of.setdefault(provider.pk, user)

    def add(catalog_id, state, *, title="", kind=None, **fields):
        template = T.get(catalog_id) or Template(catalog_id, 0, kind or "", 0)
        if kind is not None:
            template = Template(catalog_id, 0, kind, 0)
        entry = builder.entry(family, cid, template, title=title, state=state, **fields)
        if template.provider_kind in own:
            entry.provider = own[template.provider_kind]
        if entry.provider is not None and "contact_name" not in fields:
            person = contact_of.get(entry.provider.pk)  # the provider's contact person in Los, not a made-up one
            entry.contact_name = person.get_full_name() if person is not None else ""
            entry.contact_phone = person.phone if person is not None else ""
        entry.contact_name = entry.contact_name or ""
        return entry

    def decided(entry, sent, decided_on, received, decision, basis=None):
        app = builder.application(entry, d(sent))
        builder.decide(app, decision, d(decided_on), d(received), basis or catalog.usual_legal_basis(entry.catalog_id))
        return app

    hjelp = add("hjelpestonad", EntryState.GRANTED, extent_note="Forhøyet hjelpestønad, sats 2",
                period_from=d(1750), period_to=today + timedelta(days=70), contact_name="NAV Familie- og pensjonsytelser",
                notes="Vedtaket er tidsbegrenset. Ny søknad med legeerklæring må sendes i god tid.")
    decided(hjelp, 1840, 1760, 1755, Decision.GRANTED)
    grunn = add("grunnstonad", EntryState.APPLIED, notes="Søkt om sats 3 for ekstra transport til behandling.")
    builder.application(grunn, d(205), reference="NAV 24/118233", preliminary_reply_on=d(170))
    avl = add("avlastning", EntryState.GRANTED,
              extent_amount=Decimal(48), extent_unit="hours", extent_per="month",
              extent_note="Annenhver helg fredag–lørdag", period_from=d(60), period_to=today + timedelta(days=305))
    decided(avl, 110, 70, 66, Decision.GRANTED)
    avl.title = f"Avlastning i {avl.provider.name}" if avl.provider is not None else ""
    omsorg = add("omsorgsstonad", EntryState.REFUSED)
    omsorg_app = decided(omsorg, 75, 12, 9, Decision.REFUSED)
    stotte = add("stottekontakt", EntryState.APPEALED, extent_note="Søkt 12 timer per måned")
    stotte_app = decided(stotte, 150, 95, 93, Decision.REFUSED)
    builder.appeals.append((stotte_app, Appeal(family_id=family.pk, municipality_id=family.municipality_id,
                                               sent_on=d(80), sent_to="Tildelingskontoret",
                                               status=AppealStatus.FORWARDED,
                                               notes="Kommunen opprettholdt avslaget; klagen er sendt til "
                                                     "statsforvalteren.")))
    hm = add("hjelpemidler", EntryState.GRANTED, extent_note="Manuell rullestol, ståstativ og spesialseng",
             period_from=d(400), contact_name="NAV Hjelpemiddelsentral")
    decided(hm, 470, 410, 405, Decision.GRANTED)
    tt = add("tt_ordning", EntryState.GRANTED, extent_amount=Decimal(120), extent_unit="trips", extent_per="year",
             period_from=d(300), period_to=today + timedelta(days=795))
    decided(tt, 340, 305, 302, Decision.GRANTED)
    park = add("parkeringstillatelse", EntryState.GRANTED, period_from=d(500), period_to=today + timedelta(days=1325))
    decided(park, 530, 505, 503, Decision.GRANTED)
    school = add("tilrettelagt_opplaering", EntryState.GRANTED, title=fill("Spesialundervisning på {school}"),
                 extent_amount=Decimal(10), extent_unit="hours", extent_per="week", period_from=d(90),
                 period_to=today + timedelta(days=200),
                 contact_name=users["kontakt.skole"].get_full_name() if "kontakt.skole" in users else "",
                 contact_user=users.get("kontakt.skole"))
    decided(school, 200, 100, 97, Decision.GRANTED, "opplæringslova § 11-6")
    habu = add("habu", EntryState.GRANTED, title="Oppfølging i HABU",
               contact_name=users["kontakt.habu"].get_full_name() if "kontakt.habu" in users else "",
               contact_user=users.get("kontakt.habu"), notes=fill("Kontroll hvert halvår. Neste time {next}.", next=long_date(today + timedelta(days=45))))
    decided(habu, 900, 880, 878, Decision.GRANTED)
    fysio = add("fysio_ergoterapi", EntryState.GRANTED, extent_amount=Decimal(1), extent_unit="visits",
                extent_per="week")
    decided(fysio, 700, 680, 678, Decision.GRANTED)
    omsp = add("omsorgspenger_utvidet", EntryState.GRANTED, extent_amount=Decimal(10), extent_unit="days",
               extent_per="year", period_from=d(800), period_to=today + timedelta(days=3100))
    decided(omsp, 830, 805, 802, Decision.GRANTED)
    add("brukerorganisasjon", EntryState.CONSIDERED, provider_name="Cerebral Parese-foreningen",
        notes="Familien vurderer medlemskap og likepersonstøtte.")
    add("sosken_tilbud", EntryState.CONSIDERED, title=fill("Søskengruppe for {sibling}"), provider_name="Frambu")
    sped = add("spesialpedagogisk_hjelp", EntryState.ENDED, extent_amount=Decimal(6), extent_unit="hours",
               extent_per="week", period_from=d(1500), period_to=d(480))
    decided(sped, 1560, 1510, 1508, Decision.GRANTED)
    omsorg_app.notes = "Kommunen mener avlastningen dekker behovet. Familien vurderer å klage."

    def need(text, source, asked):
        row = Need(family=family, municipality_id=family.municipality_id, child_id=cid, description=text,
                   source=source, recorded_on=d(rng.randint(20, 60)))
        builder.needs.append(row)
        for kind, response, note in asked:
            provider = builder.provider(family, kind)
            if provider is not None:
                builder.requests.append((row, NeedRequest(
                    family_id=family.pk, municipality_id=family.municipality_id, provider=provider, asked_on=d(15),
                    response=response, response_note=note,
                    responded_on=d(7) if response != NeedResponse.WAITING else None)))

    need("Transport til og fra avlastningsboligen annenhver helg. Mor har ikke bil.", NeedSource.FAMILY,
         [("avlastning", NeedResponse.DECLINED, "Vi har ikke ansvar for transport."),
          ("allocation", NeedResponse.WAITING, "")])
    need(fill("Oppfølging av {childs} tøyning og ståstativ i skoletiden."), NeedSource.PLAN,
         [("school", NeedResponse.DECLINED, "Dette er fysioterapitjenestens ansvar."),
          ("physiotherapy", NeedResponse.DECLINED, "Vi har ikke kapasitet i skoletiden.")])
    need(fill("{sibling} ({sibling_word}) trenger noen å snakke med om {childs} sykdom."), NeedSource.MEETING, [])
    need("Opplæring av nye assistenter i epilepsiberedskap.", NeedSource.MEETING,
         [("habu", NeedResponse.ACCEPTED, fill("HABU holder kurs for skolen og avlastningen i {month}.",
                                                  month=MONTHS_NB[(today + timedelta(days=60)).month - 1]))])

    # documents: a decision letter and an application, stored like uploads
    docs = []
    letters = [
        (omsorg, omsorg_app, DocumentKind.DECISION, "Vedtak om omsorgsstønad (avslag)",
         fill("{municipality} kommune, Tildelingskontoret\n\n") + "VEDTAK OM OMSORGSSTØNAD\n\nSøknaden om omsorgsstønad er avslått. "
         "Kommunen mener at avlastningen dekker behovet for hjelp.\nHjemmel: helse- og omsorgstjenesteloven § 3-6.\n"
         "Du kan klage innen fire uker. Klagen sendes til Tildelingskontoret.\n"),
        (hjelp, None, DocumentKind.APPLICATION, "Søknad om forlenget hjelpestønad (utkast)",
         fill("Søknad om hjelpestønad for {child_full}.\n\n{child} trenger tilsyn og pleie hele døgnet på grunn "
              "av cerebral parese og epilepsi.\n")),
    ]
    for entry, app, kind, title, text in letters:
        content = ContentFile(text.encode("utf-8"), name="brev.txt")
        checked = check_upload(content, content.size)
        doc = Document(family=family, municipality_id=family.municipality_id, entry=entry, application=app,
                       kind=kind, title=title, original_name="brev.txt", content_type=checked.content_type,
                       extension=checked.extension, size=checked.size, sha256=checked.sha256,
                       uploaded_by=users.get("koordinator"), uploaded_at=ctx.aware(today - timedelta(days=8)))
        docs.append((doc, text))
    return docs, omsorg, users


def seed(ctx: DemoContext) -> None:
    builder = _Builder(ctx)
    today = ctx.today
    active = [f for f in ctx.families if f.status == FamilyStatus.ACTIVE and f.pk != getattr(ctx.demo_family, "pk", None)]
    children: dict[int, tuple[int, date | None, list]] = {}
    for family_id, child_id, birth, conditions in (Child.objects.filter(family__status=FamilyStatus.ACTIVE)
                                                   .order_by("pk").values_list("family_id", "pk", "birth_date",
                                                                               "condition_categories").iterator()):
        children.setdefault(family_id, (child_id, birth, conditions or []))
    for family in active:
        child_id, birth, conditions = children.get(family.pk, (None, None, []))
        created = family.created_at.date()
        builder.family_map(family, child_id, _age(birth, today), set(conditions), created)
        if builder.rng.random() < 0.3:
            builder.needs_for(family, child_id, created, builder.rng.choice([1, 1, 2, 3]))
    docs, omsorg, users = [], None, {}
    if ctx.demo_family is not None:
        docs, omsorg, users = _demo_family(builder, ctx)
    builder.save()
    bulk_insert(Delivery, builder.deliveries(), batch_size=5000)
    for doc, text in docs:
        doc.file.save("letter", ContentFile(text.encode("utf-8")), save=False)
    bulk_insert(Document, [doc for doc, _text in docs])
    if ctx.demo_family is not None:
        _access_demo(ctx, users)
    if ctx.demo_family is not None and users.get("koordinator") and users.get("forelder"):
        Notification.objects.create(family=ctx.demo_family, municipality_id=ctx.demo_family.municipality_id,
                                    recipient=users["koordinator"], kind=NotificationKind.FAMILY_UPDATE,
                                    entry=omsorg, actor=users["forelder"],
                                    created_at=ctx.aware(today - timedelta(days=9), 15))


def _access_demo(ctx: DemoContext, users: dict) -> None:
    """The demo family's road from "granted" to "delivered" and from "refused" to an appeal: the refused
    omsorgsstønad carries the decision's own reasons (the appeal outline starts from them) and the barnekoordinator's
    working draft; the respite care granted 48 hours a month is delivered about half (every other weekend is
    cancelled); a plan measure needs the omsorgsstønad decision and another has no application yet; an agreement in
    the coordination group's meeting became the støttekontakt application."""
    from los.meetings.models import Decision as Agreement
    from los.plans.models import Measure
    from los.servicemap.models import (
        AgreementApplication,
        AppealDraft,
        Delivery,
        DeliverySide,
        MeasureDecision,
    )

    family, today = ctx.demo_family, ctx.today
    entries = {e.catalog_id: e for e in ServiceEntry.objects.filter(family=family)}
    coordinator = users.get("koordinator")
    omsorg = entries.get("omsorgsstonad")
    if omsorg is not None:
        app = omsorg.applications.order_by("-sent_on").first()
        if app is not None:
            app.decision_reasons = ("Kommunen mener at avlastningen Mia har, dekker familiens behov for hjelp. "
                                    "Omsorgsarbeidet er ikke vurdert som særlig tyngende.")
            app.save(update_fields=["decision_reasons"])
            AppealDraft.objects.create(
                family=family, municipality_id=family.municipality_id, application=app, created_by=coordinator,
                updated_by=coordinator,
                text="Utkast (barnekoordinator): vise til pleiedagboka for september–november, nattevåk 4–5 netter "
                     "i uka. Be HABU om ny uttalelse før klagen sendes.")
    respite = entries.get("avlastning")
    if respite is not None and respite.period_from:
        rows, day = [], respite.period_from
        weekend = 0
        while day <= today:
            if day.weekday() == 4:  # granted every other Friday–Saturday; every second of those is cancelled
                weekend += 1
                if weekend % 4 == 1 and day + timedelta(days=1) <= today:
                    rows.append(Delivery(family=family, municipality_id=family.municipality_id, entry=respite,
                                         delivered_on=day, amount=Decimal(20), side=DeliverySide.FAMILY,
                                         recorded_by=users.get("forelder"), note="Fredag kl. 16 til lørdag kl. 12"))
            day += timedelta(days=1)
        bulk_insert(Delivery, rows)
    measures = list(Measure.objects.filter(family=family).order_by("pk")[:2])
    if measures and omsorg is not None:
        MeasureDecision.objects.create(family=family, municipality_id=family.municipality_id, measure=measures[0],
                                       entry=omsorg, created_by=coordinator)
    if len(measures) > 1:
        MeasureDecision.objects.create(family=family, municipality_id=family.municipality_id, measure=measures[1],
                                       entry=None, created_by=coordinator)
    agreement = Agreement.objects.filter(family=family).order_by("pk").first()
    if agreement is not None and entries.get("stottekontakt") is not None:
        AgreementApplication.objects.create(family=family, municipality_id=family.municipality_id,
                                            agreement=agreement, meeting_id=agreement.meeting_id,
                                            entry=entries["stottekontakt"], created_by=coordinator)
