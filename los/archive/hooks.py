"""Where the other apps tell the archive that something record-worthy happened.

Each function is called from the service that makes the event (inside its transaction), journals one registry
entry with its PDF/A document, and answers it. What is journaled, and why (docs/archive.md):

=======================  ===============================  =================================================
event                    Noark 5 journalposttype          document
=======================  ===============================  =================================================
request received         Inngående dokument               the request as registered
preliminary reply        Utgående dokument                the reply as sent (fvl § 11 a)
decision (vedtak)        Utgående dokument                the decision letter (PDF/A-2a, as sent)
appeal received          Inngående dokument               the family's grounds
appeal sent on           Utgående dokument                the unit's reassessment, to the county governor
county governor's outcome  Inngående dokument             the outcome as recorded
appointment              Organinternt dokument            who was appointed, why, the family's wishes
plan version approved    Inngående dokument               the individual plan at that version
minutes approved         Organinternt dokument            the minutes with decisions and actions
closing summary          Organinternt dokument            the closing summary; the case file is closed
=======================  ===============================  =================================================

The family's own messages and the coordinator's working notes are not journaled here; the coordinator can
journal a note of their choosing (:func:`los.archive.services.journal_note`).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.archive import services
from los.archive.models import EntryKind, EntryType, RegistryEntry
from los.archive.services import DocumentInput, Section, guardian_parties, language_of, text_document


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _unit_name(family: Any) -> str:
    return services.settings_for(family.municipality).administrative_unit or family.municipality.name


def _text_entry(family: Any, *, kind: str, entry_type: str, subject: str, actor: User | None, parties: list[dict],
                sections: list[Section], document_type: str, source: str, document_date: Any = None,
                http_request: Any = None) -> RegistryEntry:
    day = document_date or timezone.localdate()
    pdf = text_document(family, subject, sections, document_date=day, author=_name(actor) or _unit_name(family))
    return services.journal(family, kind=kind, entry_type=entry_type, subject=subject, actor=actor, parties=parties,
                            document=DocumentInput(subject, document_type, pdf), source=source, document_date=day,
                            http_request=http_request)


def _lang(family: Any) -> translation.override:
    return translation.override(language_of(family.municipality))


def request_received(request: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    family = request.family
    with _lang(family):
        subject = _("Request for a barnekoordinator")
        sections = [Section(_("Received"), request.received.strftime("%d.%m.%Y")),
                    Section(_("From"), request.submitter_name or request.get_source_display()),
                    Section(_("What the family needs help with"), request.description)]
    return _text_entry(family, kind=EntryKind.REQUEST, entry_type=EntryType.INCOMING, subject=subject, actor=actor,
                       parties=[{"type": "Avsender", "name": request.submitter_name or family.display_name},
                                {"type": "Intern mottaker", "name": _unit_name(family)}],
                       sections=sections, document_type="Henvendelse", source=f"referrals.request:{request.pk}",
                       document_date=request.received, http_request=http_request)


def preliminary_reply_sent(request: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    family = request.family
    with _lang(family):
        subject = _("Preliminary reply")
    return _text_entry(family, kind=EntryKind.PRELIMINARY_REPLY, entry_type=EntryType.OUTGOING, subject=subject,
                       actor=actor, parties=guardian_parties(family, "Mottaker"),
                       sections=[Section("", request.preliminary_reply_text)], document_type="Brev",
                       source=f"referrals.request:{request.pk}:{request.preliminary_reply_sent_on}",
                       http_request=http_request)


def decision_made(vedtak: Any, actor: User | None, pdf: bytes, http_request: Any = None) -> RegistryEntry:
    """The decision letter, journaled as it was sent (the same PDF/A bytes and checksum as the letter)."""
    family = vedtak.family
    with _lang(family):
        subject = (_("Decision: barnekoordinator granted") if vedtak.outcome == "granted"
                   else _("Decision: barnekoordinator refused"))
    return services.journal(family, kind=EntryKind.DECISION, entry_type=EntryType.OUTGOING, subject=subject,
                            actor=actor, parties=guardian_parties(family, "Mottaker"),
                            document=DocumentInput(subject, "Vedtak", pdf), source=f"referrals.vedtak:{vedtak.pk}",
                            document_date=vedtak.decision_date, http_request=http_request)


def appeal_registered(appeal: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    family = appeal.family
    with _lang(family):
        subject = _("Appeal against the decision on a barnekoordinator")
        sections = [Section(_("Received"), appeal.received.strftime("%d.%m.%Y")),
                    Section(_("The family's grounds"), appeal.grounds)]
    return _text_entry(family, kind=EntryKind.APPEAL, entry_type=EntryType.INCOMING, subject=subject, actor=actor,
                       parties=guardian_parties(family, "Avsender"), sections=sections, document_type="Klage",
                       source=f"referrals.appeal:{appeal.pk}", document_date=appeal.received,
                       http_request=http_request)


def appeal_sent(appeal: Any, actor: User | None, appeal_body: str, http_request: Any = None) -> RegistryEntry:
    family = appeal.family
    with _lang(family):
        subject = _("Appeal sent to the county governor")
        sections = [Section(_("The unit's reassessment"), appeal.reassessment)]
    return _text_entry(family, kind=EntryKind.APPEAL_SENT, entry_type=EntryType.OUTGOING, subject=subject,
                       actor=actor, parties=[{"type": "Mottaker", "name": appeal_body}], sections=sections,
                       document_type="Oversendelse", source=f"referrals.appeal:{appeal.pk}:sent",
                       document_date=appeal.sent_on, http_request=http_request)


def governor_outcome(appeal: Any, actor: User | None, appeal_body: str, http_request: Any = None) -> RegistryEntry:
    family = appeal.family
    with _lang(family):
        subject = _("The county governor's decision on the appeal")
        sections = [Section(_("Outcome"), appeal.get_governor_outcome_display()),
                    Section(_("Decided"), appeal.governor_decided_on.strftime("%d.%m.%Y")
                            if appeal.governor_decided_on else ""),
                    Section(_("Note"), appeal.governor_note)]
    return _text_entry(family, kind=EntryKind.APPEAL_OUTCOME, entry_type=EntryType.INCOMING, subject=subject,
                       actor=actor, parties=[{"type": "Avsender", "name": appeal_body}], sections=sections,
                       document_type="Vedtak", source=f"referrals.appeal:{appeal.pk}:outcome",
                       document_date=appeal.governor_decided_on, http_request=http_request)


def coordinator_appointed(appointment: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    family = appointment.family
    coordinator = appointment.assignment.coordinator
    with _lang(family):
        subject = _("Change of barnekoordinator") if appointment.is_change else _("Appointment of a barnekoordinator")
        sections = [Section(_("Barnekoordinator"), _name(coordinator)),
                    Section(_("From"), appointment.assignment.started.strftime("%d.%m.%Y")),
                    Section(_("Why this coordinator"), appointment.reasons),
                    Section(_("The family's wishes"), appointment.family_wishes),
                    Section(_("Reason for the change"), appointment.change_reason)]
    return _text_entry(family, kind=EntryKind.APPOINTMENT, entry_type=EntryType.INTERNAL, subject=subject,
                       actor=actor, parties=[{"type": "Intern avsender", "name": _name(actor) or _unit_name(family)},
                                             {"type": "Intern mottaker", "name": _name(coordinator)}],
                       sections=sections, document_type="Oppnevning",
                       source=f"referrals.appointment:{appointment.pk}", http_request=http_request)


def plan_approved(approval: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    """The individual plan at the version the family approved, as a PDF/A of the plan page."""
    from los.plans.pdf import plan_html

    plan = approval.plan
    family = plan.family
    with services.as_system():  # the archive's record of the plan, whole, whoever approved it
        pdf = services.render_pdf(plan_html(plan))
    with _lang(family):
        subject = _("Individual plan, version %(number)s approved by the family") % {
            "number": approval.plan_version.number}
    signer = approval.member
    name = f"{signer.given_name} {signer.family_name}".strip() if signer is not None else _name(approval.approved_by)
    return services.journal(family, kind=EntryKind.PLAN_VERSION, entry_type=EntryType.INCOMING, subject=subject,
                            actor=actor, parties=[{"type": "Avsender", "name": name}],
                            document=DocumentInput(subject, "Individuell plan", pdf),
                            source=f"plans.planapproval:{approval.pk}", http_request=http_request)


def minutes_approved(minutes: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    meeting = minutes.meeting
    family = meeting.family
    decisions = "\n".join(f"- {d.text}" for d in meeting.decisions.order_by("pk"))
    actions = "\n".join(f"- {a.title}" + (f" ({a.due_date:%d.%m.%Y})" if a.due_date else "")
                        for a in meeting.actions.order_by("pk"))
    with _lang(family):
        subject = _("Minutes of the meeting on %(date)s") % {
            "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")}
        sections = [Section(_("Meeting"), meeting.get_kind_display()), Section(_("Minutes"), minutes.text),
                    Section(_("Decisions"), decisions), Section(_("Actions"), actions)]
    return _text_entry(family, kind=EntryKind.MINUTES, entry_type=EntryType.INTERNAL, subject=subject, actor=actor,
                       parties=[{"type": "Intern avsender", "name": _name(actor)}], sections=sections,
                       document_type="Referat", source=f"meetings.minutes:{minutes.pk}",
                       document_date=timezone.localtime(meeting.starts_at).date(), http_request=http_request)


def coordination_ended(ending: Any, actor: User | None, http_request: Any = None) -> RegistryEntry:
    """The closing summary; the family's case file is closed with it."""
    family = ending.family
    with _lang(family):
        subject = _("Closing summary")
        sections = [Section(_("Ended"), ending.ended_on.strftime("%d.%m.%Y")),
                    Section(_("Reason"), ending.get_reason_display()),
                    Section(_("Closing summary"), ending.closing_summary),
                    Section(_("Transition to an ordinary coordinator and adult services"), ending.transition)]
    entry = _text_entry(family, kind=EntryKind.CLOSING, entry_type=EntryType.INTERNAL, subject=subject, actor=actor,
                        parties=[{"type": "Intern avsender", "name": _name(actor) or _unit_name(family)}],
                        sections=sections, document_type="Sluttrapport", source=f"referrals.ending:{ending.pk}",
                        document_date=ending.ended_on, http_request=http_request)
    services.close_case_file(family, actor)
    return entry


def case_closed(family: Any, actor: User | None) -> None:
    """The family's case was closed in Los without an ending (a withdrawn request): close the case file too."""
    services.close_case_file(family, actor)
