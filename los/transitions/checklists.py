"""What a transition plan holds when it is opened: the checklist and the tasks for each kind of transition.

Checklist lines and tasks from the planner are stored with a ``code`` and ``params``; their text is
translated when shown, so the coordinator reads bokmål, the family nynorsk and a visitor English from the
same rows. Lines and tasks people add themselves are stored as they were written.

Task due dates are counted from the transition (``before``/``after`` in months or days) or from the day
the plan was opened (``after_opening`` days). A due date that would fall before the plan was opened
(a plan opened late) is moved to two weeks after opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from los.core import deadlines
from los.core.dates import format_day
from los.transitions.models import ChecklistGroup, TransitionKind

G = ChecklistGroup
K = TransitionKind

#: Checklist line texts by code. ``%(name)s`` is the child's given name.
ITEM_TEXTS: dict[str, Any] = {
    # who to involve
    "receiving_school": _("The receiving school: the principal and the new teacher"),
    "receiving_kindergarten": _("The kindergarten: the head and the child's new staff"),
    "current_kindergarten": _("The kindergarten: what works for %(name)s today"),
    "current_school": _("The current school: what works for %(name)s today"),
    "ppt": _("PPT (educational-psychological service): expert assessment of the need for special education"),
    "ppt_county": _("PPT for upper secondary school (the county)"),
    "school_health": _("The school health service (helsestasjon og skolehelsetjeneste)"),
    "helsestasjon": _("The health clinic (helsestasjonen)"),
    "sfo": _("The after-school programme (SFO)"),
    "careers": _("The careers adviser at the current school"),
    "nav": _("NAV: benefits, assistive devices and work"),
    "adult_services": _("Adult services in the municipality (the allocation office)"),
    "ordinary_coordinator": _("An ordinary coordinator (pbrl § 2-5 b) to take over from the barnekoordinator"),
    "gp": _("The GP (fastlege): follow-up as an adult"),
    "adult_habilitation": _("Habilitation for adults instead of the children's habilitation service (HABU)"),
    "guardianship": _("The county governor: guardianship (vergemål), if help with decisions is needed"),
    "receiving_unit": _("The coordinating unit in the new municipality"),
    "new_services": _("New kindergarten or school and health services in the new municipality"),
    "specialist": _("Specialist services (HABU, BUP) that continue or change"),
    "sending_unit": _("The coordinating unit in the former municipality: questions about the record"),
    "previous_coordinator": _("The previous barnekoordinator: a handover conversation"),
    "family_meeting": _("A meeting with the family: what they expect of their new coordinator"),
    "new_contact": _("Introduce the new contact person to the family and the group"),
    "previous_contact": _("A handover from the previous contact person"),
    # applications to renew or start
    "kindergarten_place": _("Apply for a kindergarten place (the main intake has a deadline in spring)"),
    "special_help": _("Special needs support in kindergarten (spesialpedagogisk hjelp)"),
    "adaptation": _("Adaptations in the kindergarten for a child with a disability"),
    "special_education": _("Special education (spesialundervisning): a decision ready before the start"),
    "sfo_place": _("A place in SFO, with the support %(name)s needs"),
    "school_transport": _("School transport (skoleskyss), if %(name)s cannot walk to school"),
    "assistive_devices": _("Assistive devices at the new school (NAV Hjelpemiddelsentral)"),
    "priority_admission": _("Admission to upper secondary school on individual grounds (apply by 1 February)"),
    "tt_transport": _("Transport service (TT card) from the county"),
    "hjelpestonad": _("Attendance benefit (hjelpestønad) ends at 18: consider basic benefit and other support"),
    "adult_benefits": _("Benefits from 18 (for example work assessment allowance or disability benefit)"),
    "bpa": _("User-controlled personal assistance (BPA) or other help at home"),
    "housing": _("Housing and support in daily life"),
    "ip_adult": _("The individual plan carried over to adult services"),
    "reapply": _("Services that must be applied for again in the new municipality (for example respite care)"),
    "new_address": _("NAV and other state services: report the new address"),
    "map_review": _("Go through the service map: applications, deadlines and decisions"),
    "renew": _("Renew: %(service)s (granted until %(until)s)"),
    # what the child says
    "child_view": _("Ask %(name)s what they look forward to and what worries them"),
    "child_visit": _("A visit to the new place with someone %(name)s knows"),
    "child_signs": _("How %(name)s shows what they like and need: tell the new staff"),
    "young_wishes": _("%(name)s's own wishes for school and programme"),
    "health_rights": _("From 16, %(name)s decides over their own health information: talk about what to share"),
    "adult_goals": _("%(name)s's own goals for life as an adult"),
    "own_consent": _("From 18, %(name)s gives consent themselves"),
    "child_move": _("Talk with the children about the move: what they will miss and look forward to"),
    "child_new_person": _("Let %(name)s meet the new person before they take over"),
    # other things to arrange
    "move_consent": _("The family confirms the move in its own pages (what is sent, what stays)"),
    "move_export": _("Hand the family's record over to the new municipality"),
    "appoint": _("Appoint a barnekoordinator here (the family keeps its story: read the handover summary)"),
    "review_consents": _("Ask the family which services here may see what: consents stay in the former municipality"),
}

#: The checklist of each kind of transition: (group, code).
CHECKLISTS: dict[str, list[tuple[str, str]]] = {
    K.KINDERGARTEN: [
        (G.INVOLVE, "receiving_kindergarten"), (G.INVOLVE, "helsestasjon"), (G.INVOLVE, "ppt"),
        (G.APPLICATIONS, "kindergarten_place"), (G.APPLICATIONS, "special_help"), (G.APPLICATIONS, "adaptation"),
        (G.CHILD, "child_signs"), (G.CHILD, "child_visit"),
    ],
    K.SCHOOL_START: [
        (G.INVOLVE, "receiving_school"), (G.INVOLVE, "current_kindergarten"), (G.INVOLVE, "ppt"),
        (G.INVOLVE, "school_health"), (G.INVOLVE, "sfo"),
        (G.APPLICATIONS, "special_education"), (G.APPLICATIONS, "sfo_place"), (G.APPLICATIONS, "school_transport"),
        (G.APPLICATIONS, "assistive_devices"),
        (G.CHILD, "child_view"), (G.CHILD, "child_visit"),
    ],
    K.LOWER_SECONDARY: [
        (G.INVOLVE, "receiving_school"), (G.INVOLVE, "current_school"), (G.INVOLVE, "ppt"),
        (G.INVOLVE, "school_health"),
        (G.APPLICATIONS, "special_education"), (G.APPLICATIONS, "school_transport"),
        (G.APPLICATIONS, "assistive_devices"),
        (G.CHILD, "child_view"), (G.CHILD, "child_visit"),
    ],
    K.UPPER_SECONDARY: [
        (G.INVOLVE, "receiving_school"), (G.INVOLVE, "current_school"), (G.INVOLVE, "careers"),
        (G.INVOLVE, "ppt_county"), (G.INVOLVE, "nav"),
        (G.APPLICATIONS, "priority_admission"), (G.APPLICATIONS, "special_education"),
        (G.APPLICATIONS, "assistive_devices"), (G.APPLICATIONS, "tt_transport"),
        (G.CHILD, "young_wishes"), (G.CHILD, "health_rights"),
    ],
    K.TURNING_18: [
        (G.INVOLVE, "adult_services"), (G.INVOLVE, "ordinary_coordinator"), (G.INVOLVE, "nav"),
        (G.INVOLVE, "gp"), (G.INVOLVE, "adult_habilitation"), (G.INVOLVE, "guardianship"),
        (G.APPLICATIONS, "hjelpestonad"), (G.APPLICATIONS, "adult_benefits"), (G.APPLICATIONS, "bpa"),
        (G.APPLICATIONS, "housing"), (G.APPLICATIONS, "ip_adult"),
        (G.CHILD, "adult_goals"), (G.CHILD, "own_consent"),
    ],
    K.MOVE: [
        (G.INVOLVE, "receiving_unit"), (G.INVOLVE, "new_services"), (G.INVOLVE, "specialist"),
        (G.APPLICATIONS, "reapply"), (G.APPLICATIONS, "new_address"),
        (G.CHILD, "child_move"),
        (G.PRACTICAL, "move_consent"), (G.PRACTICAL, "move_export"),
    ],
    K.MOVED_IN: [
        (G.INVOLVE, "sending_unit"), (G.INVOLVE, "new_services"), (G.INVOLVE, "specialist"),
        (G.APPLICATIONS, "reapply"), (G.APPLICATIONS, "map_review"),
        (G.CHILD, "child_move"),
        (G.PRACTICAL, "appoint"), (G.PRACTICAL, "review_consents"),
    ],
    K.NEW_COORDINATOR: [
        (G.INVOLVE, "previous_coordinator"), (G.INVOLVE, "family_meeting"),
        (G.APPLICATIONS, "map_review"),
        (G.CHILD, "child_new_person"),
    ],
    K.NEW_CONTACT: [
        (G.INVOLVE, "new_contact"), (G.INVOLVE, "previous_contact"),
        (G.CHILD, "child_new_person"),
    ],
}

#: Task texts by code.
TASK_TEXTS: dict[str, Any] = {
    "call_meeting": _("Call a transition meeting in the coordination group"),
    "apply_kindergarten": _("Apply for a kindergarten place together with the family"),
    "ppt_assessment": _("Ask PPT for an expert assessment in good time before the start"),
    "visit": _("Plan a visit to the new place together with %(name)s"),
    "handover_summary": _("Give the receivers the handover summary (with the family's consent)"),
    "follow_up": _("Follow up after the start: how did it go?"),
    "apply_upper_secondary": _("Apply for upper secondary school on individual grounds by 1 February"),
    "adult_request": _("Send a request to adult services (the allocation office)"),
    "nav_meeting": _("A meeting with NAV about benefits and work from 18"),
    "agree_coordinator": _("Agree who will be the ordinary coordinator from 18"),
    "end_barnekoordinator": _("End the barnekoordinator with a closing summary"),
    "contact_receiving_unit": _("Contact the coordinating unit in the new municipality"),
    "export_record": _("Hand the family's record over to the new municipality"),
    "read_summary": _("Read the handover summary before meeting the family"),
    "appoint_coordinator": _("Appoint a barnekoordinator for the family"),
    "handover_meeting": _("A handover meeting with the previous barnekoordinator and the family"),
    "renew_clarification": _("Agree the expectations again with the family (forventningsavklaring)"),
    "introduce": _("Introduce the new contact person to the family"),
}


@dataclass(frozen=True)
class TaskTemplate:
    code: str
    #: ``("before", months)``, ``("before_days", days)``, ``("after_days", days)`` from the transition,
    #: ``("opening", days)`` from the day the plan opens, or ``("fixed", (month, day, year_offset))``: a day in
    #: the year of the transition (year_offset -1 = the year before).
    due: tuple[str, Any]
    #: the kind of service that usually owns it (its first provider the family has a consent for)
    provider_kind: str = ""


#: Starting school and starting lower secondary school are prepared the same way.
_NEW_SCHOOL = [
    TaskTemplate("call_meeting", ("opening", 30)),
    TaskTemplate("ppt_assessment", ("fixed", (12, 1, -1)), "ppt"),
    TaskTemplate("visit", ("before", 3)),
    TaskTemplate("handover_summary", ("before", 2)),
    TaskTemplate("follow_up", ("after_days", 42)),
]

TASKS: dict[str, list[TaskTemplate]] = {
    K.KINDERGARTEN: [
        TaskTemplate("call_meeting", ("opening", 30)),
        TaskTemplate("apply_kindergarten", ("fixed", (3, 1, 0))),
        TaskTemplate("handover_summary", ("before", 1)),
        TaskTemplate("follow_up", ("after_days", 42)),
    ],
    K.SCHOOL_START: _NEW_SCHOOL,
    K.LOWER_SECONDARY: _NEW_SCHOOL,
    K.UPPER_SECONDARY: [
        TaskTemplate("call_meeting", ("opening", 30)),
        TaskTemplate("apply_upper_secondary", ("fixed", (2, 1, 0)), "school"),
        TaskTemplate("visit", ("before", 3)),
        TaskTemplate("handover_summary", ("before", 2)),
        TaskTemplate("follow_up", ("after_days", 42)),
    ],
    K.TURNING_18: [
        TaskTemplate("call_meeting", ("opening", 30)),
        TaskTemplate("adult_request", ("before", 6)),
        TaskTemplate("nav_meeting", ("before", 4), "nav"),
        TaskTemplate("agree_coordinator", ("before", 3)),
        TaskTemplate("handover_summary", ("before", 1)),
        TaskTemplate("end_barnekoordinator", ("before_days", 0)),
    ],
    K.MOVE: [
        TaskTemplate("contact_receiving_unit", ("opening", 7)),
        TaskTemplate("handover_summary", ("before_days", 7)),
        TaskTemplate("export_record", ("before_days", 0)),
    ],
    K.MOVED_IN: [
        TaskTemplate("read_summary", ("opening", 3)),
        TaskTemplate("appoint_coordinator", ("opening", 14)),
        TaskTemplate("call_meeting", ("opening", 30)),
    ],
    K.NEW_COORDINATOR: [
        TaskTemplate("handover_meeting", ("opening", 14)),
        TaskTemplate("renew_clarification", ("opening", 30)),
    ],
    K.NEW_CONTACT: [
        TaskTemplate("introduce", ("opening", 14)),
    ],
}

LATE_TASK_DAYS = 14


def task_due(template: TaskTemplate, transition: date, opened: date) -> date:
    """The due date of a planner task for a transition on ``transition`` in a plan opened on ``opened``."""
    rule, value = template.due
    if rule == "before":
        due = deadlines.add_months(transition, -value)
    elif rule == "before_days":
        due = transition - timedelta(days=value)
    elif rule == "after_days":
        due = transition + timedelta(days=value)
    elif rule == "opening":
        due = opened + timedelta(days=value)
    elif rule == "fixed":
        month, day, year_offset = value
        due = date(transition.year + year_offset, month, day)
    else:  # pragma: no cover - a programming error
        raise ValueError(rule)
    if due < opened:
        due = opened + timedelta(days=LATE_TASK_DAYS)
    return due


def _format(text: Any, params: dict) -> str:
    values = dict(params or {})
    values.setdefault("name", "")
    until = values.get("until")
    if until:
        try:
            values["until"] = format_day(date.fromisoformat(until), "short")
        except (TypeError, ValueError):
            pass
    values.setdefault("service", "")
    values.setdefault("until", "")
    try:
        return str(text) % values
    except (KeyError, ValueError, TypeError):
        return str(text)


def item_label(code: str, params: dict, text: str = "") -> str:
    if code and code in ITEM_TEXTS:
        return _format(ITEM_TEXTS[code], params)
    return text


def task_label(code: str, params: dict, text: str = "") -> str:
    if code and code in TASK_TEXTS:
        return _format(TASK_TEXTS[code], params)
    return text
