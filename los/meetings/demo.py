"""Demo data for the coordination group: members, three years of meetings, minutes with attendance,
decisions and actions for the active families, and a rich, hand-shaped history for the demo family
(Familien Sæther).

Realism, from DOMAIN.md: about 3–5 meetings a year per family; the services coordinators find hardest
to involve (NAV, BUP, HABU, barnevern) are absent far more often than kindergarten, school and the
health clinic; most actions get done, some are overdue. Municipalities differ in whether their
delegation allows professionals-only meetings (fagmøte).

Everything is drawn with ``ctx.rng`` and written with ``bulk_create`` in chunks of families, with no
per-row queries, so the national scale (about 500,000 meetings and actions) stays fast and memory stays
flat.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from los.access.models import Category, Consent
from los.core.demo.bulk import bulk_insert, insert_rows
from los.core.demo.seed import DemoContext
from los.families.models import GUARDIAN_RELATIONS, Child, CoordinatorAssignment, FamilyMember, FamilyStatus
from los.meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    AgendaSource,
    Attendance,
    Decision,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingPolicy,
    MeetingStatus,
    MemberKind,
    Minutes,
    MinutesStatus,
)

OSLO = ZoneInfo("Europe/Oslo")
CHUNK = 2500  # families per round of inserts
BATCH = 5000
STALE_DAYS = 45  # an action is not left open this long after its due date
ATTENDANCE_FIELDS = ("family_id", "municipality_id", "meeting_id", "member_id", "service_provider_id", "invited",
                     "present")

# Chance that a member comes to a meeting. Research: NAV, BUP, HABU and barnevern are hardest to involve.
PRESENCE = {
    "family": 0.94, "coordinator": 0.985,
    "nav": 0.45, "bup": 0.55, "habu": 0.6, "barnevern": 0.55,
    "hospital": 0.6, "gp": 0.55, "ppt": 0.8, "avlastning": 0.8, "physiotherapy": 0.82,
    "occupational_therapy": 0.8, "home_care": 0.8, "allocation": 0.8,
    "kindergarten": 0.93, "school": 0.92, "sfo": 0.88, "helsestasjon": 0.92,
}

PLACES = ["Rådhuset, møterom 2", "Skolen, møterommet i 2. etasje", "Helsestasjonen", "Hjemme hos familien",
          "Barnehagen, personalrommet", "Servicetorget, møterom Fjorden", "Familiens bolig"]

MINUTES_TEXTS = [
    "Gjennomgang siden forrige møte. Familien forteller at hverdagen er mer forutsigbar, men at kveldene "
    "fortsatt er krevende. Skolen melder om god utvikling i klassen.",
    "Foreldrene ønsker mer oversikt over rettigheter og hva de kan søke om. Barnekoordinator går gjennom "
    "aktuelle ytelser og tjenester. Avlastning og hjelpestønad ble drøftet.",
    "Status for individuell plan. Målene fra forrige evaluering er delvis nådd. Søsken trenger et eget "
    "tilbud, og familien ønsker kontakt med en brukerorganisasjon.",
    "Overgang til nytt skoleår ble drøftet. PPT og skolen samarbeider om sakkyndig vurdering. Familien "
    "ønsker at alle møter holdes på ettermiddagen.",
    "Barnet har hatt en periode med mye sykdom. Behov for tettere samarbeid mellom skole og "
    "helsetjeneste. Hjelpemidler på skolen er bestilt.",
    "Kort møte. Familien opplever at tiltakene virker. Neste møte legges til rette for evaluering av planen.",
]
EXTRA_DECISIONS = [
    "Neste møte holdes om tre måneder.", "Familien ønsker at møtene holdes digitalt framover.",
    "Individuell plan evalueres i neste møte.", "Alle parter sender innspill til planen innen to uker.",
    "Barnekoordinator sender referatet til alle med samtykke.",
]
ACTIONS_BY_KIND = {
    "family": ["Sende inn søknad om grunnstønad", "Ta med legeerklæring til neste møte",
               "Avklare ferieplaner med avlastningen", "Melde seg på kurs for foreldre"],
    "coordinator": ["Søke om avlastning sammen med familien", "Undersøke rett til omsorgsstønad",
                    "Kalle inn til evaluering av individuell plan", "Kontakte NAV om hjelpemidler",
                    "Sette familien i kontakt med en brukerorganisasjon", "Finne et tilbud til søsken"],
    "school": ["Lage plan for friminutt og overganger", "Tilpasse timeplanen", "Melde behov for assistent"],
    "kindergarten": ["Lage plan for tilvenning", "Tilrettelegge for hvile i løpet av dagen"],
    "sfo": ["Tilrettelegge SFO-tilbudet i ferien"],
    "ppt": ["Skrive sakkyndig vurdering", "Observere i klassen og gi råd til skolen"],
    "helsestasjon": ["Følge opp ernæring og vekt", "Tilby samtale med helsesykepleier"],
    "habu": ["Sende utredningsrapport til PPT og skolen", "Veilede skolen om kommunikasjon"],
    "bup": ["Tilby samtaler til søsken", "Gi tilbakemelding på utredningen"],
    "nav": ["Behandle søknaden om hjelpestønad", "Avklare hjelpemidler med hjelpemiddelsentralen"],
    "barnevern": ["Vurdere hjelpetiltak i hjemmet"],
    "physiotherapy": ["Vurdere behov for ståstativ på skolen", "Lage treningsprogram for skolen"],
    "occupational_therapy": ["Kartlegge behov for tilrettelegging i hjemmet"],
    "avlastning": ["Lage plan for avlastningshelger"],
    "gp": ["Skrive legeerklæring til søknaden"],
    "hospital": ["Kalle inn til kontroll"],
}
FAMILY_WISHES = ["Søvnen om natten – trenger vi hjelp?", "Hva skjer med søknaden om avlastning?",
                 "Skoleskyss fra høsten", "Fritidsaktivitet for barnet", "Søsken trenger noen å snakke med",
                 "Ferien – hvordan får vi det til å gå?"]


@dataclass
class _Member:
    obj: GroupMember
    key: str  # "family", "coordinator" or the provider kind
    user_id: int | None


@dataclass
class _Plan:
    family_id: int
    municipality_id: int
    start: date
    members: list[_Member] = field(default_factory=list)
    demo: bool = False


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def seed(ctx: DemoContext) -> None:
    rng, today = ctx.rng, ctx.today
    municipality_ids = [m.id for m in ctx.municipalities]
    if not municipality_ids:
        return

    # --- the municipalities' delegation: about 55 % allow a fagmøte ------------------------------------
    demo_m = ctx.demo_family.municipality_id if ctx.demo_family else None
    policies = [MeetingPolicy(municipality_id=mid, allow_professional_meetings=mid == demo_m or rng.random() < 0.55,
                              reminder_days_before=rng.choice([2, 3, 3, 5]))
                for mid in municipality_ids]
    bulk_insert(MeetingPolicy, policies, batch_size=BATCH)
    allows = {p.municipality_id: p.allow_professional_meetings for p in policies}

    # --- what the core seed made, read once -----------------------------------------------------------
    active = {f.id: f for f in ctx.families if f.status == FamilyStatus.ACTIVE}
    assignments: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for fid, coordinator_id, started, ended in CoordinatorAssignment.objects.filter(
            municipality_id__in=municipality_ids).order_by("family_id", "started").values_list(
            "family_id", "coordinator_id", "started", "ended"):
        if fid in active:
            assignments[fid].append((coordinator_id, started, ended))
    guardians: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    for mid_, fid, relation, pr, dc, user_id in FamilyMember.objects.filter(
            municipality_id__in=municipality_ids).order_by("family_id", "id").values_list(
            "id", "family_id", "relation", "parental_responsibility", "daily_care", "user_id"):
        if fid in active and relation in GUARDIAN_RELATIONS and (pr or dc):
            guardians[fid].append((mid_, user_id))
    teens: dict[int, list[int]] = defaultdict(list)
    cutoff = date(today.year - 13, today.month, 1)
    for cid, fid in Child.objects.filter(municipality_id__in=municipality_ids, birth_date__lte=cutoff).order_by(
            "family_id", "id").values_list("id", "family_id"):
        if fid in active:
            teens[fid].append(cid)
    consents: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for fid, provider_id, categories, valid_from, withdrawn in Consent.objects.filter(
            municipality_id__in=municipality_ids, service_provider__isnull=False).order_by("id").values_list(
            "family_id", "service_provider_id", "categories", "valid_from", "withdrawn_at"):
        if fid in active and Category.MEETINGS in (categories or []):
            consents[fid].append((provider_id, valid_from.astimezone(OSLO).date(),
                                  withdrawn.astimezone(OSLO).date() if withdrawn else None))
    contact_of: dict[int, int] = {}
    kind_of: dict[int, str] = {}
    for mid in municipality_ids:
        for provider in ctx.providers.get(mid, []):
            kind_of[provider.id] = provider.kind
        for user, provider in ctx.contacts.get(mid, []):
            contact_of.setdefault(provider.id, user.id)

    family_ids = [fid for fid in active if assignments.get(fid)]
    for i in range(0, len(family_ids), CHUNK):
        _seed_chunk(ctx, family_ids[i:i + CHUNK], active, assignments, guardians, teens, consents, contact_of,
                    kind_of, allows)


def _seed_chunk(ctx, family_ids, active, assignments, guardians, teens, consents, contact_of, kind_of,
                allows) -> None:
    rng, today = ctx.rng, ctx.today
    demo_id = ctx.demo_family.id if ctx.demo_family else None
    story = ctx.story() if demo_id in family_ids else None
    child_name = story.child.given_name if story is not None else ""

    # --- members ------------------------------------------------------------------------------------
    plans: list[_Plan] = []
    members: list[GroupMember] = []
    for fid in family_ids:
        family = active[fid]
        mid = family.municipality_id
        start = assignments[fid][0][1]
        plan = _Plan(fid, mid, start, demo=fid == demo_id)

        def add(key: str, login_id: int | None, joined: date, left: date | None = None, *, plan=plan, fid=fid,
                mid=mid, **kw) -> None:
            obj = GroupMember(family_id=fid, municipality_id=mid, joined=joined, left=left, **kw)
            members.append(obj)
            plan.members.append(_Member(obj, key, login_id))

        for member_id, user_id in guardians.get(fid, [])[:2]:
            add("family", user_id, start, kind=MemberKind.FAMILY, family_member_id=member_id)
        for child_id in teens.get(fid, [])[:1]:
            if plan.demo or rng.random() < 0.4:
                add("family", None, start, kind=MemberKind.FAMILY, child_id=child_id, role_title="Barnet selv")
        for coordinator_id, started, ended in assignments[fid]:
            add("coordinator", coordinator_id, started, ended, kind=MemberKind.COORDINATOR, user_id=coordinator_id,
                role_title="Barnekoordinator")
        seen: set[int] = set()
        for provider_id, valid_from, withdrawn in consents.get(fid, []):
            user_id = contact_of.get(provider_id)
            if user_id is None or provider_id in seen:
                continue
            seen.add(provider_id)
            joined = max(valid_from, start)
            left = withdrawn if withdrawn and withdrawn > joined else None
            add(kind_of.get(provider_id, "other"), user_id, joined, left, kind=MemberKind.SERVICE, user_id=user_id,
                service_provider_id=provider_id)
        plans.append(plan)
    bulk_insert(GroupMember, members, batch_size=BATCH)

    # --- meetings -----------------------------------------------------------------------------------
    meetings: list[Meeting] = []
    per_plan: list[list[tuple[Meeting, list[_Member], _Member | None]]] = []
    horizon = today + timedelta(days=75)
    for plan in plans:
        rows = []
        day = plan.start + timedelta(days=rng.randint(7, 30))
        index = 0
        # the demo family always has its next meeting scheduled, even when the last one falls on today
        while day <= horizon or (plan.demo and not any(r[0].status == MeetingStatus.SCHEDULED for r in rows)):
            day = _weekday(day)
            day_members = [m for m in plan.members if m.obj.joined <= day and (m.obj.left is None or m.obj.left > day)]
            coordinator = next((m for m in day_members if m.key == "coordinator"), None)
            if plan.demo:  # the demo family: one fagmøte and one cancellation to show
                professional = index == 2 and bool(allows.get(plan.municipality_id))
            else:
                professional = index > 0 and bool(allows.get(plan.municipality_id)) and rng.random() < 0.07
            invited = [m for m in day_members if not (professional and m.key == "family")]
            hour = rng.choice([8, 9, 10, 12, 13, 14])
            minute = rng.choice([0, 0, 30])
            start = _aware(day, hour, minute)
            end = start + timedelta(minutes=rng.choice([60, 60, 90]))
            if day > today:
                status = MeetingStatus.SCHEDULED
            elif plan.demo:
                status = MeetingStatus.CANCELLED if index == 1 else MeetingStatus.HELD
            else:
                status = MeetingStatus.CANCELLED if rng.random() < 0.07 else MeetingStatus.HELD
            place, video, phone = _where(rng)
            created = start - timedelta(days=rng.randint(10, 35))
            meeting = Meeting(
                family_id=plan.family_id, municipality_id=plan.municipality_id,
                kind=MeetingKind.PROFESSIONAL if professional else MeetingKind.COORDINATION,
                starts_at=start, ends_at=end, place=place, video_link=video, phone=phone, status=status,
                cancel_reason="Sykdom i familien" if status == MeetingStatus.CANCELLED else "",
                ical_uid=f"{rng.getrandbits(64):016x}{rng.getrandbits(64):016x}@los.demo",
                ical_sequence=1 if status == MeetingStatus.CANCELLED else rng.choice([0, 0, 0, 1]),
                created_by_id=coordinator.user_id if coordinator else None, created_at=created,
                updated_at=created,
            )
            meetings.append(meeting)
            rows.append((meeting, invited, coordinator))
            index += 1
            if plan.demo:  # tight follow-up in the first half year, then as usual
                gap = rng.randint(26, 36) if (day - plan.start).days < 180 else rng.randint(60, 100)
            else:
                gap = int(rng.uniform(73, 122))
            day = day + timedelta(days=gap)
        per_plan.append(rows)
    bulk_insert(Meeting, meetings, batch_size=BATCH)

    # --- attendance, minutes, decisions, agenda ------------------------------------------------------
    attendance: list[tuple] = []  # plain rows: nobody needs their ids
    minutes: list[Minutes] = []
    decisions: list[Decision] = []
    agenda: list[AgendaItem] = []
    # (decision, meeting, owner, due date, title, keep open)
    pending_actions: list[tuple[Decision | None, Meeting, _Member, date, str, bool]] = []
    for plan, rows in zip(plans, per_plan, strict=True):
        held = [r for r in rows if r[0].status == MeetingStatus.HELD]
        last_held = held[-1][0] if held else None
        for meeting, invited, coordinator in rows:
            is_held = meeting.status == MeetingStatus.HELD
            present_members = []
            for m in invited:
                present = None
                if is_held:
                    present = rng.random() < PRESENCE.get(m.key, 0.8)
                    if present:
                        present_members.append(m)
                attendance.append((plan.family_id, plan.municipality_id, meeting.pk, m.obj.pk,
                                   m.obj.service_provider_id, True, present))
            day = meeting.starts_at.astimezone(OSLO).date()
            if meeting.status == MeetingStatus.SCHEDULED:
                if meeting.kind == MeetingKind.COORDINATION and (plan.demo or rng.random() < 0.35):
                    family_users = [m.user_id for m in plan.members if m.key == "family" and m.user_id]
                    for title in rng.sample(FAMILY_WISHES, 2 if plan.demo else 1):
                        agenda.append(AgendaItem(
                            family_id=plan.family_id, municipality_id=plan.municipality_id, meeting_id=meeting.pk,
                            title=title, source=AgendaSource.FAMILY_WISH,
                            added_by_id=family_users[0] if family_users else None,
                            created_at=_aware(min(today, day), 8)))
                continue
            if not is_held:
                continue
            draft = meeting is last_held and (today - day).days <= 14 and (plan.demo or rng.random() < 0.5)
            approver = coordinator.user_id if coordinator else None
            minutes.append(Minutes(
                family_id=plan.family_id, municipality_id=plan.municipality_id, meeting_id=meeting.pk,
                text=_about(rng.choice(MINUTES_TEXTS), child_name if plan.demo else ""),
                version=rng.randint(2, 6),
                status=MinutesStatus.DRAFT if draft or approver is None else MinutesStatus.APPROVED,
                updated_at=meeting.ends_at + timedelta(hours=rng.randint(1, 30)), updated_by_id=approver,
                approved_at=None if draft else meeting.ends_at + timedelta(days=rng.randint(1, 5)),
                approved_by_id=None if draft else approver))
            owners = present_members or invited
            for _ in range(rng.choice([1, 1, 2, 2, 3]) if not plan.demo else 3):
                owner = _pick_owner(rng, owners)
                if owner is None:
                    break
                title = rng.choice(ACTIONS_BY_KIND.get(owner.key, ACTIONS_BY_KIND["coordinator"]))
                decision = None
                if rng.random() < 0.7:
                    decision = Decision(family_id=plan.family_id, municipality_id=plan.municipality_id,
                                        meeting_id=meeting.pk, text=title, created_by_id=approver,
                                        created_at=meeting.ends_at)
                    decisions.append(decision)
                due = day + timedelta(days=rng.randint(14, 75))
                pending_actions.append((decision, meeting, owner, due, title, False))
            if rng.random() < 0.5:
                decisions.append(Decision(family_id=plan.family_id, municipality_id=plan.municipality_id,
                                          meeting_id=meeting.pk, text=rng.choice(EXTRA_DECISIONS),
                                          created_by_id=approver, created_at=meeting.ends_at))
    insert_rows(Attendance, ATTENDANCE_FIELDS, attendance, batch_size=BATCH)
    bulk_insert(Minutes, minutes, batch_size=BATCH)
    bulk_insert(Decision, decisions, batch_size=BATCH)
    bulk_insert(AgendaItem, agenda, batch_size=BATCH)

    demo_plan = next((p for p in plans if p.demo), None)
    if demo_plan is not None:
        pending_actions.extend(_demo_actions(today, demo_plan, per_plan[plans.index(demo_plan)]))

    # --- actions: most done, some overdue -------------------------------------------------------------
    actions: list[Action] = []
    for decision, meeting, owner, due, title, keep_open in pending_actions:
        meeting_day = meeting.starts_at.astimezone(OSLO).date()
        # long overdue actions are not left lying: they were done (or followed up at the next meeting)
        roll = rng.random()
        done = not keep_open and (due < today - timedelta(days=STALE_DAYS) or roll < (0.86 if due < today else 0.3))
        done_day = min(today, max(meeting_day + timedelta(days=1), due + timedelta(days=rng.randint(-20, 10))))
        actions.append(Action(
            family_id=meeting.family_id, municipality_id=meeting.municipality_id, meeting_id=meeting.pk,
            decision_id=decision.pk if decision else None, title=title, owner_member_id=owner.obj.pk,
            owner_id=owner.user_id, service_provider_id=owner.obj.service_provider_id, due_date=due,
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            done_at=_aware(done_day, 15) if done else None, done_by_id=owner.user_id if done else None,
            created_by_id=meeting.created_by_id, created_at=meeting.ends_at,
        ))
    bulk_insert(Action, actions, batch_size=BATCH)


def _about(text: str, child_name: str) -> str:
    """The minutes of the demo family name its child, as its records do."""
    return text.replace("Barnet ", f"{child_name} ").replace("barnet", child_name) if child_name else text


def _where(rng) -> tuple[str, str, str]:
    roll = rng.random()
    if roll < 0.25:
        return "", f"https://video.example/los/{rng.getrandbits(32):08x}", ""
    if roll < 0.3:
        return "", "", f"{rng.randint(40000000, 99999999)}"
    return rng.choice(PLACES), "", ""


def _pick_owner(rng, members: list[_Member]) -> _Member | None:
    if not members:
        return None
    weights = [1.0 if m.key == "family" else 2.5 if m.key == "coordinator" else 2.0 for m in members]
    return rng.choices(members, weights=weights)[0]


def _demo_actions(today: date, plan: _Plan, rows) -> list:
    """Open actions for the demo log-ins, so "My actions", reminders and the next agenda have content:
    one for the school contact, one overdue for HABU, one for the coordinator and one for a parent.
    """
    held = [meeting for meeting, _invited, _c in rows
            if meeting.status == MeetingStatus.HELD and meeting.kind == MeetingKind.COORDINATION]
    if not held:
        return []
    last = held[-1]
    earlier = held[-2] if len(held) > 1 else last
    by_key: dict[str, _Member] = {}
    for m in plan.members:
        if m.obj.left is None:
            by_key.setdefault(m.key if m.key != "family" or m.user_id else "family_nologin", m)
    wanted = [("school", last, 10, "Lage plan for friminutt og overganger"),
              ("habu", earlier, -6, "Sende utredningsrapport til PPT og skolen"),
              ("coordinator", last, 4, "Søke om avlastning sammen med familien"),
              ("family", last, 12, "Ta med legeerklæring til neste møte")]
    out = []
    for key, meeting, days, title in wanted:
        member = by_key.get(key)
        if member is None:
            continue
        meeting_day = meeting.starts_at.astimezone(OSLO).date()
        due = max(today + timedelta(days=days), meeting_day + timedelta(days=7))
        out.append((None, meeting, member, due, title, True))
    return out
