"""A family's coordination data as a FHIR R4 (R4B) Bundle, built and validated with ``fhir.resources``.

What goes in, and under which information category of the access policy:

========================  ==========================================  ===========
FHIR resource             Los                                         category
========================  ==========================================  ===========
Group, Patient            the family and its children                  case
RelatedPerson             the guardians                                case
Organization              the municipality, services in consents       case
Practitioner              the barnekoordinators                        case
EpisodeOfCare             barnekoordinator assignments                 case
CarePlan, Goal            the individual plan and its goals            plan
CareTeam                  the coordination group                       meetings
Encounter                 meetings                                     meetings
Task                      actions agreed in meetings                   meetings
Consent                   the consent register                         consents
========================  ==========================================  ===========

A category the caller may not view is left out, and so is each object the policy refuses. The
``meta.tag`` of the Bundle lists the categories left out.

Persons, practitioners and organisations follow HL7 Norway's basis profiles (no-basis, :mod:`los.api.norway`):
children and guardians carry their fødselsnummer or D-nummer (contact information: only when the caller may see
it), barnekoordinators their HPR-nummer when Los has it, the municipality and services their organisation number.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.utils import timezone

from los.access.models import Category, Consent
from los.access.policy import Action, Decision, decide
from los.accounts.models import User
from los.api import norway
from los.core.models import Municipality, ServiceProvider
from los.families.models import Child, Family, FamilyMember

SYSTEM = "urn:los"
CATEGORY_SYSTEM = "urn:los:category"


def _ref(kind: str, pk: Any, display: str = "") -> dict:
    ref = {"reference": f"{kind}/{pk}"}
    if display:
        ref["display"] = display
    return ref


def _instant(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _day_start(value: Any) -> str | None:
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(value, time.min)).isoformat()


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"{SYSTEM}:{resource['resourceType']}/{resource['id']}", "resource": resource}


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _profiled(resource_type: str) -> dict:
    return {"profile": [norway.profile_url(resource_type)]}


def _patient(child: Child, identified: bool) -> dict:
    patient: dict[str, Any] = {
        "resourceType": "Patient", "id": f"child-{child.pk}", "meta": _profiled("Patient"),
        "name": [{"family": child.family_name, "given": [child.given_name]}],
    }
    identifier = norway.person_identifier(child.fodselsnummer) if identified else None
    if identifier:
        patient["identifier"] = [identifier]
    if child.birth_date:
        patient["birthDate"] = child.birth_date.isoformat()
    return patient


#: HL7 v3 RoleCode for the guardian relations Los records (RelatedPerson.relationship).
ROLE_CODES = {"mother": ("MTH", "mother"), "father": ("FTH", "father"), "parent": ("PRN", "parent"),
              "step_parent": ("STPPRN", "step parent"), "foster_parent": ("GUARD", "guardian"),
              "guardian": ("GUARD", "guardian")}
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


def related_person(member: FamilyMember, patient_ref: dict, identified: bool) -> dict:
    """A guardian as no-basis-RelatedPerson, with the fødselsnummer or D-nummer when the caller may see it."""
    code, display = ROLE_CODES.get(member.relation, ("GUARD", "guardian"))
    person: dict[str, Any] = {
        "resourceType": "RelatedPerson", "id": f"guardian-{member.pk}", "meta": _profiled("RelatedPerson"),
        "patient": patient_ref, "name": [{"family": member.family_name, "given": [member.given_name]}],
        "relationship": [{"coding": [{"system": ROLE_CODE_SYSTEM, "code": code, "display": display}],
                          "text": member.get_relation_display()}],
    }
    identifier = norway.person_identifier(member.fodselsnummer) if identified else None
    if identifier:
        person["identifier"] = [identifier]
    return person


def municipality_organization(municipality: Municipality) -> dict:
    """The municipality as no-basis-Organization: its organisation number (from the archive settings) and its
    kommunenummer (no-basis-municipalitycode on the address's district)."""
    from los.archive.models import ArchiveSettings

    number = (ArchiveSettings.objects.filter(municipality=municipality).values_list("organisation_number", flat=True)
              .first() or "")
    organization: dict[str, Any] = {
        "resourceType": "Organization", "id": f"municipality-{municipality.pk}", "meta": _profiled("Organization"),
        "name": f"{municipality.name} kommune", "active": True,
        "address": [{"district": municipality.name,
                     "_district": {"extension": [norway.municipality_code(municipality.number, municipality.name)]},
                     "country": "NO"}],
    }
    identifier = norway.organisation_identifier(number)
    if identifier:
        organization["identifier"] = [identifier]
    return organization


def provider_organization(provider: ServiceProvider) -> dict:
    organization: dict[str, Any] = {"resourceType": "Organization", "id": f"provider-{provider.pk}",
                                    "meta": _profiled("Organization"), "name": provider.name, "active": True}
    identifier = norway.organisation_identifier(provider.organisation_number)
    if identifier:
        organization["identifier"] = [identifier]
    return organization


def practitioner(user: User) -> dict:
    """A barnekoordinator (or other staff) as no-basis-Practitioner, with the HPR-nummer when Los has it."""
    resource: dict[str, Any] = {"resourceType": "Practitioner", "id": f"practitioner-{user.pk}",
                                "meta": _profiled("Practitioner"),
                                "name": [{"text": _name(user), "family": user.last_name or user.username,
                                          **({"given": [user.first_name]} if user.first_name else {})}]}
    identifier = norway.hpr_identifier(user.hpr_number)
    if identifier:
        resource["identifier"] = [identifier]
    return resource


def build_bundle(family: Family, user: User) -> tuple[dict, list[str]]:
    """(the Bundle as JSON-ready dict, the categories left out). Validates with fhir.resources (R4B)."""
    from fhir.resources.R4B.bundle import Bundle

    def allowed(category: Category) -> Decision:
        return decide(user, Action.VIEW, family, category)

    def may(obj: Any) -> bool:
        return decide(user, Action.VIEW, obj).allowed

    left_out: list[str] = []
    resources: list[dict] = []
    group_id = f"family-{family.pk}"
    children = [c for c in family.children.order_by("birth_date", "pk") if may(c)]
    patients = [_patient(c, decide(user, Action.VIEW, c, Category.CONTACT).allowed) for c in children]
    group = {
        "resourceType": "Group", "id": group_id, "type": "person", "actual": True, "name": family.display_name,
        "identifier": [{"system": f"{SYSTEM}:family-reference:{family.municipality.number}",
                        "value": family.reference}],
        "member": [{"entity": _ref("Patient", p["id"])} for p in patients],
    }
    resources += [group, *patients]
    subject = _ref("Group", group_id, family.display_name)
    first_patient = _ref("Patient", patients[0]["id"]) if patients else None
    municipality = municipality_organization(family.municipality)
    resources.append(municipality)
    municipality_ref = _ref("Organization", municipality["id"], municipality["name"])
    if first_patient is not None:
        for member in family.members.order_by("pk"):
            if member.is_guardian and may(member):
                resources.append(related_person(member, first_patient,
                                                decide(user, Action.VIEW, member, Category.CONTACT).allowed))

    # EpisodeOfCare: the barnekoordinator assignments (case information: who the coordinator is)
    if first_patient is not None:
        practitioners: dict[int, dict] = {}
        for a in family.coordinator_assignments.select_related("coordinator").order_by("started", "pk"):
            period = {"start": _day_start(a.started)}
            if a.ended:
                period["end"] = _day_start(a.ended)
            if a.coordinator_id not in practitioners:
                practitioners[a.coordinator_id] = practitioner(a.coordinator)
                resources.append(practitioners[a.coordinator_id])
            resources.append({
                "resourceType": "EpisodeOfCare", "id": f"assignment-{a.pk}",
                "status": "active" if a.is_active else "finished",
                "type": [{"text": "Barnekoordinator (pbrl. § 2-5 c)"}],
                "patient": first_patient, "period": period, "managingOrganization": municipality_ref,
                "careManager": _ref("Practitioner", practitioners[a.coordinator_id]["id"], _name(a.coordinator)),
            })

    # CarePlan and Goal: the individual plan
    if allowed(Category.PLAN):
        from los.plans.models import Plan, PlanStatus

        for plan in Plan.objects.filter(family=family).order_by("created_at", "pk"):
            if not may(plan):
                continue
            goal_ids = []
            for goal in plan.goals.select_related("family", "child").all():
                if not may(goal):
                    continue
                goal_ids.append(f"goal-{goal.pk}")
                resources.append({
                    "resourceType": "Goal", "id": f"goal-{goal.pk}",
                    "lifecycleStatus": "cancelled" if goal.archived else "active",
                    "description": {"text": goal.text},
                    "subject": _ref("Patient", f"child-{goal.child_id}") if goal.child_id and any(
                        c.pk == goal.child_id for c in children) else subject,
                })
            care_plan: dict[str, Any] = {
                "resourceType": "CarePlan", "id": f"plan-{plan.pk}",
                "status": "active" if plan.status == PlanStatus.ACTIVE else "completed",
                "intent": "plan", "title": "Individuell plan", "subject": subject,
                "created": _instant(plan.created_at),
                "goal": [_ref("Goal", g) for g in goal_ids],
            }
            if plan.what_matters:
                care_plan["description"] = plan.what_matters
            activities = []
            for measure in plan.measures.select_related("family", "owner_person", "owner_provider").all():
                if may(measure):
                    activities.append({"detail": {
                        "status": "completed" if not measure.is_open else "in-progress",
                        "description": measure.title,
                        **({"performer": [{"display": measure.owner_label}]} if measure.owner_label else {}),
                    }})
            if activities:
                care_plan["activity"] = activities
            resources.append(care_plan)
    else:
        left_out.append(Category.PLAN.value)

    # CareTeam, Encounter, Task: the coordination group, meetings and actions
    meetings_decision = allowed(Category.MEETINGS)
    if meetings_decision:
        from los.meetings.models import Meeting, MeetingStatus
        from los.meetings.selectors import family_actions, group_members, is_family_side

        participants = []
        for member in group_members(family):
            if may(member):
                participant: dict[str, Any] = {"member": {"display": str(member)}}
                if member.role_title:
                    participant["role"] = [{"text": member.role_title}]
                participants.append(participant)
        resources.append({"resourceType": "CareTeam", "id": f"group-{family.pk}", "status": "active",
                          "name": "Koordineringsgruppe", "subject": subject, "participant": participants or None})
        if not participants:
            resources[-1].pop("participant")
        status_map = {MeetingStatus.SCHEDULED: "planned", MeetingStatus.HELD: "finished",
                      MeetingStatus.CANCELLED: "cancelled"}
        for meeting in Meeting.objects.filter(family=family).order_by("starts_at", "pk"):
            if may(meeting):
                resources.append({
                    "resourceType": "Encounter", "id": f"meeting-{meeting.pk}",
                    "status": status_map.get(meeting.status, "unknown"),
                    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
                              "display": "ambulatory"},
                    "type": [{"text": meeting.get_kind_display()}], "subject": subject,
                    "period": {"start": _instant(meeting.starts_at), "end": _instant(meeting.ends_at)},
                })
        for action in family_actions(family, family_side=is_family_side(meetings_decision), status=None):
            if may(action):
                task: dict[str, Any] = {
                    "resourceType": "Task", "id": f"action-{action.pk}",
                    "status": "completed" if action.is_done else "requested", "intent": "order",
                    "description": action.title, "for": subject,
                    "restriction": {"period": {"end": _day_start(action.due_date)}},
                }
                if action.meeting_id:
                    task["encounter"] = _ref("Encounter", f"meeting-{action.meeting_id}")
                resources.append(task)
    else:
        left_out.append(Category.MEETINGS.value)

    # Consent: the consent register
    if allowed(Category.CONSENTS) and first_patient is not None:
        organizations: dict[int, dict] = {}
        for consent in Consent.objects.filter(family=family).select_related("service_provider", "person"):
            if not may(consent):
                continue
            if consent.service_provider_id and consent.service_provider_id not in organizations:
                organizations[consent.service_provider_id] = provider_organization(consent.service_provider)
                resources.append(organizations[consent.service_provider_id])
            status = {"active": "active", "upcoming": "proposed", "withdrawn": "inactive",
                      "expired": "inactive"}.get(consent.status, "inactive")
            actor = consent.service_provider.name if consent.service_provider_id else _name(consent.person)
            resources.append({
                "resourceType": "Consent", "id": f"consent-{consent.pk}", "status": status,
                "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                      "code": "patient-privacy"}]},
                "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                "patient": first_patient, "dateTime": _instant(consent.created_at),
                "organization": [municipality_ref],
                "policyRule": {"text": "Samtykke til deling av opplysninger (Los)"},
                "provision": {
                    "type": "permit",
                    "period": {"start": _instant(consent.valid_from),
                               "end": _instant(consent.withdrawn_at or consent.valid_to)},
                    "actor": [{"role": {"text": "recipient"}, "reference": _ref(
                        "Organization", organizations[consent.service_provider_id]["id"], actor)
                        if consent.service_provider_id else {"display": actor}}],
                    "class": [{"system": CATEGORY_SYSTEM, "code": c} for c in consent.categories or []] or None,
                },
            })
            if resources[-1]["provision"]["class"] is None:
                resources[-1]["provision"].pop("class")
    else:
        left_out.append(Category.CONSENTS.value)

    bundle = {
        "resourceType": "Bundle", "id": f"family-{family.pk}-export", "type": "collection",
        "timestamp": timezone.localtime().isoformat(),
        "meta": {"tag": [{"system": f"{CATEGORY_SYSTEM}:left-out", "code": c} for c in left_out]} if left_out else None,
        "entry": [_entry(r) for r in resources],
    }
    if bundle["meta"] is None:
        bundle.pop("meta")
    Bundle.model_validate(bundle)  # raises when the bundle is not valid FHIR R4B
    return bundle, left_out
