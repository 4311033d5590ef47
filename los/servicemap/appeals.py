"""Appeals prepared: when a refusal (or a partial grant) is recorded, Los drafts the outline of an appeal (*klage*).

55 % of the families in the 2023 evaluation had appealed a decision, and 63–89 % of appeals succeed; "we nearly
send the appeal with the application". The outline starts from the decision's own reasons and puts beside them
what Los knows that the decision may have missed:

- **what the decision says**: its reasons as recorded with the decision (``Application.decision_reasons``), its
  legal basis, and the date it reached the family;
- **facts the decision should weigh**: what the care diary shows (hours of supervision and care beyond what is
  usual for the age, disturbed nights), the coordination group's agreements that this service should be applied for
  (an agreement is never a vedtak, but it shows what the services themselves found the child needs), and the plan
  measures that depend on it;
- **new documentation**: documents added after the decision, and the care diary's dated attachment;
- **the legal basis and the deadline**, computed by law with :mod:`los.core.deadlines` (never a constant), the
  address (the body that decided, which reconsiders it before it goes on to the appeal body) and what to ask for.

The family reads the outline on the appeal page, in its own written language, edits it and sends the appeal itself.
The barnekoordinator may start a working draft from it (:class:`~los.servicemap.models.AppealDraft`): a working note
that the coordinating unit, those who decide and the services never see. Only what the viewer may see goes into an
outline: it is built through the redaction step for the person asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from los.access import disclosure
from los.access.classification import row_category
from los.access.models import Category
from los.accounts.models import User
from los.core import deadlines
from los.core.dates import format_day
from los.families.models import FamilyMember
from los.servicemap.kit import diary_sentences, kit_language
from los.servicemap.models import Application, Decision, Document, ServiceEntry
from los.servicemap.selectors import APPEAL_BODY_LABELS, APPEAL_RULE_LABELS


@dataclass
class Outline:
    application: Application
    deadline: deadlines.AppealDeadline | None
    days_left: int | None
    send_to: str
    decided_by: str
    rule_label: str
    reasons: str
    diary: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    new_documents: list[Document] = field(default_factory=list)
    text: str = ""
    language: str = "nb"


def _date(day: date | None) -> str:
    return format_day(day) if day else ""


def _sees(obj: Any) -> bool:
    with disclosure.unobserved():
        category = row_category(obj)
    return disclosure.may_see(obj, category)


def _agreements(entry: ServiceEntry) -> list[str]:
    from los.servicemap.models import AgreementApplication

    out = []
    for link in AgreementApplication.objects.filter(entry=entry).select_related("agreement", "meeting"):
        if not _sees(link) or not _sees(link.agreement):
            continue
        out.append(_("In the coordination group’s meeting on %(date)s the services agreed: “%(text)s”") % {
            "date": _date(link.meeting.starts_at.date()), "text": link.agreement.text.strip()})
    return out


def _measures(entry: ServiceEntry) -> list[str]:
    from los.servicemap.models import MeasureDecision

    out = []
    for link in MeasureDecision.objects.filter(entry=entry).select_related("measure"):
        if not _sees(link) or not _sees(link.measure):
            continue
        out.append(_("The individual plan has the measure “%(title)s”, which depends on this decision.") % {
            "title": link.measure.title})
    return out


def _diary(entry: ServiceEntry, today: date) -> list[str]:
    from los.carediary import selectors as diary_selectors
    from los.carediary.models import CareDiary

    child = entry.child
    if child is None:
        children = diary_selectors.diary_children(entry.family)
        child = children[0] if len(children) == 1 else None
    if child is None:
        return []
    diary = CareDiary.objects.filter(family_id=entry.family_id, child=child).first()
    if diary is None or not disclosure.may_see(diary, Category.HEALTH):
        return []
    return diary_sentences(diary_selectors.latest_summary_for(entry.family, child, today))


def _new_documents(application: Application) -> list[Document]:
    probe = Document(family_id=application.family_id, municipality_id=application.municipality_id)
    if not disclosure.may_see(probe, Category.DOCUMENTS) or not application.decision_on:
        return []
    return list(Document.objects.filter(family_id=application.family_id,
                                        uploaded_at__date__gt=application.decision_on)
                .exclude(kind__in=["decision", "appeal"]).order_by("uploaded_at")[:10])


def _text(o: Outline, entry: ServiceEntry, today: date) -> str:
    app = o.application
    partly = app.decision == Decision.PARTLY_GRANTED
    lines = [_("Appeal against the decision on %(name)s") % {"name": entry.name}, ""]
    lines.append(_("To: %(to)s") % {"to": o.send_to})
    if app.reference:
        lines.append(_("Your reference: %(ref)s") % {"ref": app.reference})
    lines.append("")
    lines.append(_("We appeal the decision of %(date)s that %(outcome)s our application for %(name)s, sent "
                   "%(sent)s.") % {"date": _date(app.decision_on) or _date(app.decision_received_on),
                                   "outcome": _("only partly granted") if partly else _("refused"),
                                   "name": entry.name, "sent": _date(app.sent_on)})
    if o.deadline:
        lines.append(_("The decision reached us on %(received)s. The appeal deadline is %(deadline)s (%(rule)s), so "
                       "this appeal is in time.") % {"received": _date(app.decision_received_on),
                                                      "deadline": _date(o.deadline.deadline), "rule": o.rule_label})
    lines.append("")
    lines.append(_("What the decision says"))
    if o.reasons:
        lines.append(o.reasons)
    else:
        lines.append(_("The decision gives its reasons in the letter of %(date)s.") % {
            "date": _date(app.decision_on) or _date(app.decision_received_on)})
    if app.legal_basis:
        lines.append(_("The decision is made under %(basis)s.") % {
            "basis": o.deadline.decision_law_reference if o.deadline else app.legal_basis})
    lines.append("")
    facts = [*o.diary, *o.agreements, *o.measures]
    if facts:
        lines.append(_("What the decision does not take into account"))
        lines += [f"– {fact}" for fact in facts]
        lines.append("")
    if o.new_documents:
        lines.append(_("New documentation"))
        lines += [f"– {doc.title} ({_date(doc.uploaded_at.date())})" for doc in o.new_documents]
        lines.append("")
    lines.append(_("What we ask for"))
    lines.append(_("We ask that the decision is reversed and that %(name)s is granted in full, as applied for.") % {
        "name": entry.name} if partly else _("We ask that the decision is reversed and that %(name)s is granted, as "
                                             "applied for.") % {"name": entry.name})
    lines.append(_("If the decision is upheld, we ask that the appeal is sent on to %(body)s.") % {
        "body": o.decided_by})
    lines.append("")
    signers = [m for m in FamilyMember.objects.filter(family_id=app.family_id).order_by("pk") if m.is_guardian]
    lines.append(_("Date: %(date)s") % {"date": _date(today)})
    if signers:
        lines.append(", ".join(f"{m.given_name} {m.family_name}" for m in signers))
    return "\n".join(lines).strip() + "\n"


def build_outline(user: User | None, application: Application, today: date, *, language: str | None = None) -> Outline:
    """The outline of an appeal against ``application``'s decision, as ``user`` may see it, in ``language`` (the
    family's written language by default)."""
    entry = application.entry
    language = language or kit_language(entry.family)
    with disclosure.disclosing_to(user), translation.override(language):
        details = application.deadline_details()
        send_to = entry.provider_display or _("the agency that made the decision")
        decided_by = str(APPEAL_BODY_LABELS.get(details.appeal_body, "")) if details else ""
        outline = Outline(
            application=application, deadline=details,
            days_left=(details.deadline - today).days if details else None,
            send_to=send_to, decided_by=decided_by or _("the appeal body"),
            rule_label=str(APPEAL_RULE_LABELS.get(details.rule, "")) if details else "",
            reasons=(application.decision_reasons or "").strip(),
            diary=_diary(entry, today), agreements=_agreements(entry), measures=_measures(entry),
            new_documents=_new_documents(application), language=language)
        outline.text = _text(outline, entry, today)
    return outline
