"""Demo data for transitions: transition plans opened on time for every active family with a transition due
(school start, lower and upper secondary school, turning 18), with progress on the checklist and tasks that
matches how long the plan has been open, what the child says, and for the demo family (Familien Sæther:
the child has no transition due) an earlier, finished plan for a new contact person at school and a handover
summary shared with the school under the family's consent.

The demo municipality is sure to show at least two other families with an open transition plan, and a plan for
each of school start, secondary school and turning 18 when a child of that age exists there.

Everything is drawn with ``ctx.rng`` and written in bulk per chunk of families (no per-row saves in loops over
families), so the national scale stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from los.access.models import Consent
from los.accounts.models import User
from los.core.demo.bulk import bulk_set
from los.core.demo.seed import DemoContext
from los.core.models import ProviderKind
from los.families.models import FamilyStatus
from los.transitions import checklists, planner, services
from los.transitions.models import (
    ChecklistGroup,
    ChecklistItem,
    HandoverSummary,
    PlanStatus,
    ReceiverKind,
    TaskStatus,
    TransitionKind,
    TransitionPlan,
    TransitionSettings,
    TransitionTask,
)

CHUNK = 5000
CHILD_VIEWS = {
    TransitionKind.KINDERGARTEN: ["Hun ler når hun får være ute og leke i sand. Blir urolig av mye støy.",
                                 "Han viser med tegn når han er sulten eller trøtt. Liker sangstunder."],
    TransitionKind.SCHOOL_START: ["Gleder seg til å få sekk og egen pult. Er redd for å gå seg bort i det store "
                                  "skolebygget.",
                                  "Vil gjerne gå i samme klasse som bestevennen fra barnehagen. Liker å tegne."],
    TransitionKind.LOWER_SECONDARY: ["Gleder seg til nye fag, men er bekymret for å måtte fortelle alt på nytt "
                                     "til nye lærere.",
                                     "Vil ikke ha assistent som sitter ved siden av seg i timene, men vil ha et "
                                     "sted å trekke seg tilbake i friminuttene."],
    TransitionKind.UPPER_SECONDARY: ["Vil gå helse- og oppvekstfag. Trenger hjelp til å få lagt om timeplanen "
                                     "rundt behandlinger.",
                                     "Ønsker å prøve seg på yrkesfag med praksis. Vil selv bestemme hva skolen "
                                     "får vite om helsen."],
    TransitionKind.TURNING_18: ["Vil bo for seg selv etter hvert, men ikke med en gang. Ønsker å fortsette med "
                                "fotballaget.",
                                "Ønsker jobb med tilrettelegging. Vil ha med mamma på møtene med NAV, men ikke på "
                                "legetimene."],
}
NOTES = ["Skolen har fått vite om behov for hjelpemidler. Ergoterapeut ser på klasserommet.",
         "Familien ønsker ettermiddagsmøter. Far deltar digitalt.",
         "PPT har startet sakkyndig vurdering.",
         ""]


def _backdated_progress(ctx: DemoContext, plans: list[TransitionPlan]) -> None:
    """Tick off checklist lines and tasks in proportion to how far the plan has come."""
    if not plans:
        return
    rng, today = ctx.rng, ctx.today
    by_id = {p.pk: p for p in plans}
    items = list(ChecklistItem.objects.filter(plan_id__in=list(by_id)).order_by("plan_id", "position"))
    tasks = list(TransitionTask.objects.filter(plan_id__in=list(by_id)).order_by("plan_id", "due_date"))
    done_items, done_tasks = [], []
    for item in items:
        plan = by_id[item.plan_id]
        span = max((plan.transition_date - plan.opened_on).days, 1)
        progress = min(max((today - plan.opened_on).days / span, 0.0), 1.0)
        if item.group != ChecklistGroup.CHILD and rng.random() < progress * 0.9:
            item.done, item.done_on, item.done_by_id = True, plan.opened_on + timedelta(
                days=int((today - plan.opened_on).days * rng.random())), plan.owner_id
            done_items.append(item)
    for task in tasks:
        plan = by_id[task.plan_id]
        if task.due_date < today and rng.random() < 0.8:
            task.status, task.done_by_id = TaskStatus.DONE, plan.owner_id
            task.done_at = ctx.aware(max(plan.opened_on, task.due_date - timedelta(days=rng.randint(0, 10))), 14)
            done_tasks.append(task)
    bulk_set(ChecklistItem, done_items, ["done", "done_on", "done_by"])
    bulk_set(TransitionTask, done_tasks, ["status", "done_at", "done_by"])
    schools = defaultdict(list)
    for pairs in ctx.providers.values():
        for provider in pairs:
            if provider.kind == ProviderKind.SCHOOL:
                schools[provider.municipality_id].append(provider)
    changed = []
    for plan in plans:
        if plan.kind in CHILD_VIEWS and rng.random() < 0.6:
            plan.child_view = rng.choice(CHILD_VIEWS[plan.kind])
        plan.notes = rng.choice(NOTES)
        if plan.kind in (TransitionKind.SCHOOL_START, TransitionKind.LOWER_SECONDARY) and schools.get(
                plan.municipality_id):
            plan.receiving_provider = rng.choice(schools[plan.municipality_id])
        changed.append(plan)
    bulk_set(TransitionPlan, changed, ["child_view", "notes", "receiving_provider"])


def _open_on_time(ctx: DemoContext) -> list[TransitionPlan]:
    active = [f for f in ctx.families if f.status == FamilyStatus.ACTIVE]
    opened: list[TransitionPlan] = []
    for start in range(0, len(active), CHUNK):
        chunk = active[start:start + CHUNK]
        plans = services.open_plans(planner.due_transitions(chunk, ctx.today), today=ctx.today, backdate=True)
        _backdated_progress(ctx, plans)
        opened += plans
    return opened


def _make_sure_the_demo_municipality_shows_plans(ctx: DemoContext) -> None:
    """At least two families besides the demo family, and one plan per kind where a child of that age exists."""
    demo = ctx.demo_family
    if demo is None:
        return
    families = [f for f in ctx.families if f.municipality_id == demo.municipality_id
                and f.status == FamilyStatus.ACTIVE and f.pk != demo.pk]
    open_plans = TransitionPlan.objects.filter(municipality_id=demo.municipality_id, status=PlanStatus.OPEN)
    kinds_present = set(open_plans.values_list("kind", flat=True))
    families_with = set(open_plans.exclude(family_id=demo.pk).values_list("family_id", flat=True))
    candidates = []
    for family in families:
        for t in planner.family_transitions(family, ctx.today, horizon_months=24):
            if t.kind in planner.AGE_DATES:
                candidates.append(t)
    candidates.sort(key=lambda t: (t.on, t.family_id))
    coordinators = services.active_coordinators({t.family_id for t in candidates}, ctx.today)
    wanted = []
    groups = [(TransitionKind.SCHOOL_START,), (TransitionKind.LOWER_SECONDARY, TransitionKind.UPPER_SECONDARY),
              (TransitionKind.TURNING_18,)]
    for kinds in groups:
        if kinds_present & set(kinds):
            continue
        found = next((t for t in candidates if t.kind in kinds and t.family_id in coordinators), None)
        if found is not None:
            wanted.append(found)
            families_with.add(found.family_id)
    for t in candidates:
        if len(families_with) >= 2:
            break
        if t.family_id not in families_with and t.family_id in coordinators:
            wanted.append(t)
            families_with.add(t.family_id)
    plans = []
    people = User.objects.in_bulk({coordinators[t.family_id] for t in wanted})
    for t in wanted:  # opened early by hand by the family's coordinator
        plans += services.open_plans([t], today=ctx.today, by=people[coordinators[t.family_id]])
    _backdated_progress(ctx, plans)


def _demo_family(ctx: DemoContext) -> None:
    """An earlier, finished plan (a new contact teacher) and a handover summary shared with the school."""
    family = ctx.demo_family
    if family is None:
        return
    today = ctx.today
    coordinator = User.objects.filter(username="koordinator").first()
    child = family.children.order_by("birth_date").first()
    story = ctx.story()
    if story is None:
        return
    school = story.providers.get(ProviderKind.SCHOOL)  # the school the family has consented to
    contact = User.objects.filter(username="kontakt.skole").first()
    changed_on = today - timedelta(days=240)
    key = f"new_contact:demo:{family.pk}"
    if not TransitionPlan.objects.filter(family=family, key=key).exists():
        plan = TransitionPlan.objects.create(
            family=family, municipality_id=family.municipality_id, child=child, kind=TransitionKind.NEW_CONTACT,
            key=key, transition_date=changed_on, opened_on=changed_on, opened_automatically=True,
            owner=coordinator, receiving_provider=school, status=PlanStatus.DONE,
            closed_on=changed_on + timedelta(days=45), closed_by=coordinator,
            child_view=story.fill("{child} vil at den nye kontaktlæreren skal vite at hun blir sliten etter lunsj, og at hun liker "
                       "å svare muntlig i stedet for å skrive."),
            what_worked=story.fill("Overlappingsmøte mellom gammel og ny kontaktlærer sammen med familien. {child} "
                                   "fikk møte {teacher} før hun begynte i klassen. Fast plan for hvilestund etter "
                                   "lunsj ble videreført."),
            created_at=ctx.aware(changed_on, 8))
        params = {"name": child.given_name if child else ""}
        rows = [ChecklistItem(plan=plan, family=family, municipality_id=family.municipality_id, group=group, code=code,
                              params=params, position=i + 1, done=True, done_on=changed_on + timedelta(days=10 + i),
                              done_by=coordinator, created_at=plan.created_at)
                for i, (group, code) in enumerate(checklists.CHECKLISTS[TransitionKind.NEW_CONTACT])]
        ChecklistItem.objects.bulk_create(rows)
        TransitionTask.objects.create(plan=plan, family=family, municipality_id=family.municipality_id,
                                      code="introduce", params=params, owner=contact or coordinator,
                                      owner_provider=school, due_date=changed_on + timedelta(days=14),
                                      status=TaskStatus.DONE, done_at=ctx.aware(changed_on + timedelta(days=12), 15),
                                      done_by=contact or coordinator, created_at=plan.created_at)
    now = timezone.now()
    school_consent = (Consent.objects.filter(family=family, service_provider=school, withdrawn_at__isnull=True,
                                             valid_to__gt=now).first() if school else None)
    if school_consent is not None and not HandoverSummary.objects.filter(family=family).exists():
        from los.transitions.handover import Receiver, verdicts_for

        verdicts = verdicts_for(Receiver(ReceiverKind.RECEIVING_SCHOOL, contact, school), family)
        HandoverSummary.objects.create(
            family=family, municipality_id=family.municipality_id, receiver_kind=ReceiverKind.RECEIVING_SCHOOL,
            receiver_provider=school, receiver_user=contact,
            note=story.fill("Til ny kontaktlærer: dette er det viktigste å vite om {child} og familien. Ta gjerne "
                            "kontakt med meg."),
            included=[k for k, v in verdicts.items() if v.allowed],
            left_out=[{"key": k, "basis": v.basis} for k, v in verdicts.items() if not v.allowed],
            created_by=coordinator, created_at=ctx.aware(changed_on - timedelta(days=5), 11))


def seed(ctx: DemoContext) -> None:
    if ctx.municipalities:
        demo_m = ctx.demo_family.municipality_id if ctx.demo_family else ctx.municipalities[0].pk
        TransitionSettings.objects.get_or_create(municipality_id=demo_m)
    _open_on_time(ctx)
    _make_sure_the_demo_municipality_shows_plans(ctx)
    _demo_family(ctx)

