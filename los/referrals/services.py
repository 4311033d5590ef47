"""Actions of the referral workflow: request → assessment → decision → appointment → change → ending.

Views authorize through the access policy first; the services then enforce the workflow's own rules
(what must be filled in, what state the case must be in, and that decisions, appointments and endings
are made by the coordinating unit: the policy's ``unit`` answer, never the family's own
barnekoordinator). Bad input raises :class:`django.core.exceptions.ValidationError` with a message for
the user; a stale ``version`` raises :class:`los.core.forms.ConflictError`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer as fnr_lib

from los.access import audit
from los.access.models import AuditAction, Consent, ConsentMethod
from los.access.policy import Action, decide
from los.accounts.models import Role, StaffRole, User
from los.archive import hooks as archive
from los.core.dates import format_day
from los.core.deadlines import UnknownLegalBasis, appeal_deadline, resolve_legal_basis
from los.core.forms import ConflictError
from los.core.models import Municipality, ServiceProvider
from los.families.models import (
    GUARDIAN_RELATIONS,
    Child,
    ConditionCategory,
    CoordinatorAssignment,
    Family,
    FamilyMember,
    FamilyStatus,
)
from los.referrals import letters
from los.referrals.criteria import LEGAL_CRITERIA, checklist
from los.referrals.models import (
    BARNEKOORDINATOR_BASIS,
    OPEN_REQUEST_STATUSES,
    PUBLIC_REQUEST_RETENTION_DAYS,
    REFERRAL_CATEGORY,
    Appeal,
    AppealStatus,
    Appointment,
    Assessment,
    CriterionAssessment,
    CriterionResult,
    Ending,
    EndReason,
    GovernorOutcome,
    HandoverTask,
    LocalCriterion,
    Outcome,
    PublicRequest,
    PublicRequestStatus,
    Recommendation,
    Request,
    RequestSource,
    RequestStatus,
    Vedtak,
)

logger = logging.getLogger(__name__)

UNIT_BASES = frozenset({"unit", "transfer"})
HANDOVER_DAYS = 14
#: Families a barnekoordinator can follow per 10 % of a position, when settings do not say otherwise.
DEFAULT_FAMILIES_PER_10_PERCENT = 2.5


def _conflict(current: Any) -> ConflictError:
    """Someone else saved the object after the user opened it (optimistic locking)."""
    return ConflictError(_("Someone else changed this while you were working on it. What you wrote is kept below: "
                           "look at the latest version and save again."), current=current)


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def is_unit_member(user: User, family: Family) -> bool:
    """True when the access policy lets ``user`` work on the family as its coordinating unit."""
    if user is None or not user.is_authenticated:
        return False
    return decide(user, Action.CHANGE, family, REFERRAL_CATEGORY).basis in UNIT_BASES


def require_unit(user: User, family: Family) -> None:
    if not is_unit_member(user, family):
        raise PermissionDenied(_("Only the coordinating unit can do this."))


def guardian_member(user: User, family: Family) -> FamilyMember | None:
    for member in FamilyMember.objects.filter(user=user, family=family):
        if member.is_guardian:
            return member
    return None


def _audit(actor: User | None, family: Family, obj: Any, reason: str, http_request: HttpRequest | None = None,
           action: str = AuditAction.CHANGE) -> None:
    audit.record(actor=actor, action=action, object_type=type(obj).__name__, object_id=obj.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=str(REFERRAL_CATEGORY),
                 reason=reason, request=http_request)


def _locked(obj: Any, expected_version: int | None) -> Any:
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and int(expected_version) != fresh.version:
        raise _conflict(fresh)
    return fresh


def _set_family_status(family: Family, status: str) -> None:
    fields: dict[str, Any] = {"status": status, "version": F("version") + 1}
    if status == FamilyStatus.CLOSED:
        fields["closed_at"] = timezone.now()
    Family.objects.filter(pk=family.pk).update(**fields)
    family.refresh_from_db(fields=["status", "version", "closed_at"])


def active_assignment(family: Family, today: date | None = None) -> CoordinatorAssignment | None:
    today = today or timezone.localdate()
    return (CoordinatorAssignment.objects.filter(family=family, started__lte=today)
            .filter(Q(ended__isnull=True) | Q(ended__gt=today)).select_related("coordinator").first())


def open_request(family: Family) -> Request | None:
    return Request.objects.filter(family=family, status__in=OPEN_REQUEST_STATUSES).order_by("received", "pk").first()


def _required(value: str, field: str, message: str, errors: dict[str, list[str]]) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(message)
    return value


# --------------------------------------------------------------------------------------------------
# 1. Requests
# --------------------------------------------------------------------------------------------------


def check_can_request(family: Family) -> None:
    """Raise a ValidationError (with a message for the family) when a new request makes no sense."""
    if family.status in (FamilyStatus.ACTIVE, FamilyStatus.WAITING):
        raise ValidationError(_("The family already has a barnekoordinator, or has been granted one and is "
                                "waiting for the appointment."), code="has_coordinator")
    if open_request(family) is not None:
        raise ValidationError(_("A request for this family is already being processed. You can follow it on "
                                "the family's case page."), code="open_request")


@transaction.atomic
def ask_for_coordinator(family: Family, actor: User, description: str,
                        http_request: HttpRequest | None = None) -> Request:
    """A guardian asks for a barnekoordinator from the family's own pages in Los."""
    member = guardian_member(actor, family)
    if member is None:
        raise PermissionDenied(_("Only a guardian in the family can ask on the family's behalf."))
    check_can_request(family)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("Tell us briefly what you need help with.")]})
    today = timezone.localdate()
    request = Request.objects.create(
        family=family, municipality=family.municipality, source=RequestSource.FAMILY, received=today,
        submitted_by=actor, submitter_name=f"{member.given_name} {member.family_name}".strip(),
        description=description, consent_by_member=member, consent_by_name=str(member),
        consent_method=ConsentMethod.DIGITAL, consent_given_on=today,
    )
    _set_family_status(family, FamilyStatus.REQUESTED)
    _audit(actor, family, request, "request for a barnekoordinator sent by a guardian", http_request)
    archive.request_received(request, actor, http_request)
    return request


def _new_reference(municipality: Municipality, today: date) -> str:
    while True:
        reference = f"{today.year}/H{secrets.token_hex(3).upper()}"
        if not Family.objects.filter(municipality=municipality, reference=reference).exists():
            return reference


@dataclass
class NewFamilyDetails:
    """Who the request is about, when a professional registers a family Los does not know yet."""

    child_given_name: str
    child_family_name: str
    child_fodselsnummer: str
    guardian_given_name: str
    guardian_family_name: str
    guardian_fodselsnummer: str
    guardian_relation: str


@dataclass
class ConsentRecord:
    """The family's consent to the professional's request: who consented, how and when."""

    given_by: str
    method: str
    given_on: date


def _validate_consent(consent: ConsentRecord, errors: dict[str, list[str]]) -> None:
    _required(consent.given_by, "consent_by_name", _("Write who in the family consented to the request."), errors)
    if consent.method not in ConsentMethod.values:
        errors.setdefault("consent_method", []).append(_("Choose how the family consented."))
    if consent.given_on is None:
        errors.setdefault("consent_given_on", []).append(_("Give the date the family consented."))
    elif consent.given_on > timezone.localdate():
        errors.setdefault("consent_given_on", []).append(_("The date of consent cannot be in the future."))


def _create_family(municipality: Municipality, details: NewFamilyDetails) -> tuple[Family, FamilyMember]:
    """A family Los did not know. The guardian is recorded but *not* given guardian rights (parental
    responsibility, daily care, consent) until the coordinating unit has checked them: nobody gets access to
    a family because someone typed their fødselsnummer into a form."""
    today = timezone.localdate()
    family = Family.objects.create(
        municipality=municipality, reference=_new_reference(municipality, today),
        display_name=f"Familien {details.child_family_name}", status=FamilyStatus.REQUESTED,
        preferred_language=municipality.default_language or "nb",
    )
    birth = fnr_lib.get_birth_date(details.child_fodselsnummer)
    Child.objects.create(family=family, municipality=municipality, given_name=details.child_given_name,
                         family_name=details.child_family_name, fodselsnummer=details.child_fodselsnummer,
                         birth_date=birth)
    member = FamilyMember.objects.create(
        family=family, municipality=municipality, relation=details.guardian_relation,
        given_name=details.guardian_given_name, family_name=details.guardian_family_name,
        fodselsnummer=details.guardian_fodselsnummer, parental_responsibility=False, daily_care=False,
        may_consent=False,
    )
    return family, member


@transaction.atomic
def register_on_behalf(
    actor: User, municipality: Municipality, description: str, consent: ConsentRecord, *,
    family: Family | None = None, details: NewFamilyDetails | None = None, received: date | None = None,
    service: ServiceProvider | None = None, http_request: HttpRequest | None = None,
) -> Request:
    """A professional (any staff role) registers a request on the family's behalf, with the family's consent.

    Either ``family`` (a family the professional may work on) or ``details`` (who the request is about)
    is given. With ``details`` the family is found by the child's fødselsnummer in the municipality, or
    created. The professional is not told which happened: they may have no access to the family.
    """
    if not actor.is_staff_member:
        raise PermissionDenied(_("Only staff can register a request on a family's behalf."))
    errors: dict[str, list[str]] = {}
    description = _required(description, "description", _("Describe what the family needs help with."), errors)
    _validate_consent(consent, errors)
    today = timezone.localdate()
    received = received or today
    if received > today:
        errors.setdefault("received", []).append(_("The date received cannot be in the future."))
    if family is None and details is None:
        errors.setdefault("__all__", []).append(_("Say which family the request is about."))
    if errors:
        raise ValidationError(errors)
    member = None
    if family is None:
        existing = (Child.objects.filter(municipality=municipality, fodselsnummer=details.child_fodselsnummer)
                    .select_related("family").first())
        if existing is not None:
            family = existing.family
            member = FamilyMember.objects.filter(family=family, fodselsnummer=details.guardian_fodselsnummer).first()
        else:
            family, member = _create_family(municipality, details)
    if member is None:
        name = consent.given_by.strip().lower()
        member = next((m for m in family.members.all()
                       if f"{m.given_name} {m.family_name}".lower() == name and m.relation in GUARDIAN_RELATIONS),
                      None)
    role = next((r for r in actor.active_roles() if r.service_provider_id), None)
    request = Request.objects.create(
        family=family, municipality=family.municipality, source=RequestSource.PROFESSIONAL, received=received,
        submitted_by=actor, submitter_name=actor.get_full_name() or actor.username,
        submitter_service=service or (role.service_provider if role else None), description=description,
        consent_by_member=member, consent_by_name=consent.given_by.strip(), consent_method=consent.method,
        consent_given_on=consent.given_on,
    )
    if family.status not in (FamilyStatus.ACTIVE, FamilyStatus.WAITING):
        _set_family_status(family, FamilyStatus.REQUESTED)
    _audit(actor, family, request, "request registered by a professional with the family's consent", http_request)
    archive.request_received(request, actor, http_request)
    return request


def _public_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        reference = "N-" + "".join(secrets.choice(alphabet) for _ in range(8))
        if not PublicRequest.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def sender_network(http_request: HttpRequest | None) -> str:
    """A keyed digest of the network a request comes from: the IPv4 address, or the /64 of an IPv6 address
    (one household or phone gets a whole /64). Empty when the address is unknown."""
    import ipaddress

    from django.utils.crypto import salted_hmac

    address = audit.client_ip(http_request)
    if not address:
        return ""
    ip = ipaddress.ip_address(address)
    network = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return salted_hmac("los.referrals.public_request.network", network, algorithm="sha256").hexdigest()


def public_request_limits() -> tuple[int, int]:
    """(requests per network per hour, requests in all per hour) the open form takes."""
    from django.conf import settings

    return (int(getattr(settings, "LOS_PUBLIC_REQUESTS_PER_NETWORK", 3)),
            int(getattr(settings, "LOS_PUBLIC_REQUESTS_PER_HOUR", 60)))


def check_public_throttle(network: str, now: datetime | None = None) -> None:
    """Refuse a request from the open form when this network, or everyone together, has sent many in the last
    hour (``ValidationError`` with code ``throttled``). Nobody is logged in on the open form, so the form is a
    way to fill a parent's start page, or the database, from a script; a parent who is stopped can try again
    later or call the coordinating unit."""
    now = now or timezone.now()
    per_network, per_hour = public_request_limits()
    recent = PublicRequest.objects.filter(submitted_at__gte=now - timedelta(hours=1))
    if network and recent.filter(sender_network=network).count() >= per_network:
        raise ValidationError(_("Several requests have been sent from your network in the last hour. Wait an hour "
                                "and send it again, or call the coordinating unit in your municipality."),
                              code="throttled")
    if recent.count() >= per_hour:
        raise ValidationError(_("Los is receiving unusually many requests right now, so the form is closed for a "
                                "while. Try again in an hour, or call the coordinating unit in your municipality."),
                              code="throttled")


def submit_public_request(*, municipality: Municipality, sender_name: str, sender_fodselsnummer: str,
                          sender_relation: str, child_name: str, description: str,
                          child_birth_date: date | None = None, phone: str = "", email: str = "",
                          http_request: HttpRequest | None = None) -> PublicRequest:
    """Store a request from the public form. It stays unconfirmed and invisible to the municipality until
    the person with ``sender_fodselsnummer`` logs in and confirms it. Throttled per network and in all
    (:func:`check_public_throttle`)."""
    network = sender_network(http_request)
    check_public_throttle(network)
    public = PublicRequest.objects.create(
        municipality=municipality, reference=_public_reference(), sender_name=sender_name.strip(),
        sender_fodselsnummer=sender_fodselsnummer.strip(), sender_relation=sender_relation,
        child_name=child_name.strip(), child_birth_date=child_birth_date, description=description.strip(),
        phone=phone.strip(), email=email.strip(), sender_network=network,
    )
    audit.record(actor=None, action=AuditAction.CHANGE, object_type="PublicRequest", object_id=public.pk,
                 municipality_id=municipality.pk, category=str(REFERRAL_CATEGORY),
                 reason="request sent on the public form (not confirmed)", request=http_request)
    return public


def identity_numbers(user: User) -> set[str]:
    """The fødselsnummer Los knows for a logged-in person: their family memberships, and the user name when
    it is one (log-in through ID-porten uses the fødselsnummer as user name)."""
    numbers = set(FamilyMember.objects.filter(user=user).exclude(fodselsnummer="")
                  .values_list("fodselsnummer", flat=True))
    if fnr_lib.is_valid(user.username):
        numbers.add(user.username)
    return numbers


def pending_public_requests(user: User) -> list[PublicRequest]:
    """Unconfirmed public requests that name the logged-in person as the sender."""
    if user is None or not user.is_authenticated:
        return []
    numbers = identity_numbers(user)
    if not numbers:
        return []
    return list(PublicRequest.objects.filter(status=PublicRequestStatus.UNCONFIRMED,
                                             sender_fodselsnummer__in=numbers).select_related("municipality"))


def guardian_families(user: User) -> list[Family]:
    members = FamilyMember.objects.filter(user=user).select_related("family__municipality")
    return [m.family for m in members if m.is_guardian]


def _own_pending(public: PublicRequest, user: User) -> PublicRequest:
    public = PublicRequest.objects.select_for_update().get(pk=public.pk)
    if public.sender_fodselsnummer not in identity_numbers(user):
        raise PermissionDenied(_("This request was not sent in your name."))
    if public.status != PublicRequestStatus.UNCONFIRMED:
        raise ValidationError(_("This request has already been handled."), code="handled")
    return public


@transaction.atomic
def confirm_public_request(public: PublicRequest, user: User, family: Family,
                           http_request: HttpRequest | None = None) -> Request | None:
    """The logged-in guardian confirms the public request as theirs: it becomes the family's request,
    received on the day it was sent. Returns None when the family already has an open request or a
    coordinator (the public request is then kept with the family, and no second request is made)."""
    public = _own_pending(public, user)
    member = guardian_member(user, family)
    if member is None:
        raise PermissionDenied(_("You can confirm a request only for a family where you are a guardian."))
    now = timezone.now()
    public.family, public.status, public.handled_by, public.handled_at = (
        family, PublicRequestStatus.CONFIRMED, user, now)
    public.save(update_fields=["family", "status", "handled_by", "handled_at"])
    request = None
    if family.status not in (FamilyStatus.ACTIVE, FamilyStatus.WAITING) and open_request(family) is None:
        request = Request.objects.create(
            family=family, municipality=family.municipality, source=RequestSource.PUBLIC_FORM,
            received=timezone.localtime(public.submitted_at).date(), received_at=public.submitted_at,
            submitted_by=user, submitter_name=public.sender_name, description=public.description,
            consent_by_member=member, consent_by_name=str(member), consent_method=ConsentMethod.DIGITAL,
            consent_given_on=timezone.localdate(), public_request=public,
        )
        _set_family_status(family, FamilyStatus.REQUESTED)
    _audit(user, family, request or public, "request from the public form confirmed by the guardian", http_request)
    if request is not None:
        archive.request_received(request, user, http_request)
    return request


def _split_name(name: str) -> tuple[str, str]:
    parts = (name or "").split()
    if len(parts) < 2:
        return (parts[0] if parts else "?"), ""
    return " ".join(parts[:-1]), parts[-1]


@transaction.atomic
def confirm_public_request_as_new_family(public: PublicRequest, user: User,
                                         http_request: HttpRequest | None = None) -> Request:
    """A person Los does not know confirms, logged in with ID-porten, the request sent in their name: the family's
    case is made from what the request says and the request is received on the day it was sent.

    The person is recorded as the family member they said they are, with their log-in, but *without* guardian
    rights (parental responsibility, daily care, consent) until the coordinating unit has checked them, as when a
    professional registers a new family: nobody gets access to a family because of what they typed into a form.
    The unit sees the request in its queue, marked as sent on the open form and confirmed with ID-porten."""
    public = _own_pending(public, user)
    if guardian_families(user):
        raise ValidationError(_("Choose the family the request is about."), code="has_family")
    municipality = public.municipality
    today = timezone.localdate()
    child_given, child_family = _split_name(public.child_name)
    sender_given, sender_family = _split_name(public.sender_name)
    if user.first_name or user.last_name:
        sender_given, sender_family = user.first_name or sender_given, user.last_name or sender_family
    family = Family.objects.create(
        municipality=municipality, reference=_new_reference(municipality, today),
        display_name=f"Familien {child_family or sender_family}".strip(), status=FamilyStatus.REQUESTED,
        preferred_language=municipality.default_language or "nb")
    Child.objects.create(family=family, municipality=municipality, given_name=child_given,
                         family_name=child_family or sender_family, birth_date=public.child_birth_date)
    member = FamilyMember.objects.create(
        family=family, municipality=municipality, relation=public.sender_relation, given_name=sender_given,
        family_name=sender_family, fodselsnummer=public.sender_fodselsnummer, phone=public.phone,
        email=public.email, parental_responsibility=False, daily_care=False, may_consent=False, user=user)
    now = timezone.now()
    public.family, public.status, public.handled_by, public.handled_at = (
        family, PublicRequestStatus.CONFIRMED, user, now)
    public.save(update_fields=["family", "status", "handled_by", "handled_at"])
    request = Request.objects.create(
        family=family, municipality=municipality, source=RequestSource.PUBLIC_FORM,
        received=timezone.localtime(public.submitted_at).date(), received_at=public.submitted_at,
        submitted_by=user, submitter_name=public.sender_name, description=public.description,
        consent_by_member=member, consent_by_name=public.sender_name, consent_method=ConsentMethod.DIGITAL,
        consent_given_on=today, public_request=public)
    _audit(user, family, request, "request from the public form confirmed with ID-porten by a person Los did not "
                                  "know; the family's case was made from it, guardian rights not yet checked",
           http_request)
    archive.request_received(request, user, http_request)
    return request


@transaction.atomic
def decline_public_request(public: PublicRequest, user: User, http_request: HttpRequest | None = None) -> None:
    """The person named says the request is not theirs: its content is removed, the row is kept."""
    public = _own_pending(public, user)
    PublicRequest.objects.filter(pk=public.pk).update(
        status=PublicRequestStatus.DECLINED, handled_by=user, handled_at=timezone.now(), child_name="",
        child_birth_date=None, description="", phone="", email="", sender_name="")
    audit.record(actor=user, action=AuditAction.CHANGE, object_type="PublicRequest", object_id=public.pk,
                 municipality_id=public.municipality_id, category=str(REFERRAL_CATEGORY),
                 reason="request from the public form declined by the person named", request=http_request)


def expire_public_requests(today: date | None = None, days: int = PUBLIC_REQUEST_RETENTION_DAYS) -> int:
    """Blank the personal fields of public requests nobody confirmed within ``days`` days."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
    return PublicRequest.objects.filter(status=PublicRequestStatus.UNCONFIRMED, submitted_at__lt=cutoff).update(
        status=PublicRequestStatus.EXPIRED, sender_name="", sender_fodselsnummer="", child_name="",
        child_birth_date=None, description="", phone="", email="", sender_network="")


@task
def expire_public_requests_task() -> int:
    return expire_public_requests()


@transaction.atomic
def withdraw_request(request: Request, actor: User, version: int | None = None,
                     http_request: HttpRequest | None = None) -> Request:
    require_unit(actor, request.family)
    request = _locked(request, version)
    if not request.is_open:
        raise ValidationError(_("Only an open request can be withdrawn."))
    request.status = RequestStatus.WITHDRAWN
    request.version += 1
    request.save(update_fields=["status", "version"])
    family = request.family
    if family.status == FamilyStatus.REQUESTED and open_request(family) is None:
        _set_family_status(family, FamilyStatus.CLOSED)
        archive.case_closed(family, actor)
    _audit(actor, family, request, "request withdrawn", http_request)
    return request


# --------------------------------------------------------------------------------------------------
# 2. Preliminary reply (fvl § 11 a)
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def send_preliminary_reply(request: Request, actor: User, text: str, expected_by: date | None,
                           version: int | None = None, http_request: HttpRequest | None = None) -> Request:
    """Store the preliminary reply as sent today, with the date the family can expect an answer."""
    require_unit(actor, request.family)
    errors: dict[str, list[str]] = {}
    text = _required(text, "text", _("The preliminary reply cannot be empty."), errors)
    if expected_by is None:
        errors.setdefault("expected_by", []).append(_("Say when the family can expect an answer."))
    elif expected_by < timezone.localdate():
        errors.setdefault("expected_by", []).append(_("The expected date cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    request = _locked(request, version)
    if not request.is_open:
        raise ValidationError(_("The request is already decided; no preliminary reply is needed."))
    request.preliminary_reply_text = text
    request.preliminary_reply_expected_by = expected_by
    request.preliminary_reply_sent_on = timezone.localdate()
    request.preliminary_reply_sent_by = actor
    request.version += 1
    request.save()
    _audit(actor, request.family, request, "preliminary reply (fvl § 11 a) sent", http_request)
    archive.preliminary_reply_sent(request, actor, http_request)
    return request


# --------------------------------------------------------------------------------------------------
# 3. Assessment
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def save_assessment(request: Request, actor: User, results: dict[str, tuple[str, str]], conclusion: str = "",
                    recommendation: str = "", navigator_snapshot: str | None = None, navigator_source: str = "",
                    version: int | None = None, http_request: HttpRequest | None = None) -> Assessment:
    """Save the checklist. ``results`` maps a checklist key (``legal:condition``, ``local:7``) to
    ``(result, justification)``. A recommendation needs every legal criterion assessed."""
    family = request.family
    require_unit(actor, family)
    rows = {row.key: row for row in checklist(request.municipality)}
    # keep lines of local criteria retired after they were assessed
    assessment = Assessment.objects.filter(request=request).first()
    errors: dict[str, list[str]] = {}
    for key, (result, justification) in results.items():
        if result and result not in CriterionResult.values:
            errors.setdefault(f"result_{key}", []).append(_("Choose met, not met or unclear."))
        if result in (CriterionResult.NOT_MET, CriterionResult.UNCLEAR) and not (justification or "").strip():
            errors.setdefault(f"why_{key}", []).append(_("Say why this criterion is not met or unclear."))
    if recommendation and recommendation not in Recommendation.values:
        errors.setdefault("recommendation", []).append(_("Choose a recommendation."))
    if recommendation:
        missing = [row for row in LEGAL_CRITERIA if not results.get(row.key, ("", ""))[0]]
        if missing:
            errors.setdefault("recommendation", []).append(
                _("Assess all the legal criteria of pbrl § 2-5 c before you recommend a decision."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if assessment is None:
        assessment = Assessment.objects.create(request=request, family=family, municipality=request.municipality,
                                               assessed_by=actor)
    else:
        assessment = _locked(assessment, version)
    assessment.assessed_by = actor
    assessment.updated_at = now
    assessment.conclusion = (conclusion or "").strip()
    assessment.recommendation = recommendation or ""
    if navigator_snapshot is not None and navigator_snapshot != assessment.navigator_snapshot:
        assessment.navigator_snapshot = navigator_snapshot
        assessment.navigator_snapshot_at = now if navigator_snapshot else None
        assessment.navigator_source = navigator_source if navigator_snapshot else ""
    assessment.version += 1
    assessment.save()
    existing = {(c.legal_key, c.local_criterion_id): c for c in assessment.criteria.all()}
    for key, (result, justification) in results.items():
        row = rows.get(key)
        if row is None:
            continue
        ident = (row.legal_key, row.local.pk if row.local else None)
        line = existing.get(ident)
        if line is None:
            CriterionAssessment.objects.create(
                assessment=assessment, family=family, municipality=request.municipality, legal_key=row.legal_key,
                local_criterion=row.local, label=str(row.label), result=result or "",
                justification=(justification or "").strip())
        else:
            line.result, line.justification = result or "", (justification or "").strip()
            line.save(update_fields=["result", "justification"])
    if request.status == RequestStatus.RECEIVED:
        Request.objects.filter(pk=request.pk).update(status=RequestStatus.ASSESSING, version=F("version") + 1)
    _audit(actor, family, assessment, "assessment saved", http_request)
    return assessment


# --------------------------------------------------------------------------------------------------
# 4. Decision (vedtak), letter and appeal
# --------------------------------------------------------------------------------------------------


def validate_reasons(rules: str, facts: str, considerations: str) -> dict[str, list[str]]:
    """fvl §§ 24–25: the reasons state the rules, the facts and the main considerations."""
    errors: dict[str, list[str]] = {}
    _required(rules, "rules", _("State the rules the decision is based on (forvaltningsloven § 25)."), errors)
    _required(facts, "facts", _("State the facts the decision is based on (forvaltningsloven § 25)."), errors)
    _required(considerations, "considerations",
              _("State the main considerations behind the decision (forvaltningsloven § 25)."), errors)
    if errors:
        errors.setdefault("__all__", []).insert(0, _(
            "A decision must give reasons: the rules, the facts and the main considerations "
            "(forvaltningsloven §§ 24–25). Nothing has been saved yet; what you wrote is kept."))
    return errors


def make_decision(request: Request, actor: User, outcome: str, rules: str, facts: str, considerations: str, *,
                  notified_on: date | None = None, legal_basis: str = BARNEKOORDINATOR_BASIS,
                  after_appeal: Appeal | None = None, http_request: HttpRequest | None = None) -> Vedtak:
    """Make the decision, archive its PDF letter and write the audit events, all in one transaction.

    The appeal deadline comes from :func:`los.core.deadlines.appeal_deadline` with the day the decision
    reaches the family (``notified_on``, today for a letter in the digital mailbox) and the legal basis.
    """
    family = request.family
    require_unit(actor, family)
    errors = validate_reasons(rules, facts, considerations)
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Choose whether the request is granted or refused."))
    today = timezone.localdate()
    notified_on = notified_on or today
    if notified_on < today - timedelta(days=7):
        errors.setdefault("notified_on", []).append(
            _("The day the decision reaches the family cannot be long before the decision is made."))
    try:
        deadline = appeal_deadline(notified_on, legal_basis)
    except UnknownLegalBasis:
        errors.setdefault("__all__", []).append(
            _("Los does not know the appeal rules for this legal basis, so it cannot give the appeal deadline."))
        deadline = None
    if after_appeal is not None and after_appeal.status != AppealStatus.RECEIVED:
        errors.setdefault("__all__", []).append(_("This appeal has already been dealt with."))
    if after_appeal is None and not request.is_open:
        errors.setdefault("__all__", []).append(_("This request has already been decided."))
    if errors:
        raise ValidationError(errors)
    vedtak = Vedtak(
        request=request, family=family, municipality=request.municipality, outcome=outcome,
        legal_basis=resolve_legal_basis(legal_basis).key, rules=rules.strip(), facts=facts.strip(),
        considerations=considerations.strip(), decided_by=actor, decided_at=timezone.now(), decision_date=today,
        notified_on=notified_on, appeal_deadline=deadline.deadline, appeal_deadline_nominal=deadline.nominal_deadline,
        appeal_weeks=deadline.weeks, appeal_rule=str(deadline.rule), appeal_body=str(deadline.appeal_body),
        after_appeal=after_appeal, letter_language=letters.letter_language(family),
    )
    pdf = letters.decision_pdf(vedtak)  # rendered before the transaction: it takes a moment
    stored_name = ""
    try:
        with transaction.atomic():
            request = Request.objects.select_for_update().get(pk=request.pk)
            if after_appeal is None and not request.is_open:
                raise ValidationError(_("This request has already been decided."))
            vedtak.request = request
            vedtak.save()
            vedtak.letter.save(f"vedtak-{vedtak.pk}-{vedtak.letter_language}.pdf", ContentFile(pdf), save=False)
            stored_name = vedtak.letter.name
            vedtak.letter_sha256 = hashlib.sha256(pdf).hexdigest()
            vedtak.letter_generated_at = timezone.now()
            vedtak.save(update_fields=["letter", "letter_sha256", "letter_generated_at"])
            Request.objects.filter(family=family, status__in=OPEN_REQUEST_STATUSES).update(
                status=RequestStatus.DECIDED, decided_on=today, version=F("version") + 1)
            if after_appeal is not None:
                Appeal.objects.filter(pk=after_appeal.pk).update(
                    status=AppealStatus.REVERSED, reassessed_by=actor, reassessed_on=today,
                    version=F("version") + 1)
            if family.status != FamilyStatus.ACTIVE:
                _set_family_status(family, FamilyStatus.WAITING if outcome == Outcome.GRANTED
                                   else FamilyStatus.REFUSED)
            _audit(actor, family, vedtak, f"decision made: {outcome}", http_request)
            _audit(actor, family, vedtak, "decision letter (PDF) archived with the case", http_request)
            archive.decision_made(vedtak, actor, pdf, http_request)
    except Exception:
        if stored_name:
            vedtak.letter.storage.delete(stored_name)
        raise
    return vedtak


def ensure_letter(vedtak: Vedtak) -> Vedtak:
    """Archive the letter of a decision that has none (decisions imported or made before letters existed)."""
    if vedtak.letter:
        return vedtak
    pdf = letters.decision_pdf(vedtak)
    with transaction.atomic():
        fresh = Vedtak.objects.select_for_update().get(pk=vedtak.pk)
        if fresh.letter:
            return fresh
        fresh.letter_language = letters.letter_language(fresh.family)
        fresh.letter.save(f"vedtak-{fresh.pk}-{fresh.letter_language}.pdf", ContentFile(pdf), save=False)
        fresh.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        fresh.letter_generated_at = timezone.now()
        fresh.save(update_fields=["letter", "letter_language", "letter_sha256", "letter_generated_at"])
    return fresh


@transaction.atomic
def register_appeal(vedtak: Vedtak, actor: User, received: date | None, grounds: str,
                    http_request: HttpRequest | None = None) -> Appeal:
    """Register an appeal against a refusal: by the coordinating unit, or lodged by a guardian in Los."""
    family = vedtak.family
    if guardian_member(actor, family) is None:
        require_unit(actor, family)
    errors: dict[str, list[str]] = {}
    grounds = _required(grounds, "grounds", _("Write what the family disagrees with and why."), errors)
    today = timezone.localdate()
    received = received or today
    if received > today:
        errors.setdefault("received", []).append(_("The date received cannot be in the future."))
    if received < vedtak.decision_date:
        errors.setdefault("received", []).append(_("An appeal cannot be received before the decision was made."))
    if vedtak.outcome != Outcome.REFUSED:
        errors.setdefault("__all__", []).append(_("Only a refusal can be appealed here."))
    if vedtak.appeals.exclude(status=AppealStatus.WITHDRAWN).exists():
        errors.setdefault("__all__", []).append(_("An appeal against this decision is already registered."))
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(vedtak=vedtak, family=family, municipality=vedtak.municipality,
                                   received=received, in_time=received <= vedtak.appeal_deadline, grounds=grounds,
                                   registered_by=actor)
    _audit(actor, family, appeal, "appeal registered", http_request)
    archive.appeal_registered(appeal, actor, http_request)
    return appeal


@transaction.atomic
def uphold_and_send(appeal: Appeal, actor: User, reassessment: str, sent_on: date | None = None,
                    version: int | None = None, http_request: HttpRequest | None = None) -> Appeal:
    """The unit has reassessed the appeal and keeps its decision: the appeal goes to the county governor."""
    require_unit(actor, appeal.family)
    if not (reassessment or "").strip():
        raise ValidationError({"reassessment": [_("Write the unit's reassessment: why the decision stands.")]})
    appeal = _locked(appeal, version)
    if appeal.status != AppealStatus.RECEIVED:
        raise ValidationError(_("This appeal has already been dealt with."))
    today = timezone.localdate()
    appeal.reassessment = reassessment.strip()
    appeal.reassessed_by, appeal.reassessed_on = actor, today
    appeal.status, appeal.sent_on = AppealStatus.SENT, sent_on or today
    appeal.version += 1
    appeal.save()
    _audit(actor, appeal.family, appeal, "appeal upheld by the unit and sent to the county governor", http_request)
    archive.appeal_sent(appeal, actor, letters.appeal_body_label(appeal.vedtak.appeal_body), http_request)
    return appeal


@transaction.atomic
def record_governor_outcome(appeal: Appeal, actor: User, outcome: str, decided_on: date | None, note: str = "",
                            version: int | None = None, http_request: HttpRequest | None = None) -> Appeal:
    """Record the county governor's decision on the appeal, and move the case on accordingly."""
    family = appeal.family
    require_unit(actor, family)
    errors: dict[str, list[str]] = {}
    if outcome not in (GovernorOutcome.UPHELD, GovernorOutcome.REVERSED, GovernorOutcome.RETURNED):
        errors.setdefault("governor_outcome", []).append(_("Choose the county governor's outcome."))
    if decided_on is None:
        errors.setdefault("governor_decided_on", []).append(_("Give the date of the county governor's decision."))
    elif decided_on > timezone.localdate():
        errors.setdefault("governor_decided_on", []).append(_("The date cannot be in the future."))
    if errors:
        raise ValidationError(errors)
    appeal = _locked(appeal, version)
    if appeal.status != AppealStatus.SENT:
        raise ValidationError(_("Only an appeal sent to the county governor can get the county governor's outcome."))
    appeal.status = AppealStatus.DECIDED
    appeal.governor_outcome, appeal.governor_decided_on = outcome, decided_on
    appeal.governor_note = (note or "").strip()
    appeal.version += 1
    appeal.save()
    if outcome == GovernorOutcome.REVERSED and family.status != FamilyStatus.ACTIVE:
        _set_family_status(family, FamilyStatus.WAITING)
    elif outcome == GovernorOutcome.RETURNED:
        Request.objects.filter(pk=appeal.vedtak.request_id).update(
            status=RequestStatus.ASSESSING, decided_on=None, version=F("version") + 1)
        if family.status != FamilyStatus.ACTIVE:
            _set_family_status(family, FamilyStatus.REQUESTED)
    _audit(actor, family, appeal, f"county governor's outcome recorded: {outcome}", http_request)
    archive.governor_outcome(appeal, actor, letters.appeal_body_label(appeal.vedtak.appeal_body), http_request)
    return appeal


# --------------------------------------------------------------------------------------------------
# 5. Appointment, change of coordinator and handover
# --------------------------------------------------------------------------------------------------


def _candidate_role(family: Family, coordinator: User) -> StaffRole | None:
    from los.referrals.selectors import candidate_roles

    return next((r for r in candidate_roles(family) if r.user_id == coordinator.pk), None)


@transaction.atomic
def appoint_coordinator(family: Family, actor: User, coordinator: User, family_wishes: str = "", reasons: str = "",
                        http_request: HttpRequest | None = None) -> Appointment:
    """Appoint the family's barnekoordinator after a decision granting one: creates the
    :class:`CoordinatorAssignment` and the appointment that explains it."""
    require_unit(actor, family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    if active_assignment(family) is not None:
        raise ValidationError(_("The family already has a barnekoordinator. Use “Change coordinator” instead."))
    if family.status != FamilyStatus.WAITING:
        raise ValidationError(_("A barnekoordinator can be appointed only after a decision granting one."))
    if _candidate_role(family, coordinator) is None:
        raise ValidationError({"coordinator": [_("Choose a barnekoordinator in the family's municipality.")]})
    today = timezone.localdate()
    assignment = CoordinatorAssignment.objects.create(family=family, municipality=family.municipality,
                                                      coordinator=coordinator, started=today)
    vedtak = (Vedtak.objects.filter(family=family, outcome=Outcome.GRANTED).order_by("-decision_date", "-pk").first())
    appointment = Appointment.objects.create(
        family=family, municipality=family.municipality, assignment=assignment, vedtak=vedtak, appointed_by=actor,
        family_wishes=(family_wishes or "").strip(), reasons=(reasons or "").strip())
    _set_family_status(family, FamilyStatus.ACTIVE)
    _audit(actor, family, appointment, "barnekoordinator appointed", http_request)
    archive.coordinator_appointed(appointment, actor, http_request)
    return appointment


@transaction.atomic
def change_coordinator(family: Family, actor: User, coordinator: User, change_reason: str, family_wishes: str = "",
                       reasons: str = "", http_request: HttpRequest | None = None) -> tuple[Appointment, HandoverTask]:
    """End the current assignment, start a new one and create the handover task with a case summary."""
    require_unit(actor, family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    current = active_assignment(family)
    errors: dict[str, list[str]] = {}
    change_reason = _required(change_reason, "change_reason", _("Say why the coordinator changes."), errors)
    if current is None:
        errors.setdefault("__all__", []).append(_("The family has no barnekoordinator to change."))
    elif current.coordinator_id == coordinator.pk:
        errors.setdefault("coordinator", []).append(_("Choose someone other than the current coordinator."))
    if _candidate_role(family, coordinator) is None:
        errors.setdefault("coordinator", []).append(_("Choose a barnekoordinator in the family's municipality."))
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    current.ended, current.end_reason = today, change_reason[:300]
    current.save(update_fields=["ended", "end_reason"])
    new = CoordinatorAssignment.objects.create(family=family, municipality=family.municipality,
                                               coordinator=coordinator, started=today)
    summary = case_summary(family, today)
    appointment = Appointment.objects.create(
        family=family, municipality=family.municipality, assignment=new, appointed_by=actor,
        family_wishes=(family_wishes or "").strip(), reasons=(reasons or "").strip(), is_change=True,
        change_reason=change_reason[:300])
    handover = HandoverTask.objects.create(family=family, municipality=family.municipality, from_assignment=current,
                                           to_assignment=new, summary=summary,
                                           due_on=today + timedelta(days=HANDOVER_DAYS))
    if family.status != FamilyStatus.ACTIVE:
        _set_family_status(family, FamilyStatus.ACTIVE)
    _audit(actor, family, appointment, "barnekoordinator changed", http_request)
    _audit(actor, family, handover, "handover task with case summary created", http_request)
    archive.coordinator_appointed(appointment, actor, http_request)
    return appointment, handover


@transaction.atomic
def change_coordinator_for_many(actor: User, moves: list[tuple[Family, User]], change_reason: str,
                                http_request: HttpRequest | None = None) -> list[HandoverTask]:
    """Hand many families over at once, when a coordinator leaves or the unit reorganises: for each family the same
    change as :func:`change_coordinator` (the assignment ended and a new one started, the appointment recorded, a
    handover task with the same case summary as a single handover). All or nothing: one family that cannot move
    stops the whole change, with the family named in the message."""
    if not moves:
        raise ValidationError({"__all__": [_("Choose at least one family to hand over.")]})
    tasks = []
    for family, coordinator in moves:
        try:
            _appointment, task = change_coordinator(family, actor, coordinator, change_reason,
                                                    http_request=http_request)
        except ValidationError as error:
            messages = [f"{family.display_name}: {message}" for message in error.messages]
            raise ValidationError({"__all__": messages}) from error
        tasks.append(task)
    return tasks


@transaction.atomic
def complete_handover(task: HandoverTask, actor: User, note: str = "", version: int | None = None,
                      http_request: HttpRequest | None = None) -> HandoverTask:
    """The new coordinator (or the unit) marks the handover as done."""
    if actor.pk != task.to_assignment.coordinator_id:
        require_unit(actor, task.family)
    task = _locked(task, version)
    if task.done_at is not None:
        raise ValidationError(_("The handover is already marked as done."))
    task.done_at, task.done_by, task.note = timezone.now(), actor, (note or "").strip()
    task.version += 1
    task.save()
    _audit(actor, task.family, task, "handover done", http_request)
    return task


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def case_summary(family: Family, today: date | None = None) -> str:
    """A plain-text summary of the case for a new coordinator, in the current language.

    Built from what Los holds: who the family is, the children and their needs, the request and the
    decision, the assessment, the services the family has consented to, the coordinator history and the
    family's wishes. It is a starting point for the handover conversation, not a replacement for it.
    """
    today = today or timezone.localdate()
    lines: list[str] = [
        _("Case summary for %(family)s (case %(reference)s), %(date)s")
        % {"family": family.display_name, "reference": family.reference, "date": format_day(today, "short")},
        "",
    ]
    language = dict(Family._meta.get_field("preferred_language").choices).get(family.preferred_language, "")
    lines.append(_("Written language: %(language)s.") % {"language": language})
    if family.needs_interpreter:
        lines.append(_("Needs an interpreter (%(language)s).") % {"language": family.interpreter_language or "?"})
    lines += ["", _("Children")]
    for child in family.children.all():
        age = child.age_on(today)
        categories = ", ".join(_label(ConditionCategory, c) for c in child.condition_categories or [])
        age_text = (_("expected") if age is not None and age < 0 else
                    _("%(age)s years") % {"age": age} if age is not None else _("age unknown"))
        lines.append(f"- {child.given_name} {child.family_name}, {age_text}"
                     + (f"; {categories}" if categories else "")
                     + (f". {child.condition_summary}" if child.condition_summary else ""))
    lines += ["", _("Family members")]
    for member in family.members.all():
        extra = []
        if member.parental_responsibility:
            extra.append(_("parental responsibility"))
        if member.daily_care:
            extra.append(_("daily care"))
        if not member.lives_with_child:
            extra.append(_("lives elsewhere"))
        lines.append(f"- {member.given_name} {member.family_name} ({member.get_relation_display()})"
                     + (f": {', '.join(str(e) for e in extra)}" if extra else "")
                     + (f". {member.needs}" if member.needs else ""))
    request = Request.objects.filter(family=family).order_by("-received").first()
    if request is not None:
        lines += ["", _("Request"),
                  _("Received %(date)s. From: %(source)s.") % {"date": format_day(request.received, "short"),
                                                               "source": request.get_source_display()}]
        if request.description:
            lines.append(request.description)
        assessment = Assessment.objects.filter(request=request).first()
        if assessment is not None:
            for line in assessment.criteria.all():
                lines.append(f"- {line.label}: {line.get_result_display()}"
                             + (f". {line.justification}" if line.justification else ""))
    vedtak = Vedtak.objects.filter(family=family).order_by("-decision_date", "-pk").first()
    if vedtak is not None:
        lines += ["", _("Decision"), _("%(outcome)s on %(date)s.") % {
            "outcome": vedtak.get_outcome_display(), "date": format_day(vedtak.decision_date, "short")},
            vedtak.facts, vedtak.considerations]
    now = timezone.now()
    consents = (Consent.objects.filter(family=family, withdrawn_at__isnull=True, valid_from__lte=now, valid_to__gt=now)
                .select_related("service_provider", "person"))
    lines += ["", _("Services the family has consented to share with")]
    lines += [f"- {c.service_provider or c.person}" for c in consents] or ["- " + _("none")]
    lines += ["", _("Coordinator history")]
    for a in CoordinatorAssignment.objects.filter(family=family).select_related("coordinator").order_by("started"):
        period = f"{format_day(a.started, 'short')} – {format_day(a.ended, 'short') if a.ended else _('now')}"
        lines.append(f"- {a.coordinator.get_full_name() or a.coordinator.username}: {period}"
                     + (f" ({a.end_reason})" if a.end_reason else ""))
    wishes = (Appointment.objects.filter(family=family).exclude(family_wishes="").order_by("-appointed_at")
              .values_list("family_wishes", flat=True).first())
    if wishes:
        lines += ["", _("The family's wishes"), wishes]
    lines += ["", _("See also the individual plan, the meetings and the service map in Los.")]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# 6. Ending
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def end_coordination(family: Family, actor: User, reason: str, closing_summary: str, transition: str = "",
                     ended_on: date | None = None, http_request: HttpRequest | None = None) -> Ending:
    """End the family's barnekoordinator (at 18, at the family's wish, by decision, or on moving) with a
    closing summary. The assignment is ended, the family closed; nothing is deleted."""
    require_unit(actor, family)
    family = Family.objects.select_for_update().get(pk=family.pk)
    today = timezone.localdate()
    ended_on = ended_on or today
    errors: dict[str, list[str]] = {}
    if reason not in EndReason.values:
        errors.setdefault("reason", []).append(_("Choose why the barnekoordinator ends."))
    closing_summary = _required(closing_summary, "closing_summary", _("Write a closing summary."), errors)
    if ended_on > today + timedelta(days=366):
        errors.setdefault("ended_on", []).append(_("Choose a date within the next year."))
    if family.status == FamilyStatus.CLOSED:
        errors.setdefault("__all__", []).append(_("The case is already closed."))
    if reason == EndReason.AGE_18:
        ages = [c.age_on(ended_on) for c in family.children.all()]
        if not any(a is not None and a >= 18 for a in ages):
            errors.setdefault("ended_on", []).append(_("No child in the family is 18 on this date."))
        if not (transition or "").strip():
            errors.setdefault("transition", []).append(
                _("At 18, describe the transition to an ordinary coordinator and adult services."))
    if errors:
        raise ValidationError(errors)
    assignment = active_assignment(family)
    if assignment is not None:
        assignment.ended = ended_on
        assignment.end_reason = _label(EndReason, reason)[:300]
        assignment.save(update_fields=["ended", "end_reason"])
    ending = Ending.objects.create(family=family, municipality=family.municipality, assignment=assignment,
                                   reason=reason, ended_on=ended_on, closing_summary=closing_summary,
                                   transition=(transition or "").strip(), ended_by=actor)
    Request.objects.filter(family=family, status__in=OPEN_REQUEST_STATUSES).update(
        status=RequestStatus.WITHDRAWN, version=F("version") + 1)
    _set_family_status(family, FamilyStatus.CLOSED)
    _audit(actor, family, ending, f"barnekoordinator ended: {reason}", http_request)
    archive.coordination_ended(ending, actor, http_request)
    return ending


# --------------------------------------------------------------------------------------------------
# Local criteria (the unit leader)
# --------------------------------------------------------------------------------------------------


def leader_municipalities(user: User) -> list[Municipality]:
    """Municipalities where the user leads the coordinating unit."""
    seen: dict[int, Municipality] = {}
    for role in user.active_roles():
        if role.role == Role.UNIT_LEADER:
            seen[role.municipality_id] = role.municipality
    return list(seen.values())


@transaction.atomic
def save_local_criterion(actor: User, municipality: Municipality, title: str, help_text: str = "",
                         position: int = 10, active: bool = True, criterion: LocalCriterion | None = None,
                         version: int | None = None) -> LocalCriterion:
    if municipality.pk not in {m.pk for m in leader_municipalities(actor)}:
        raise PermissionDenied(_("Only the leader of the coordinating unit can change the local criteria."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Write the criterion.")]})
    if criterion is None:
        criterion = LocalCriterion.objects.create(municipality=municipality, title=title,
                                                  help_text=(help_text or "").strip(), position=position,
                                                  active=active, created_by=actor)
    else:
        if criterion.municipality_id != municipality.pk:
            raise PermissionDenied(_("Only the leader of the coordinating unit can change the local criteria."))
        criterion = _locked(criterion, version)
        criterion.title, criterion.help_text = title, (help_text or "").strip()
        criterion.position, criterion.active = position, active
        criterion.version += 1
        criterion.save()
    audit.record(actor=actor, action=AuditAction.CHANGE, object_type="LocalCriterion", object_id=criterion.pk,
                 municipality_id=municipality.pk, reason="local criterion saved")
    return criterion


@transaction.atomic
def confirm_guardian(member: FamilyMember, actor: User, parental_responsibility: bool, daily_care: bool,
                     may_consent: bool, http_request: HttpRequest | None = None) -> FamilyMember:
    """The unit confirms (from the population register) the rights of a guardian a request named."""
    require_unit(actor, member.family)
    FamilyMember.objects.filter(pk=member.pk).update(parental_responsibility=parental_responsibility,
                                                     daily_care=daily_care, may_consent=may_consent)
    member.refresh_from_db()
    _audit(actor, member.family, member, "guardian's rights confirmed by the coordinating unit", http_request)
    return member
