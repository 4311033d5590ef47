"""The application kit: everything a family needs to apply for one entry of the navigator's catalogue.

"Writing applications is some of the heaviest thing I do." For each right or service the kit says

- **what to attach and why** (:data:`KITS`: a few kinds of attachment per entry, each with the reason the agency
  wants it, and the navigator's own "what to attach" text);
- **which of those Los already holds**: the individual plan, approved minutes of the coordination group, earlier
  decisions and letters, documents the family or the coordinator uploaded for another application (a medical
  statement uploaded for the attendance benefit serves the care allowance too: nothing is uploaded twice), and the
  care diary's sums;
- **what is still missing**, with a place to upload it once;
- **a draft of the application's factual part** in the family's own written language, prefilled from what Los
  knows: the child, the family's story in its own words, the care diary, why the navigator thinks the family
  qualifies (reasons that quote the family's facts), the services the family already has, and the list of
  attachments. The family edits it and sends the application through the provider's own channel (nav.no, the
  municipality's form): **Los does not submit to NAV or anyone else.**

Only what the viewer may see goes into a kit or a draft: :func:`build_kit` reads every family-data row through the
redaction step (``los.access.disclosure``) for the person asking, and asks before it reads a row of a category that
person may not see, so a service contact under a consent gets a kit without the family's health information, and a
guardian a draft without what a young person aged 16 or more has not shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from los.access import disclosure
from los.access.classification import row_category
from los.access.models import Category
from los.access.policy import Action, decide
from los.accounts.models import User
from los.core.dates import format_day
from los.families.models import Child, Family, FamilyMember
from los.servicemap import catalog
from los.servicemap.models import Application, Decision, Document, DocumentKind, EntryState, ServiceEntry

MEDICAL, STATEMENTS, EXPERT, DIARY, PLAN, MINUTES, DECISIONS, EXPENSES = (
    "medical", "statements", "expert", "diary", "plan", "minutes", "decisions", "expenses")


@dataclass(frozen=True)
class ItemSpec:
    key: str
    label: Promise
    why: Promise
    #: the kind of document that satisfies it, when it is a document
    document_kind: str = ""


ITEMS: dict[str, ItemSpec] = {
    MEDICAL: ItemSpec(MEDICAL, gettext_lazy("A medical statement (legeerklæring)"),
                      gettext_lazy("The agency needs a doctor’s description of the diagnosis, how long it will last "
                                   "and what it means for the child day to day."), DocumentKind.MEDICAL),
    STATEMENTS: ItemSpec(STATEMENTS, gettext_lazy("Statements from people who know the child"),
                         gettext_lazy("The kindergarten, the school, HABU or a therapist describe what the child "
                                      "needs in other words than the family’s, and the agency gives them weight."),
                         DocumentKind.STATEMENT),
    EXPERT: ItemSpec(EXPERT, gettext_lazy("The expert assessment from PPT (sakkyndig vurdering)"),
                     gettext_lazy("Special needs education is decided from PPT’s expert assessment: without it there "
                                  "is no decision."), DocumentKind.EXPERT),
    DIARY: ItemSpec(DIARY, gettext_lazy("The care diary: supervision, care and nights"),
                    gettext_lazy("It shows, week by week, how many hours the family spends beyond what is usual for "
                                 "the age, and the nights: what the agency weighs when it decides.")),
    PLAN: ItemSpec(PLAN, gettext_lazy("The individual plan"),
                   gettext_lazy("It shows the family’s goals and the measures the services have agreed on, and who "
                                "is responsible for each.")),
    MINUTES: ItemSpec(MINUTES, gettext_lazy("Minutes from the coordination group"),
                      gettext_lazy("They show what the services agreed the child needs, in meetings where the family "
                                   "took part.")),
    DECISIONS: ItemSpec(DECISIONS, gettext_lazy("Earlier decisions"),
                        gettext_lazy("What has been granted or refused before (for example the attendance benefit "
                                     "before the care allowance), so that the agency sees the whole picture."),
                        DocumentKind.DECISION),
    EXPENSES: ItemSpec(EXPENSES, gettext_lazy("An overview of the extra expenses, with receipts"),
                       gettext_lazy("The basic benefit covers lasting extra expenses: NAV wants to see what they are "
                                    "and what they cost.")),
}

#: What each entry of the catalogue asks for, most important first. Entries not listed get :data:`DEFAULT_KIT`.
KITS: dict[str, tuple[str, ...]] = {
    "hjelpestonad": (MEDICAL, DIARY, STATEMENTS, DECISIONS, PLAN),
    "grunnstonad": (MEDICAL, EXPENSES, DECISIONS),
    "omsorgsstonad": (DIARY, DECISIONS, MEDICAL, PLAN, MINUTES),
    "avlastning": (DIARY, PLAN, MINUTES, STATEMENTS, DECISIONS),
    "bpa": (DIARY, MEDICAL, PLAN, STATEMENTS, DECISIONS),
    "stottekontakt": (PLAN, MINUTES, STATEMENTS),
    "pleiepenger": (MEDICAL, DIARY),
    "omsorgspenger_utvidet": (MEDICAL,),
    "opplaeringspenger": (MEDICAL, STATEMENTS),
    "spesialpedagogisk_hjelp": (EXPERT, STATEMENTS, PLAN, MINUTES),
    "tilrettelagt_opplaering": (EXPERT, STATEMENTS, PLAN, MINUTES),
    "tilrettelegging_barnehage": (STATEMENTS, EXPERT, PLAN),
    "sfo_tilrettelegging": (STATEMENTS, PLAN),
    "barnehage_prioritet": (MEDICAL, STATEMENTS),
    "hjelpemidler": (MEDICAL, STATEMENTS, DECISIONS),
    "bilstonad": (MEDICAL, STATEMENTS, DECISIONS),
    "tt_ordning": (MEDICAL,),
    "parkeringstillatelse": (MEDICAL,),
    "ledsagerbevis": (MEDICAL,),
    "helsetjenester_hjemme": (DIARY, MEDICAL, PLAN),
    "pararendeopplaering": (DIARY, PLAN, MINUTES),
    "barnekoordinator": (STATEMENTS, MINUTES),
    "individuell_plan": (MINUTES, STATEMENTS),
}
DEFAULT_KIT = (STATEMENTS, DECISIONS, PLAN)

#: Entries where the hours of care are the heart of the application: the draft says what the diary shows.
CARE_HOURS = {"hjelpestonad", "omsorgsstonad", "avlastning", "bpa", "pleiepenger", "helsetjenester_hjemme",
              "pararendeopplaering"}


@dataclass
class Held:
    """Something Los already holds that serves as an attachment."""

    title: str
    detail: str = ""
    url: str = ""


@dataclass
class KitItem:
    spec: ItemSpec
    held: list[Held] = field(default_factory=list)
    #: False when the viewer may not see what Los holds of this kind (then Los does not say whether it has it)
    visible: bool = True

    @property
    def missing(self) -> bool:
        return self.visible and not self.held

    @property
    def upload_kind(self) -> str:
        return self.spec.document_kind


@dataclass
class Kit:
    family: Family
    catalog_id: str
    name: str
    child: Child | None
    entry: ServiceEntry | None
    items: list[KitItem]
    attach_text: str = ""
    how_to_apply: str = ""
    provider: str = ""
    reasons: list[str] = field(default_factory=list)
    draft: str = ""
    draft_language: str = "nb"

    @property
    def missing(self) -> list[KitItem]:
        return [item for item in self.items if item.missing]


def kit_ids() -> list[str]:
    return sorted(catalog.catalog_ids())


def spec_for(catalog_id: str) -> tuple[str, ...]:
    return KITS.get(catalog_id, DEFAULT_KIT)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _sees(obj: Any) -> bool:
    """Whether the current viewer may see ``obj``'s row (its category, narrowed by its state)."""
    with disclosure.unobserved():
        category = row_category(obj)
    return disclosure.may_see(obj, category)


def _date(day: date | None) -> str:
    return format_day(day) if day else ""


# --------------------------------------------------------------------------------------------------
# What Los holds
# --------------------------------------------------------------------------------------------------


def _documents(family: Family, kind: str) -> tuple[list[Held], bool]:
    probe = Document(family=family, municipality_id=family.municipality_id)
    if not disclosure.may_see(probe, Category.DOCUMENTS):
        return [], False
    rows = Document.objects.filter(family=family, kind=kind).select_related("entry").order_by("-uploaded_at")[:10]
    held = []
    for doc in rows:
        entry_name = doc.entry.name if disclosure.may_see(doc.entry, Category.SERVICES) else ""
        detail = _("Uploaded %(date)s") % {"date": _date(doc.uploaded_at.date())}
        if entry_name:
            detail = _("Uploaded %(date)s for %(service)s") % {"date": _date(doc.uploaded_at.date()),
                                                               "service": entry_name}
        held.append(Held(doc.title, detail, _url("servicemap:document_download", doc.pk)))
    return held, True


def _decisions(family: Family, catalog_id: str) -> tuple[list[Held], bool]:
    held, visible = _documents(family, DocumentKind.DECISION)
    probe = ServiceEntry(family=family, municipality_id=family.municipality_id)
    if not disclosure.may_see(probe, Category.SERVICES):
        return held, visible
    apps = (Application.objects.filter(family=family).exclude(decision=Decision.PENDING)
            .exclude(entry__catalog_id=catalog_id).select_related("entry").order_by("-decision_on", "-id")[:8])
    for app in apps:
        if app.documents.filter(kind=DocumentKind.DECISION).exists():
            continue  # its letter is listed above
        held.append(Held(_("%(service)s: %(decision)s") % {"service": app.entry.name,
                                                          "decision": app.get_decision_display().lower()},
                         _("Decided %(date)s (recorded in Los; attach the letter itself)") % {
                             "date": _date(app.decision_on)} if app.decision_on else _("Recorded in Los"),
                         _url("servicemap:entry_detail", app.entry_id)))
    return held, True


def _plan(family: Family, user: User) -> tuple[list[Held], bool]:
    from los.plans.models import Plan, PlanStatus

    plan = Plan.objects.filter(family=family, status=PlanStatus.ACTIVE).first()
    probe = plan or Plan(family=family, municipality_id=family.municipality_id)
    if not disclosure.may_see(probe, Category.PLAN):
        return [], False
    if plan is None:
        return [], True
    return [Held(_("The individual plan, version %(n)s") % {"n": plan.revision},
                 _("Last changed %(date)s") % {"date": _date(plan.updated_at.date())},
                 _url("plans:plan_pdf", plan.pk) if decide(user, Action.EXPORT, plan).allowed else "")], True


def _minutes(family: Family, today: date) -> tuple[list[Held], bool]:
    from los.meetings.models import Meeting, MeetingKind, Minutes, MinutesStatus

    probe = Meeting(family=family, municipality_id=family.municipality_id)
    if not disclosure.may_see(probe, Category.MEETINGS):
        return [], False
    since = today - timedelta(days=548)
    rows = (Minutes.objects.filter(family=family, status=MinutesStatus.APPROVED, meeting__kind=MeetingKind.COORDINATION,
                                   meeting__starts_at__date__gte=since)
            .select_related("meeting").order_by("-meeting__starts_at")[:6])
    held = [Held(_("Minutes of the meeting on %(date)s") % {"date": _date(m.meeting.starts_at.date())}, "",
                 _url("meetings:minutes", m.meeting_id)) for m in rows if _sees(m)]
    return held, True


def _diary(family: Family, child: Child | None, today: date) -> tuple[list[Held], bool, Any]:
    from los.carediary import selectors as diary_selectors
    from los.carediary.models import CareDiary

    if child is None:
        return [], True, None
    diary = CareDiary.objects.filter(family=family, child=child).first()
    probe = diary or CareDiary(family=family, municipality_id=family.municipality_id, child=child)
    if not disclosure.may_see(probe, Category.HEALTH):
        return [], False, None
    summary = diary_selectors.latest_summary_for(family, child, today)
    if summary is None:
        return [], True, None
    url = _url("carediary:diary", family.pk)
    url = f"{url}?barn={child.pk}#diary-sums-section" if url else ""
    total = summary.total
    held = [Held(_("The care diary for %(name)s") % {"name": child.given_name},
                 _("%(days)s days recorded in the last 12 weeks. Download it as a dated PDF.") % {
                     "days": total.days_recorded}, url)]
    return held, True, summary


# --------------------------------------------------------------------------------------------------
# The draft
# --------------------------------------------------------------------------------------------------


def _hours(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    return formats.number_format(round(minutes / 60, 1), 1)


def _story(family: Family) -> Any:
    from los.portal.models import FamilyStory

    story = FamilyStory.objects.filter(family=family).first()
    if story is None or not disclosure.may_see(story, Category.STORY):
        return None
    return story


def diary_sentences(summary: Any) -> list[str]:
    """What the care diary shows, in plain sentences (the language of the moment)."""
    if summary is None or not summary.has_entries:
        return []
    t = summary.total
    out = [_("From %(start)s to %(end)s we recorded %(days)s days in a care diary.") % {
        "start": _date(summary.start), "end": _date(summary.end), "days": t.days_recorded}]
    out.append(_("On those days the child needed on average %(day)s hours of supervision and care beyond what is "
                 "usual for the age, about %(week)s hours a week (supervision %(sup)s hours, care %(care)s hours "
                 "in all).") % {"day": _hours(t.extra_per_day), "week": _hours(t.extra_per_week),
                                "sup": _hours(t.supervision), "care": _hours(t.care)})
    if t.nights_disturbed:
        out.append(_("%(nights)s of %(days)s nights were disturbed: the child woke us %(wakings)s times, and we were "
                     "up %(hours)s hours in all.") % {"nights": t.nights_disturbed, "days": t.days_recorded,
                                                      "wakings": t.wakings, "hours": _hours(t.night)})
    out.append(_("The care diary is attached, week by week and month by month."))
    return out


def _draft(kit: Kit, family: Family, child: Child | None, summary: Any, today: date) -> str:
    """The factual part of the application, in the language that is active (the family's)."""
    lines: list[str] = [_("Application for %(name)s – the facts") % {"name": kit.name}, ""]
    if child is not None:
        born = _("born %(date)s") % {"date": _date(child.birth_date)} if child.birth_date else ""
        lines.append(_("We apply for %(name)s for our child %(child)s%(born)s.") % {
            "name": kit.name, "child": f"{child.given_name} {child.family_name}", "born": f", {born}" if born else ""})
    else:
        lines.append(_("We apply for %(name)s.") % {"name": kit.name})
    lines.append("")

    about: list[str] = []
    if child is not None:
        condition = disclosure.shown(child, "condition_summary")
        if condition:
            about.append(str(condition).strip())
    story = _story(family)
    if story is not None:
        for name in ("about_child", "communication"):
            text = (getattr(story, name) or "").strip()
            if text:
                about.append(text)
    if about:
        lines += [_("About the child"), *about, ""]

    daily: list[str] = []
    if story is not None:
        for name in ("daily_routines", "what_helps"):
            text = (getattr(story, name) or "").strip()
            if text:
                daily.append(text)
    if kit.catalog_id in CARE_HOURS or summary is not None:
        daily += diary_sentences(summary)
    if daily:
        lines += [_("Everyday life, supervision and care"), *daily, ""]

    if kit.reasons:
        lines.append(_("Why we think the conditions are met"))
        lines += [f"– {reason}" for reason in kit.reasons]
        lines.append("")

    probe = ServiceEntry(family=family, municipality_id=family.municipality_id)
    if disclosure.may_see(probe, Category.SERVICES):
        current = [e for e in ServiceEntry.objects.filter(family=family, state__in=[
            EntryState.GRANTED, EntryState.PARTLY_GRANTED]).exclude(catalog_id=kit.catalog_id).order_by("sector", "pk")]
        if current:
            lines.append(_("Help the family has today"))
            for e in current:
                extent = ""
                if e.extent_amount and e.extent_unit:
                    extent = f" ({formats.number_format(e.extent_amount, 0)} {e.get_extent_unit_display()}"
                    extent += f" {e.get_extent_per_display()})" if e.extent_per else ")"
                lines.append(f"– {e.name}{extent}")
            lines.append("")

    attached = [item for item in kit.items if item.held]
    if attached:
        lines.append(_("Attachments"))
        lines += [f"– {item.spec.label}" for item in attached]
        lines.append("")
    signers = [m for m in FamilyMember.objects.filter(family=family).order_by("pk") if m.is_guardian]
    names = ", ".join(f"{m.given_name} {m.family_name}" for m in signers)
    lines.append(_("Date: %(date)s") % {"date": _date(today)})
    if names:
        lines.append(names)
    return "\n".join(lines).strip() + "\n"


# --------------------------------------------------------------------------------------------------
# The kit
# --------------------------------------------------------------------------------------------------


def kit_language(family: Family) -> str:
    language = family.preferred_language
    return language if language in ("nb", "nn", "en") else "nb"


def navigator_card(family: Family, child: Child | None, catalog_id: str, today: date, lang: str) -> Any:
    """The navigator's card for the entry (its reasons quote the family's facts), computed by the system like the
    navigator's own page; the caller has asked the policy whether the viewer may see the child's health
    information."""
    from los.navigator import selectors as nav

    data = nav.family_data(family, today)
    if child is None:
        in_scope = nav.children_in_scope(data, today)
        child = in_scope[0] if in_scope else None
    if child is None:
        return None
    result = nav.family_navigator(data, child, today, lang)
    if result.listing is None:
        return None
    for cards in result.listing.groups.values():
        for card in cards:
            if card.id == catalog_id:
                return card
    return None


def build_kit(user: User, family: Family, catalog_id: str, child: Child | None, today: date, page_lang: str,
              *, reasons_allowed: bool) -> Kit:
    """The kit for ``catalog_id`` as ``user`` may see it (see the module docstring). ``reasons_allowed``: the policy
    lets the viewer see the child's health information (the navigator's reasons are built from it)."""
    draft_lang = kit_language(family)
    card = navigator_card(family, child, catalog_id, today, page_lang) if reasons_allowed else None
    draft_card = (navigator_card(family, child, catalog_id, today, draft_lang)
                  if reasons_allowed and draft_lang != page_lang else card)
    with disclosure.disclosing_to(user):
        entry = (ServiceEntry.objects.filter(family=family, catalog_id=catalog_id).order_by("-pk").first())
        if entry is not None and not disclosure.may_see(entry, Category.SERVICES):
            entry = None
        summary = None
        items: list[KitItem] = []
        for key in spec_for(catalog_id):
            spec = ITEMS[key]
            if key == DIARY:
                held, visible, summary = _diary(family, child, today)
            elif key == PLAN:
                held, visible = _plan(family, user)
            elif key == MINUTES:
                held, visible = _minutes(family, today)
            elif key == DECISIONS:
                held, visible = _decisions(family, catalog_id)
            elif spec.document_kind:
                held, visible = _documents(family, spec.document_kind)
            else:
                held, visible = [], True
            items.append(KitItem(spec, held, visible))
        if summary is None and catalog_id in CARE_HOURS and child is not None:
            _held, _visible, summary = _diary(family, child, today)
        kit = Kit(family=family, catalog_id=catalog_id, name=catalog.label(catalog_id), child=child, entry=entry,
                  items=items)
        if card is not None:
            s = card.suggestion
            kit.name, kit.attach_text, kit.how_to_apply, kit.provider = s.name, s.attach, card.how_to_apply, s.provider
        with translation.override(draft_lang):
            draft_kit = Kit(family=family, catalog_id=catalog_id, name=catalog.label(catalog_id), child=child,
                            entry=entry, items=items,
                            reasons=list(draft_card.reasons) if draft_card is not None else [])
            if draft_card is not None:
                draft_kit.name = draft_card.suggestion.name
            kit.draft = _draft(draft_kit, family, child, summary, today)
        kit.draft_language = draft_lang
    return kit
