"""Timeline sources for apps that do not provide their own ``timeline`` module yet.

Each entry of :data:`FALLBACKS` is keyed by the app label and used only while ``los.<app>.timeline`` does
not exist; the models are looked up through the app registry, so an app that is not installed (or a model
that was renamed) leaves its sources out instead of breaking the timeline. These belong in their apps:
when an app adds ``timeline.py`` with ``timeline_sources()`` (it can start from the functions here), the
fallback steps aside.

What is shown is the *existence* and the headline of what happened (no minutes text, no message text, no
health details), with a link to the page where the full item is, under the same access policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from los.access.models import Category
from los.transitions.timeline import ModelSource, person_name, url_or_blank


def _model(label: str, name: str) -> Any:
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def _display(obj: Any, field: str) -> str:
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if callable(getter) else str(getattr(obj, field, ""))


def _day(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _families() -> list[Any]:
    from los.families.models import CoordinatorAssignment

    return [
        ModelSource(
            kind="coordinator", category=Category.CASE, model=CoordinatorAssignment, when="started",
            title=lambda a: _("%(name)s became the family's barnekoordinator") % {"name": person_name(a.coordinator)},
            select_related=("coordinator",)),
        ModelSource(
            kind="coordinator", category=Category.CASE, model=CoordinatorAssignment, when="ended",
            title=lambda a: _("%(name)s stopped as the family's barnekoordinator") % {"name": person_name(a.coordinator)},
            detail=lambda a: a.end_reason, select_related=("coordinator",)),
    ]


def _referrals() -> list[Any]:
    request, vedtak, appeal = _model("referrals", "Request"), _model("referrals", "Vedtak"), _model("referrals", "Appeal")
    handover, ending = _model("referrals", "HandoverTask"), _model("referrals", "Ending")
    found: list[Any] = []

    def case_url(obj: Any) -> str:
        return url_or_blank("referrals:family_case", obj.family_id)

    if request is not None:
        found.append(ModelSource(
            kind="request", category=Category.REFERRAL, model=request, when="received",
            title=lambda r: _("Request for a barnekoordinator received"),
            detail=lambda r: _display(r, "source"), url=case_url))
        found.append(ModelSource(
            kind="request", category=Category.REFERRAL, model=request, when="preliminary_reply_sent_on",
            title=lambda r: _("Preliminary reply sent"),
            detail=lambda r: (_("Answer expected by %(date)s") % {"date": _day(r.preliminary_reply_expected_by)})
            if r.preliminary_reply_expected_by else "", url=case_url))
    if vedtak is not None:
        found.append(ModelSource(
            kind="decision", category=Category.REFERRAL, model=vedtak, when="decision_date",
            title=lambda v: _("Decision on a barnekoordinator: %(outcome)s") % {"outcome": _display(v, "outcome")},
            detail=lambda v: _("Appeal deadline %(date)s") % {"date": _day(v.appeal_deadline)},
            url=case_url, actor=lambda v: person_name(v.decided_by), select_related=("decided_by",)))
    if appeal is not None:
        found.append(ModelSource(
            kind="decision", category=Category.REFERRAL, model=appeal, when="received",
            title=lambda a: _("Appeal against the decision received"), detail=lambda a: _display(a, "status"),
            url=case_url))
    if handover is not None:
        found.append(ModelSource(
            kind="coordinator", category=Category.REFERRAL, model=handover, when="created_at",
            title=lambda h: _("Handover to the new barnekoordinator started"),
            detail=lambda h: _("Handover by %(date)s") % {"date": _day(h.due_on)}, url=case_url))
        found.append(ModelSource(
            kind="coordinator", category=Category.REFERRAL, model=handover, when="done_at",
            title=lambda h: _("Handover to the new barnekoordinator done"), url=case_url,
            actor=lambda h: person_name(h.done_by), select_related=("done_by",)))
    if ending is not None:
        found.append(ModelSource(
            kind="coordinator", category=Category.REFERRAL, model=ending, when="ended_on",
            title=lambda e: _("The barnekoordinator ended: %(reason)s") % {"reason": _display(e, "reason")},
            url=case_url, actor=lambda e: person_name(e.ended_by), select_related=("ended_by",)))
    return found


def _plans() -> list[Any]:
    version, approval, evaluation = (_model("plans", "PlanVersion"), _model("plans", "PlanApproval"),
                                     _model("plans", "EvaluationDate"))
    found: list[Any] = []

    def plan_url(obj: Any) -> str:
        return url_or_blank("plans:family_plan", obj.family_id)

    if version is not None:
        def version_title(v: Any) -> str:
            return _("Plan version %(number)s: %(change)s") % {"number": v.number, "change": _display(v, "change")}

        found.append(ModelSource(
            kind="plan", category=Category.PLAN, model=version, when="created_at", title=version_title,
            detail=lambda v: getattr(v, "subject_display", v.subject),
            url=lambda v: url_or_blank("plans:version_detail", v.plan_id, v.number) or plan_url(v),
            actor=lambda v: v.author_name or person_name(v.author), select_related=("author",)))
    if approval is not None:
        found.append(ModelSource(
            kind="plan", category=Category.PLAN, model=approval, when="created_at",
            title=lambda a: _("The family approved version %(number)s of the plan") % {
                "number": a.plan_version.number},
            url=plan_url, actor=lambda a: person_name(a.approved_by), select_related=("plan_version", "approved_by")))
    if evaluation is not None:
        found.append(ModelSource(
            kind="plan", category=Category.PLAN, model=evaluation, when="held_on",
            title=lambda e: _("The plan was evaluated"), detail=lambda e: e.note, url=plan_url,
            actor=lambda e: person_name(e.held_by), select_related=("held_by",)))
    return found


def _meetings() -> list[Any]:
    meeting, action = _model("meetings", "Meeting"), _model("meetings", "Action")
    found: list[Any] = []
    if meeting is not None:
        def meeting_title(m: Any) -> str:
            if m.status == "cancelled":
                return _("%(kind)s cancelled") % {"kind": _display(m, "kind")}
            if m.status == "held":
                return _("%(kind)s held") % {"kind": _display(m, "kind")}
            return _("%(kind)s scheduled") % {"kind": _display(m, "kind")}

        found.append(ModelSource(
            kind="meeting", category=Category.MEETINGS, model=meeting, when="starts_at", title=meeting_title,
            detail=lambda m: m.place, url=lambda m: url_or_blank("meetings:detail", m.pk),
            actor=lambda m: person_name(m.created_by), select_related=("created_by",)))
    if action is not None:
        def professional(a: Any) -> bool:
            return bool(a.meeting_id and a.meeting.kind == "professional")

        found.append(ModelSource(
            kind="action", category=Category.MEETINGS, model=action, when="created_at",
            title=lambda a: _("Action agreed: %(title)s") % {"title": a.title},
            detail=lambda a: _("%(owner)s, by %(date)s") % {"owner": a.owner_member.name, "date": _day(a.due_date)},
            staff_only=professional, select_related=("meeting", "owner_member__user",
                                                     "owner_member__family_member", "owner_member__child")))
        found.append(ModelSource(
            kind="action", category=Category.MEETINGS, model=action, when="done_at",
            title=lambda a: _("Action done: %(title)s") % {"title": a.title},
            actor=lambda a: person_name(a.done_by), staff_only=professional, select_related=("meeting", "done_by")))
    return found


def _servicemap() -> list[Any]:
    entry, application, appeal = (_model("servicemap", "ServiceEntry"), _model("servicemap", "Application"),
                                  _model("servicemap", "Appeal"))
    document = _model("servicemap", "Document")
    found: list[Any] = []

    def entry_url(entry_id: int) -> str:
        return url_or_blank("servicemap:entry_detail", entry_id)

    if entry is not None:
        found.append(ModelSource(
            kind="service", category=Category.SERVICES, model=entry, when="created_at",
            title=lambda e: _("Added to the service map: %(name)s") % {"name": e.name},
            detail=lambda e: _display(e, "state"), url=lambda e: entry_url(e.pk),
            actor=lambda e: person_name(e.created_by), select_related=("created_by",)))
    if application is not None:
        found.append(ModelSource(
            kind="application", category=Category.SERVICES, model=application, when="sent_on",
            title=lambda a: _("Application sent: %(name)s") % {"name": a.entry.name},
            url=lambda a: entry_url(a.entry_id), select_related=("entry",)))
        found.append(ModelSource(
            kind="application", category=Category.SERVICES, model=application, when="decision_on",
            title=lambda a: _("Decision on the application for %(name)s: %(decision)s") % {
                "name": a.entry.name, "decision": _display(a, "decision")},
            detail=lambda a: (_("Appeal deadline %(date)s") % {"date": _day(a.appeal_deadline)})
            if a.appeal_deadline else "",
            url=lambda a: entry_url(a.entry_id), select_related=("entry",)))
    if appeal is not None:
        found.append(ModelSource(
            kind="application", category=Category.SERVICES, model=appeal, when="sent_on",
            title=lambda a: _("Appeal sent: %(name)s") % {"name": a.application.entry.name},
            detail=lambda a: _display(a, "status"), url=lambda a: entry_url(a.application.entry_id),
            select_related=("application__entry",)))
    if document is not None:
        found.append(ModelSource(
            kind="document", category=Category.DOCUMENTS, model=document, when="uploaded_at",
            title=lambda d: _("Document added: %(title)s") % {"title": d.title},
            detail=lambda d: _display(d, "kind"), url=lambda d: entry_url(d.entry_id),
            actor=lambda d: person_name(d.uploaded_by), select_related=("uploaded_by",)))
    return found


def _access() -> list[Any]:
    from los.access.models import Consent, FamilyTransfer

    def recipient(c: Consent) -> str:
        return c.recipient_name

    def consents_url(c: Any) -> str:
        return url_or_blank("access:family_consents", c.family_id)

    return [
        ModelSource(
            kind="consent", category=Category.CONSENTS, model=Consent, when="valid_from",
            title=lambda c: _("Consent given to %(recipient)s") % {"recipient": recipient(c)},
            detail=lambda c: ", ".join(str(label) for label in c.category_labels()), url=consents_url,
            select_related=("service_provider", "person")),
        ModelSource(
            kind="consent", category=Category.CONSENTS, model=Consent, when="withdrawn_at",
            title=lambda c: _("Consent to %(recipient)s withdrawn") % {"recipient": recipient(c)}, url=consents_url,
            actor=lambda c: person_name(c.withdrawn_by), select_related=("service_provider", "person", "withdrawn_by")),
        ModelSource(
            kind="handover", category=Category.CASE, model=FamilyTransfer, when="date",
            title=lambda t: _("The family moves to %(municipality)s") % {"municipality": t.to_municipality.name},
            detail=lambda t: _("Moving from %(municipality)s") % {"municipality": t.from_municipality.name},
            filter={"cancelled_at__isnull": True}, select_related=("to_municipality", "from_municipality")),
    ]


#: app label → function returning that app's fallback sources.
FALLBACKS: dict[str, Callable[[], list[Any]]] = {
    "families": _families,
    "referrals": _referrals,
    "plans": _plans,
    "meetings": _meetings,
    "servicemap": _servicemap,
    "access": _access,
}
