"""The family's access log ("who has looked at our data") as FHIR AuditEvent resources, following HL7 Norway's
AuditEvent guide (hl7.fhir.no.domain.auditevent, profile ``no-domain-Trustframework-Auditevent``).

One AuditEvent per access event and child (the guide: one AuditEvent per patient). An event by staff carries the
profile: the agent is a contained PractitionerRole (practitioner with HPR-nummer when Los has it, the municipality
as organisation with its organisation number, a point-of-care location), the patient extension points to a
contained Patient with the child's fødselsnummer or D-nummer, and the purpose of use is coordination of care. An
event by a family member (a guardian reading the family's own case) cannot meet the profile, whose agent is health
personnel; it is a base R4 AuditEvent with the family member as a contained RelatedPerson. Canonical URLs come from
the vendored guide (:mod:`los.api.fsh`), identifier systems from the vendored basis profiles (:mod:`los.api.norway`).

Only the family and its barnekoordinator may export it (the access policy's ``access_log`` category; never the
coordinating unit); guardians do not get the health events a young person (16+) keeps to themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from los.access.models import AuditAction, AuditEvent, Category
from los.access.selectors import access_log_for_family
from los.accounts.models import STAFF_ROLES, User
from los.api import fsh, norway
from los.api.fhir import _name, municipality_organization
from los.families.models import Child, Family, FamilyMember

DCM = "http://dicom.nema.org/resources/ontology/DCM"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
LOS_USER_SYSTEM = "urn:los:user"
LOS_OBJECT_SYSTEM = "urn:los:object"
ACTION_CODES = {AuditAction.VIEW: "R", AuditAction.EXPORT: "R", AuditAction.CHANGE: "U", AuditAction.SHARE: "U",
                AuditAction.DENIED: "R"}
FAMILY_ROLES = {"guardian", "young_person"}


def events_for(family: Family, hide_health: bool) -> QuerySet[AuditEvent]:
    return (access_log_for_family(family, hide_health=hide_health).select_related("actor")
            .only("at", "actor", "actor_name", "actor_role", "actor_service", "action", "category", "object_type",
                  "object_id", "allowed", "reason"))


def _patient(child: Child) -> dict:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient",
                               "meta": {"profile": [fsh.url(fsh.PATIENT)]},
                               "name": [{"family": child.family_name, "given": [child.given_name]}]}
    # The guide needs an identifier: a child without a registered number (not born yet) gets Los's own.
    patient["identifier"] = [norway.person_identifier(child.fodselsnummer)
                             or {"system": "urn:los:child", "value": str(child.pk)}]
    return patient


def _staff_agent(event: AuditEvent, family: Family, organization: dict) -> tuple[list[dict], dict]:
    user: User | None = event.actor
    identifiers = []
    if user is not None and (hpr := norway.hpr_identifier(user.hpr_number)):
        identifiers.append(hpr)
    identifiers.append({"system": LOS_USER_SYSTEM, "value": user.username if user is not None else event.actor_name})
    practitioner = {"resourceType": "Practitioner", "id": "practitioner",
                    "meta": {"profile": [fsh.url(fsh.PRACTITIONER)]}, "identifier": identifiers,
                    "name": [{"text": event.actor_name or _name(user)}]}
    org = {**organization, "id": "organization"}
    location = {"resourceType": "Location", "id": "location", "name": event.actor_service or org["name"],
                "managingOrganization": {"reference": "#organization"}}
    role = {"resourceType": "PractitionerRole", "id": "role", "meta": {"profile": [fsh.url(fsh.PRACTITIONER_ROLE)]},
            "active": True, "practitioner": {"reference": "#practitioner"},
            "organization": {"reference": "#organization"}, "location": [{"reference": "#location"}],
            "code": [{"text": event.actor_role}]}
    agent = {"requestor": True, "who": {"reference": "#role", "display": event.actor_name},
             "type": {"text": event.actor_role}}
    return [practitioner, role, org, location], agent


def _family_agent(event: AuditEvent, family: Family) -> tuple[list[dict], dict]:
    member = (FamilyMember.objects.filter(family=family, user_id=event.actor_id).order_by("pk").first()
              if event.actor_id else None)
    contained: list[dict] = []
    if member is not None:
        person = {"resourceType": "RelatedPerson", "id": "person",
                  "meta": {"profile": [norway.profile_url("RelatedPerson")]}, "patient": {"reference": "#patient"},
                  "name": [{"family": member.family_name, "given": [member.given_name]}]}
        if identifier := norway.person_identifier(member.fodselsnummer):
            person["identifier"] = [identifier]
        contained.append(person)
        who = {"reference": "#person", "display": event.actor_name}
    else:
        who = {"display": event.actor_name or "Los"}
    return contained, {"requestor": True, "who": who, "type": {"text": event.actor_role or "family"}}


def audit_event(event: AuditEvent, family: Family, child: Child, organization: dict) -> dict:
    staff = event.actor_role in STAFF_ROLES
    patient = _patient(child)
    if staff:
        contained, agent = _staff_agent(event, family, organization)
    else:
        contained, agent = _family_agent(event, family)
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent", "id": f"audit-{event.pk}-{child.pk}",
        "contained": [*contained, patient],
        "extension": [{"url": fsh.url(fsh.PATIENT_EXTENSION), "valueReference": {"reference": "#patient"}}],
        "type": {"system": DCM, "code": "110110", "display": "Patient Record"},
        "subtype": [{"system": "urn:los:audit-action", "code": event.action}],
        "action": ACTION_CODES.get(event.action, "E"),
        "recorded": timezone.localtime(event.at).isoformat(),
        "outcome": "0" if event.allowed else "4",
        "agent": [agent],
        "source": {"site": family.municipality.name, "observer": {"display": "Los"},
                   "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}]},
        "entity": [{"what": {"identifier": {"system": LOS_OBJECT_SYSTEM,
                                            "value": f"{event.object_type}/{event.object_id}".rstrip("/")}},
                    "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                    **({"name": str(Category(event.category).label)} if event.category in Category.values else {})}],
    }
    if event.reason:
        resource["outcomeDesc"] = event.reason[:500]
    if staff:
        resource["meta"] = {"profile": [fsh.url(fsh.AUDIT_EVENT)]}
        resource["purposeOfEvent"] = [{"coding": [{"system": ACT_REASON, "code": "COC",
                                                   "display": "coordination of care"}]}]
    elif event.actor_role in FAMILY_ROLES:
        resource["purposeOfEvent"] = [{"coding": [{"system": ACT_REASON, "code": "PATRQT",
                                                   "display": "patient requested"}]}]
    return resource


def build_bundle(family: Family, hide_health: bool, limit: int = 200, offset: int = 0) -> tuple[dict, int]:
    """(a Bundle of AuditEvents, the number of access events in all). Validated with fhir.resources (R4B)."""
    from fhir.resources.R4B.bundle import Bundle

    events = events_for(family, hide_health)
    total = events.count()
    children = list(family.children.order_by("birth_date", "pk"))
    organization = municipality_organization(family.municipality)
    resources = []
    for event in events[offset:offset + limit]:
        concerned = [c for c in children if event.object_type == "Child" and str(c.pk) == str(event.object_id)]
        for child in concerned or children:
            resources.append(audit_event(event, family, child, organization))
    bundle = {
        "resourceType": "Bundle", "id": f"family-{family.pk}-access-log", "type": "collection",
        "timestamp": timezone.localtime().isoformat(),
        "entry": [{"fullUrl": f"urn:los:AuditEvent/{r['id']}", "resource": r} for r in resources],
    }
    Bundle.model_validate(bundle)
    return bundle, total
