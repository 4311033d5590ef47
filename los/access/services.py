"""Actions on consents (samtykke), a young person's health sharing and a family's recorded move.

Views call :func:`los.access.guard.authorize` first; the functions here check the business rules that
depend on the person (who gave a consent, who may give one), change the data and write an audit event
for every change. Nothing is ever deleted: a withdrawn or expired consent stays in the history.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from los.access import audit
from los.access.models import (
    CONSENTABLE_CATEGORIES,
    AuditAction,
    Category,
    Consent,
    ConsentMethod,
    FamilyTransfer,
)
from los.access.policy import is_young_person
from los.accounts.models import User
from los.core.dates import format_day
from los.core.models import Municipality, ServiceProvider
from los.families.models import Child, Family, FamilyMember

DEFAULT_CONSENT_DAYS = 365
MAX_CONSENT_DAYS = 3 * 365
CONSENT_PURPOSE = "Samarbeid om familiens tjenester (ansvarsgruppe og individuell plan)"


class ConsentError(ValidationError):
    """A consent action that cannot be done; the message is written for the user."""


def default_last_day(today: date | None = None) -> date:
    """The default end of a new consent: one year from today."""
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_CONSENT_DAYS)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _role_of(actor: User, family: Family) -> str:
    if FamilyMember.objects.filter(family=family, user=actor).exists():
        return "guardian"
    if Child.objects.filter(family=family, user=actor).exists():
        return "young_person"
    roles = actor.active_roles()
    return roles[0].role if roles else ""


def _audit(actor: User, action: str, obj: Any, family: Family, category: str, reason: str,
           request: HttpRequest | None) -> None:
    audit.record(actor=actor, action=action, object_type=type(obj).__name__, object_id=obj.pk,
                 municipality_id=family.municipality_id, family_id=family.pk, category=category, reason=reason,
                 role=_role_of(actor, family), request=request)


# --- who may consent -------------------------------------------------------------------------------


def consenting_member(user: User, family: Family) -> FamilyMember | None:
    """The user's membership in the family as a guardian who may consent, if any."""
    for member in FamilyMember.objects.filter(family=family, user=user, may_consent=True):
        if member.is_guardian:
            return member
    return None


def consenting_young_person(user: User, family: Family) -> Child | None:
    """The user's own child record in the family when they are 16 or older."""
    child = Child.objects.filter(family=family, user=user).first()
    return child if is_young_person(child) else None


def allowed_categories(giver: FamilyMember | Child) -> list[Category]:
    """What this person may consent to share: a young person only their own health information."""
    if isinstance(giver, Child):
        return [Category.HEALTH]
    return [c for c in CONSENTABLE_CATEGORIES if c != Category.CASE]


def consent_text(*, family: Family, giver_name: str, recipient_name: str, categories: list[str], last_day: date,
                 young_person: bool = False) -> str:
    """The consent text shown to the person before they consent (in the active language); stored as shown."""
    labels = [str(Category(c).label) for c in categories if c != Category.CASE]
    until = format_day(last_day)
    if young_person:
        first = _("%(giver)s is 16 or older and consents to %(recipient)s getting their own health information "
                  "in Los, together with the basic case information about %(family)s.") % {
            "giver": giver_name, "recipient": recipient_name, "family": family.display_name}
    else:
        first = _("%(giver)s consents on behalf of %(family)s to %(recipient)s getting this information about the "
                  "family in Los:") % {"giver": giver_name, "recipient": recipient_name,
                                       "family": family.display_name}
    lines = [first]
    if not young_person:
        lines.append("\n".join(f"– {label}" for label in [str(Category.CASE.label), *labels]))
    lines.append(_("The information is used only to cooperate on the family's services: the coordination group "
                   "and the individual plan."))
    lines.append(_("The consent applies until and including %(date)s. It can be withdrawn at any time in Los, "
                   "and the withdrawal takes effect at once. What the service has already written in its own "
                   "records is not deleted.") % {"date": until})
    return "\n\n".join(lines)


def _clean_categories(categories: list[str], giver: FamilyMember | Child) -> list[str]:
    chosen = {str(c) for c in categories}
    allowed = {c.value for c in allowed_categories(giver)} | {Category.CASE.value}
    if not chosen - {Category.CASE.value}:
        raise ConsentError(_("Choose at least one kind of information."), code="no_categories")
    if chosen - allowed:
        if isinstance(giver, Child):
            raise ConsentError(_("From 16 you can consent to share your own health information only. Other "
                                 "information is shared by your guardians' consent."), code="young_person_only_health")
        raise ConsentError(_("One of the chosen kinds of information cannot be shared by consent."),
                           code="not_consentable")
    # keep the register's order, with the basic case information always included
    return [c.value for c in Category if c.value in chosen | {Category.CASE.value}]


def _clean_provider(provider: ServiceProvider | None, family: Family) -> ServiceProvider:
    if provider is None:
        raise ConsentError(_("Choose the service the consent is for."), code="no_service")
    if provider.municipality_id != family.municipality_id:
        raise ConsentError(_("Choose a service registered for the family's municipality."), code="foreign_service")
    return provider


def validate_period(first_day: date, last_day: date | None) -> date:
    """Check a consent's last day: not in the past, after the first day, at most three years on."""
    if last_day is None:
        raise ConsentError(_("Give the last day the consent applies."), code="no_end")
    if last_day < timezone.localdate():
        raise ConsentError(_("The last day cannot be in the past."), code="end_in_past")
    if last_day < first_day:
        raise ConsentError(_("The last day must come after the first day."), code="end_before_start")
    if (last_day - first_day).days > MAX_CONSENT_DAYS:
        raise ConsentError(_("A consent can apply for at most three years. Choose an earlier last day."),
                           code="too_long")
    return last_day


# --- consent -------------------------------------------------------------------------------------


@transaction.atomic
def give_consent(*, family: Family, actor: User, service_provider: ServiceProvider | None, categories: list[str],
                 last_day: date | None, text_shown: str, request: HttpRequest | None = None) -> Consent:
    """The family gives a consent digitally in Los: a guardian who may consent, or a young person (16+)
    for their own health information. ``text_shown`` is the exact text the person read."""
    member = consenting_member(actor, family)
    child = None if member else consenting_young_person(actor, family)
    giver: FamilyMember | Child | None = member or child
    if giver is None:
        raise ConsentError(_("You cannot give consent on behalf of this family."), code="not_a_giver")
    provider = _clean_provider(service_provider, family)
    cleaned = _clean_categories(categories, giver)
    today = timezone.localdate()
    last_day = validate_period(today, last_day)
    if not text_shown.strip():
        raise ConsentError(_("The consent text is missing. Start again."), code="no_text")
    consent = Consent.objects.create(
        family=family, municipality_id=family.municipality_id, given_by_member=member, given_by_child=child,
        service_provider=provider, categories=cleaned, purpose=CONSENT_PURPOSE, valid_from=timezone.now(),
        valid_to=_start_of(last_day + timedelta(days=1)), method=ConsentMethod.DIGITAL, text_shown=text_shown,
    )
    _audit(actor, AuditAction.SHARE, consent, family, Category.CONSENTS,
           f"consent given digitally to {provider.name} for {', '.join(cleaned)} until {last_day.isoformat()}",
           request)
    return consent


@transaction.atomic
def record_consent(*, family: Family, recorded_by: User, given_by: FamilyMember | Child, method: str,
                   service_provider: ServiceProvider | None, categories: list[str], first_day: date,
                   last_day: date | None, text_shown: str, request: HttpRequest | None = None) -> Consent:
    """Staff record a consent the family gave on paper or orally; the text they were shown is kept."""
    if method not in (ConsentMethod.PAPER, ConsentMethod.ORAL):
        raise ConsentError(_("Choose whether the consent was given on paper or orally."), code="method")
    if given_by.family_id != family.pk:
        raise ConsentError(_("Choose who in the family gave the consent."), code="giver_not_in_family")
    if isinstance(given_by, FamilyMember):
        if not (given_by.is_guardian and given_by.may_consent):
            raise ConsentError(_("%(name)s may not consent on the family's behalf.") % {
                "name": f"{given_by.given_name} {given_by.family_name}"}, code="giver_may_not_consent")
        member, child = given_by, None
    else:
        if not is_young_person(given_by):
            raise ConsentError(_("Only young people aged 16 or more consent for themselves."), code="too_young")
        member, child = None, given_by
    provider = _clean_provider(service_provider, family)
    cleaned = _clean_categories(categories, given_by)
    today = timezone.localdate()
    if first_day is None or first_day > today:
        raise ConsentError(_("The day the consent was given cannot be in the future."), code="start_in_future")
    last_day = validate_period(first_day, last_day)
    if not text_shown.strip():
        raise ConsentError(_("Write the text the family was shown or told."), code="no_text")
    consent = Consent.objects.create(
        family=family, municipality_id=family.municipality_id, given_by_member=member, given_by_child=child,
        service_provider=provider, categories=cleaned, purpose=CONSENT_PURPOSE, valid_from=_start_of(first_day),
        valid_to=_start_of(last_day + timedelta(days=1)), method=method, text_shown=text_shown.strip(),
        recorded_by=recorded_by,
    )
    _audit(recorded_by, AuditAction.CHANGE, consent, family, Category.CONSENTS,
           f"{method} consent recorded for {provider.name} for {', '.join(cleaned)} until {last_day.isoformat()}",
           request)
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, actor: User, request: HttpRequest | None = None) -> Consent:
    """Withdraw a consent now. It stops giving access on the next request; the row and its history stay."""
    consent = Consent.objects.select_for_update(of=("self",)).select_related("family", "service_provider").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConsentError(_("This consent was already withdrawn on %(date)s.") % {
            "date": format_day(consent.withdrawn_at)}, code="withdrawn")
    if consent.valid_to <= timezone.now():
        raise ConsentError(_("This consent has already ended."), code="expired")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _audit(actor, AuditAction.SHARE, consent, consent.family, Category.CONSENTS,
           f"consent to {consent.recipient_name} withdrawn", request)
    return consent


@transaction.atomic
def set_health_sharing(*, child: Child, actor: User, shares: bool, request: HttpRequest | None = None) -> Child:
    """A young person (16+) decides whether their guardians see their health information."""
    if child.user_id != actor.pk or not is_young_person(child):
        raise ConsentError(_("Only the young person can decide this, from the age of 16."), code="not_young_person")
    if child.shares_health_with_guardians != shares:
        child.shares_health_with_guardians = shares
        child.save(update_fields=["shares_health_with_guardians"])
        _audit(actor, AuditAction.SHARE, child, child.family, Category.HEALTH,
               "health information shared with guardians" if shares else "health information hidden from guardians",
               request)
    return child


# --- a family's move -----------------------------------------------------------------------------


@transaction.atomic
def record_family_transfer(*, family: Family, to_municipality: Municipality, consented_by: FamilyMember,
                           handover_date: date, recorded_by: User, note: str = "",
                           request: HttpRequest | None = None) -> FamilyTransfer:
    """Record that the family moves to another municipality and has consented to hand its case over.

    From ``handover_date`` the receiving municipality's coordinating unit may see the family."""
    if to_municipality.pk == family.municipality_id:
        raise ConsentError(_("The family already belongs to this municipality."), code="same_municipality")
    if consented_by.family_id != family.pk or not (consented_by.is_guardian and consented_by.may_consent):
        raise ConsentError(_("The move must be consented to by a guardian who may consent."), code="no_consent")
    transfer = FamilyTransfer.objects.create(
        family=family, municipality_id=family.municipality_id, from_municipality_id=family.municipality_id,
        to_municipality=to_municipality, consented_by=consented_by, date=handover_date, note=note[:300],
        recorded_by=recorded_by,
    )
    _audit(recorded_by, AuditAction.SHARE, transfer, family, Category.CASE,
           f"move to {to_municipality.name} recorded; case handed over from {handover_date.isoformat()}", request)
    return transfer


@transaction.atomic
def cancel_family_transfer(*, transfer: FamilyTransfer, actor: User,
                           request: HttpRequest | None = None) -> FamilyTransfer:
    """The move did not happen: the receiving municipality loses access at once."""
    transfer = FamilyTransfer.objects.select_for_update(of=("self",)).select_related("family", "to_municipality").get(
        pk=transfer.pk)
    if transfer.cancelled_at is None:
        transfer.cancelled_at = timezone.now()
        transfer.save(update_fields=["cancelled_at"])
        _audit(actor, AuditAction.CHANGE, transfer, transfer.family, Category.CASE,
               f"move to {transfer.to_municipality.name} cancelled", request)
    return transfer
