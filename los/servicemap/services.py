"""Actions on the service map. Views call these after ``authorize``; every rule lives here.

Editable rows carry a ``version``; an action on a stale version raises :class:`ConflictError` (a
ValidationError with a clear message) and changes nothing. When a family member (a guardian, or the
young person with an own log-in) changes the map, the family's barnekoordinator gets an in-app
notification and an e-mail without content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.core import deadlines
from los.core.dates import format_day
from los.core.forms import ConflictError
from los.core.models import ServiceProvider
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember
from los.servicemap import catalog, uploads
from los.servicemap.models import (
    DELIVERY_UNITS,
    AgreementApplication,
    Appeal,
    AppealDraft,
    AppealOutcome,
    AppealStatus,
    Application,
    Decision,
    DeclinedReason,
    Delivery,
    DeliverySettings,
    DeliverySide,
    Document,
    EntryState,
    MeasureDecision,
    Need,
    NeedRequest,
    NeedResponse,
    NeedStatus,
    Notification,
    NotificationKind,
    ServiceEntry,
    sector_for,
)

ENTRY_FIELDS = (
    "child", "catalog_id", "title", "provider", "provider_name", "sector", "state", "extent_amount",
    "extent_unit", "extent_per", "extent_note", "period_from", "period_to", "renewal_notice_months",
    "contact_name", "contact_phone", "contact_email", "notes",
)
APPLICATION_FIELDS = ("sent_on", "reference", "expected_processing_days", "preliminary_reply_on", "notes")

_STATE_FOR_DECISION = {
    Decision.GRANTED: EntryState.GRANTED,
    Decision.PARTLY_GRANTED: EntryState.PARTLY_GRANTED,
    Decision.REFUSED: EntryState.REFUSED,
}
_STATE_FOR_OUTCOME = {
    AppealOutcome.GRANTED: EntryState.GRANTED,
    AppealOutcome.PARTLY_GRANTED: EntryState.PARTLY_GRANTED,
    AppealOutcome.REFUSED: EntryState.REFUSED,
    AppealOutcome.SENT_BACK: EntryState.APPLIED,
}


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _locked(model: type, pk: int, version: int | None) -> Any:
    obj = model.objects.select_for_update().get(pk=pk)
    if version is None or int(version) != obj.version:
        raise ConflictError(current=obj)
    return obj


def _touch(obj: Any, actor: User | None = None) -> None:
    obj.version += 1
    if hasattr(obj, "updated_at"):
        obj.updated_at = timezone.now()


def is_family_actor(actor: User | None, family: Family) -> bool:
    """True when ``actor`` acts as the family: a guardian, or the young person's own log-in."""
    if actor is None or not actor.is_authenticated:
        return False
    if Child.objects.filter(user=actor, family=family).exists():
        return True
    return any(m.is_guardian for m in FamilyMember.objects.filter(user=actor, family=family))


def active_coordinator_ids(family_ids: Iterable[int], today: date | None = None) -> dict[int, list[int]]:
    today = today or timezone.localdate()
    out: dict[int, list[int]] = defaultdict(list)
    rows = (CoordinatorAssignment.objects.filter(family_id__in=list(family_ids), started__lte=today)
            .filter(Q(ended__isnull=True) | Q(ended__gt=today)).values_list("family_id", "coordinator_id"))
    for family_id, user_id in rows:
        if user_id not in out[family_id]:
            out[family_id].append(user_id)
    return out


def guardian_user_ids(family_ids: Iterable[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for member in FamilyMember.objects.filter(family_id__in=list(family_ids), user__isnull=False):
        if member.is_guardian and member.user_id not in out[member.family_id]:
            out[member.family_id].append(member.user_id)
    return out


def _enqueue_emails(user_ids: Iterable[int]) -> None:
    ids = sorted(set(user_ids))
    if ids:
        from los.servicemap.tasks import send_content_free_emails

        send_content_free_emails.enqueue(ids)


def _after_change(family: Family, actor: User | None, entry: ServiceEntry | None = None,
                  application: Application | None = None) -> list[Notification]:
    """Notify the barnekoordinator when the family itself changed its service map."""
    if not is_family_actor(actor, family):
        return []
    coordinators = active_coordinator_ids([family.pk]).get(family.pk, [])
    rows = [Notification(family=family, municipality_id=family.municipality_id, recipient_id=user_id,
                         kind=NotificationKind.FAMILY_UPDATE, entry=entry, application=application, actor=actor)
            for user_id in coordinators if user_id != actor.pk]
    Notification.objects.bulk_create(rows)
    _enqueue_emails(n.recipient_id for n in rows)
    return rows


def _no_future(value: date | None, field: str, today: date, errors: dict) -> None:
    if value and value > today:
        errors[field] = _("The date cannot be in the future.")


# --------------------------------------------------------------------------------------------------
# Service entries
# --------------------------------------------------------------------------------------------------


def _clean_entry(family: Family, data: dict) -> dict:
    errors: dict[str, str] = {}
    data = {key: data.get(key) for key in ENTRY_FIELDS if key in data}
    for key in ("catalog_id", "title", "provider_name", "extent_unit", "extent_per", "extent_note",
                "contact_name", "contact_phone", "contact_email", "notes", "sector"):
        if key in data and data[key] is None:
            data[key] = ""
    if data.get("catalog_id"):
        try:
            catalog.validate_catalog_id_for(data["catalog_id"], family.municipality_id)
        except ValidationError as exc:
            errors["catalog_id"] = exc.messages[0]
    if not data.get("catalog_id") and not (data.get("title") or "").strip():
        errors["title"] = _("Choose a right or benefit from the list, or write the name of the service.")
    provider: ServiceProvider | None = data.get("provider")
    if provider is not None and provider.municipality_id != family.municipality_id:
        errors["provider"] = _("Choose a service provider from the family’s municipality.")
    child: Child | None = data.get("child")
    if child is not None and child.family_id != family.pk:
        errors["child"] = _("Choose a child in this family.")
    if data.get("period_from") and data.get("period_to") and data["period_to"] < data["period_from"]:
        errors["period_to"] = _("The end of the period must be after its start.")
    if data.get("extent_amount") is not None and data["extent_amount"] < 0:
        errors["extent_amount"] = _("The extent cannot be negative.")
    if data.get("extent_amount") is not None and not data.get("extent_unit"):
        errors["extent_unit"] = _("Choose a unit for the extent, for example hours.")
    if errors:
        raise ValidationError(errors)
    if not data.get("sector"):
        data["sector"] = sector_for(data.get("catalog_id", ""), provider)
    return data


@transaction.atomic
def create_entry(family: Family, actor: User | None, **fields: Any) -> ServiceEntry:
    """Put a service or benefit on the family's map."""
    data = _clean_entry(family, fields)
    entry = ServiceEntry(family=family, municipality_id=family.municipality_id, created_by=actor, **data)
    entry.full_clean()
    entry.save()
    _after_change(family, actor, entry=entry)
    return entry


@transaction.atomic
def update_entry(entry: ServiceEntry, actor: User | None, version: int | None, **fields: Any) -> ServiceEntry:
    """Change an entry; ``version`` is the one the form was opened with."""
    entry = _locked(ServiceEntry, entry.pk, version)
    data = _clean_entry(entry.family, fields)
    for key, value in data.items():
        setattr(entry, key, value)
    if entry.period_to and entry.renewal_reminded_for and entry.renewal_reminded_for != entry.period_to:
        entry.renewal_reminded_for = None
    _touch(entry)
    entry.full_clean()
    entry.save()
    _after_change(entry.family, actor, entry=entry)
    return entry


def _set_entry_state(entry: ServiceEntry, state: str, **extra: Any) -> None:
    entry = ServiceEntry.objects.select_for_update().get(pk=entry.pk)
    changed = entry.state != state
    entry.state = state
    for key, value in extra.items():
        if value not in (None, ""):
            setattr(entry, key, value)
            changed = True
    if changed:
        _touch(entry)
        entry.save()


# --------------------------------------------------------------------------------------------------
# Applications and decisions
# --------------------------------------------------------------------------------------------------


def _clean_application(data: dict, today: date) -> dict:
    errors: dict[str, str] = {}
    data = {key: data.get(key) for key in APPLICATION_FIELDS if key in data}
    if not data.get("sent_on"):
        errors["sent_on"] = _("Give the date the application was sent.")
    _no_future(data.get("sent_on"), "sent_on", today, errors)
    _no_future(data.get("preliminary_reply_on"), "preliminary_reply_on", today, errors)
    if data.get("sent_on") and data.get("preliminary_reply_on") and data["preliminary_reply_on"] < data["sent_on"]:
        errors["preliminary_reply_on"] = _("The preliminary reply cannot come before the application was sent.")
    if data.get("expected_processing_days") is not None and not 1 <= data["expected_processing_days"] <= 730:
        errors["expected_processing_days"] = _("Give a number of days between 1 and 730.")
    for key in ("reference", "notes"):
        if key in data and data[key] is None:
            data[key] = ""
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def create_application(entry: ServiceEntry, actor: User | None, **fields: Any) -> Application:
    """Record an application sent for the service; the entry becomes *applied for* unless it is
    already granted (a renewal keeps the service going while the new application waits)."""
    data = _clean_application(fields, timezone.localdate())
    application = Application.objects.create(family_id=entry.family_id, municipality_id=entry.municipality_id,
                                             entry=entry, created_by=actor, **data)
    if entry.state in (EntryState.CONSIDERED, EntryState.REFUSED, EntryState.ENDED):
        _set_entry_state(entry, EntryState.APPLIED)
    _after_change(entry.family, actor, entry=entry, application=application)
    return application


@transaction.atomic
def update_application(application: Application, actor: User | None, version: int | None,
                       **fields: Any) -> Application:
    application = _locked(Application, application.pk, version)
    data = _clean_application({**{k: getattr(application, k) for k in APPLICATION_FIELDS}, **fields},
                              timezone.localdate())
    for key, value in data.items():
        setattr(application, key, value)
    _touch(application)
    application.save()
    _after_change(application.family, actor, entry=application.entry, application=application)
    return application


def resolve_basis(legal_basis: str) -> deadlines.DecisionBasis:
    """Resolve a legal basis or raise ValidationError with a message for the form."""
    try:
        return deadlines.resolve_legal_basis(legal_basis)
    except deadlines.UnknownLegalBasis as exc:
        raise ValidationError({"legal_basis": _(
            "Los does not know the appeal rules for “%(basis)s”. Write the law and section as they stand in "
            "the decision letter, for example “ftrl § 6-4”, “hol § 3-6” or “fvl § 29”.") % {"basis": legal_basis}},
            code="unknown_legal_basis") from exc


@transaction.atomic
def record_decision(application: Application, actor: User | None, version: int | None, *, decision: str,
                    decision_received_on: date | None, decision_on: date | None = None, legal_basis: str = "",
                    period_from: date | None = None, period_to: date | None = None,
                    extent_amount: Any = None, extent_unit: str = "", extent_per: str = "",
                    decision_reasons: str | None = None) -> Application:
    """Record the decision (vedtak) on an application, e.g. "we got the decision today".

    ``decision_reasons`` is what the decision says, in short (its reasons as the letter gives them): an appeal
    outline starts from it.

    The appeal deadline is computed by :func:`los.core.deadlines.appeal_deadline` from the day the
    decision reached the family and the decision's legal basis as the letter states it. A basis left empty stays
    empty: the decision shows it as missing and no deadline is guessed. A granted decision may carry the granted extent and period onto the entry.
    """
    application = _locked(Application, application.pk, version)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if decision not in (Decision.GRANTED, Decision.PARTLY_GRANTED, Decision.REFUSED):
        errors["decision"] = _("Choose what the decision says: granted, partly granted or refused.")
    _no_future(decision_on, "decision_on", today, errors)
    _no_future(decision_received_on, "decision_received_on", today, errors)
    if decision_on and decision_on < application.sent_on:
        errors["decision_on"] = _("The decision cannot be dated before the application was sent.")
    if decision_on and decision_received_on and decision_received_on < decision_on:
        errors["decision_received_on"] = _("The decision cannot reach the family before it was made.")
    if period_from and period_to and period_to < period_from:
        errors["period_to"] = _("The end of the period must be after its start.")
    if extent_amount is not None and not extent_unit:
        errors["extent_unit"] = _("Choose a unit for the extent, for example hours.")
    # what the letter says, or nothing: a blank basis stays blank (shown as missing, no deadline guessed); the
    # form offers the catalogue's usual basis for the family to accept or correct
    legal_basis = (legal_basis or "").strip()
    basis = None
    if legal_basis:
        try:
            basis = resolve_basis(legal_basis)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    application.decision = decision
    application.decision_on = decision_on
    application.decision_received_on = decision_received_on
    application.legal_basis = legal_basis
    if decision_reasons is not None:
        application.decision_reasons = decision_reasons.strip()
    application.legal_basis_key = basis.key if basis else ""
    application.appeal_rule = basis.rule.value if basis else ""
    old_deadline = application.appeal_deadline
    if basis and decision_received_on:
        application.appeal_deadline = deadlines.appeal_deadline(decision_received_on, legal_basis).deadline
    else:
        application.appeal_deadline = None
    if application.appeal_deadline != old_deadline:
        application.appeal_reminder_sent_at = None
    _touch(application)
    application.save()
    extra = {}
    if decision != Decision.REFUSED:
        extra = {"period_from": period_from, "period_to": period_to, "extent_amount": extent_amount,
                 "extent_unit": extent_unit, "extent_per": extent_per}
    _set_entry_state(application.entry, _STATE_FOR_DECISION[decision], **extra)
    _after_change(application.family, actor, entry=application.entry, application=application)
    return application


@transaction.atomic
def set_decision_reasons(application: Application, actor: User | None, version: int | None,
                         reasons: str) -> Application:
    """What the decision says (its reasons, in short): the appeal outline starts from it."""
    application = _locked(Application, application.pk, version)
    application.decision_reasons = (reasons or "").strip()
    _touch(application)
    application.save()
    _after_change(application.family, actor, entry=application.entry, application=application)
    return application


@transaction.atomic
def set_no_appeal(application: Application, actor: User | None, version: int | None, no_appeal: bool) -> Application:
    """The family decides not to appeal (or changes its mind): stops the appeal reminders."""
    application = _locked(Application, application.pk, version)
    application.no_appeal = no_appeal
    _touch(application)
    application.save()
    _after_change(application.family, actor, entry=application.entry, application=application)
    return application


# --------------------------------------------------------------------------------------------------
# Appeals
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_appeal(application: Application, actor: User | None, *, status: str = AppealStatus.SENT,
                  sent_on: date | None = None, sent_to: str = "", notes: str = "") -> Appeal:
    """Record an appeal (klage) against a decision; the service shows as *appealed* once it is sent."""
    errors: dict[str, str] = {}
    if not application.is_decided:
        errors["status"] = _("Record the decision first: an appeal is against a decision.")
    if status not in (AppealStatus.PREPARING, AppealStatus.SENT):
        errors["status"] = _("A new appeal is either being written or sent.")
    if status == AppealStatus.SENT and not sent_on:
        errors["sent_on"] = _("Give the date the appeal was sent.")
    _no_future(sent_on, "sent_on", timezone.localdate(), errors)
    if sent_on and application.decision_on and sent_on < application.decision_on:
        errors["sent_on"] = _("The appeal cannot be sent before the decision was made.")
    if errors:
        raise ValidationError(errors)
    appeal = Appeal.objects.create(family_id=application.family_id, municipality_id=application.municipality_id,
                                   application=application, status=status, sent_on=sent_on, sent_to=sent_to or "",
                                   notes=notes or "", created_by=actor)
    if status == AppealStatus.SENT:
        _set_entry_state(application.entry, EntryState.APPEALED)
    _after_change(application.family, actor, entry=application.entry, application=application)
    return appeal


@transaction.atomic
def update_appeal(appeal: Appeal, actor: User | None, version: int | None, *, status: str, outcome: str,
                  sent_on: date | None = None, outcome_on: date | None = None, notes: str = "") -> Appeal:
    """Move an appeal on (reconsidered, forwarded, decided, withdrawn); the outcome sets the service's state."""
    appeal = _locked(Appeal, appeal.pk, version)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if outcome != AppealOutcome.PENDING:
        status = AppealStatus.DECIDED
        if not outcome_on:
            errors["outcome_on"] = _("Give the date of the outcome.")
    elif status == AppealStatus.DECIDED:
        errors["outcome"] = _("Choose the outcome of the appeal.")
    if status != AppealStatus.PREPARING and not sent_on:
        errors["sent_on"] = _("Give the date the appeal was sent.")
    _no_future(sent_on, "sent_on", today, errors)
    _no_future(outcome_on, "outcome_on", today, errors)
    if sent_on and outcome_on and outcome_on < sent_on:
        errors["outcome_on"] = _("The outcome cannot come before the appeal was sent.")
    if errors:
        raise ValidationError(errors)
    appeal.status, appeal.outcome, appeal.sent_on = status, outcome, sent_on
    appeal.outcome_on, appeal.notes = outcome_on, notes or ""
    _touch(appeal)
    appeal.save()
    entry = appeal.application.entry
    if outcome != AppealOutcome.PENDING:
        _set_entry_state(entry, _STATE_FOR_OUTCOME[AppealOutcome(outcome)])
    elif status == AppealStatus.WITHDRAWN:
        _set_entry_state(entry, _STATE_FOR_DECISION.get(appeal.application.decision, EntryState.REFUSED))
    elif status != AppealStatus.PREPARING:
        _set_entry_state(entry, EntryState.APPEALED)
    _after_change(appeal.family, actor, entry=entry, application=appeal.application)
    return appeal


# --------------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------------


def attach_document(entry: ServiceEntry, actor: User | None, uploaded: UploadedFile, *, title: str, kind: str,
                    application: Application | None = None, appeal: Appeal | None = None) -> Document:
    """Check and store an uploaded letter. Raises ValidationError (field ``file``) for a bad file;
    then nothing is stored and nothing already saved changes."""
    if application is not None and application.entry_id != entry.pk:
        raise ValidationError({"application": _("Choose an application for this service.")})
    if appeal is not None and appeal.application.entry_id != entry.pk:
        raise ValidationError({"appeal": _("Choose an appeal for this service.")})
    try:
        checked = uploads.check_upload(uploaded, uploaded.size)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    document = Document(family_id=entry.family_id, municipality_id=entry.municipality_id, entry=entry,
                        application=application, appeal=appeal if appeal else None, kind=kind,
                        title=(title or "").strip() or uploads.safe_base_name(uploaded.name, str(_("Document")))[:200],
                        original_name=uploaded.name[:255],
                        content_type=checked.content_type, extension=checked.extension, size=checked.size,
                        sha256=checked.sha256, uploaded_by=actor)
    uploaded.seek(0)
    document.file.save("upload", uploaded, save=False)
    try:
        with transaction.atomic():
            document.save()
            _after_change(entry.family, actor, entry=entry, application=application)
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


# --------------------------------------------------------------------------------------------------
# Needs ("not my desk")
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def record_need(family: Family, actor: User | None, *, description: str, source: str, child: Child | None = None,
                providers: Iterable[ServiceProvider] = (), provider_name: str = "") -> Need:
    """Record a need and, optionally, the services asked to take it."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the need.")})
    if child is not None and child.family_id != family.pk:
        raise ValidationError({"child": _("Choose a child in this family.")})
    need = Need.objects.create(family=family, municipality_id=family.municipality_id, child=child,
                               description=description, source=source, recorded_by=actor)
    for provider in providers:
        ask_service(need, actor, provider=provider)
    if provider_name.strip():
        ask_service(need, actor, provider_name=provider_name)
    _after_change(family, actor)
    return need


@transaction.atomic
def update_need(need: Need, actor: User | None, version: int | None, *, description: str, status: str) -> Need:
    need = _locked(Need, need.pk, version)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the need.")})
    if status != NeedStatus.OPEN and need.status == NeedStatus.OPEN:
        need.closed_on = timezone.localdate()
    elif status == NeedStatus.OPEN:
        need.closed_on = None
    need.description, need.status = description, status
    _touch(need)
    need.save()
    _after_change(need.family, actor)
    return need


@transaction.atomic
def ask_service(need: Need, actor: User | None, *, provider: ServiceProvider | None = None,
                provider_name: str = "", asked_on: date | None = None) -> NeedRequest:
    """Ask a service to take on a need."""
    if provider is None and not provider_name.strip():
        raise ValidationError({"provider": _("Choose the service you asked, or write its name.")})
    if provider is not None and provider.municipality_id != need.municipality_id:
        raise ValidationError({"provider": _("Choose a service provider from the family’s municipality.")})
    if asked_on and asked_on > timezone.localdate():
        raise ValidationError({"asked_on": _("The date cannot be in the future.")})
    return NeedRequest.objects.create(family_id=need.family_id, municipality_id=need.municipality_id, need=need,
                                      provider=provider, provider_name=provider_name.strip(),
                                      asked_on=asked_on or timezone.localdate(), asked_by=actor)


@transaction.atomic
def answer_need_request(request_row: NeedRequest, actor: User | None, version: int | None, *, response: str,
                        note: str = "", responded_on: date | None = None) -> NeedRequest:
    """Record a service's answer: it accepts the need (then it has an owner) or declines it. ``version`` is the
    answer's version when the form was opened (a stale one raises :class:`ConflictError`)."""
    if response not in NeedResponse.values:
        raise ValidationError({"response": _("Choose an answer.")})
    if response == NeedResponse.DECLINED and not (note or "").strip():
        raise ValidationError({"response_note": _("Write what the service said, so that the next one knows.")})
    row = _locked(NeedRequest, request_row.pk, version)
    _touch(row)
    row.response = response
    row.response_note = (note or "").strip()
    row.responded_on = None if response == NeedResponse.WAITING else (responded_on or timezone.localdate())
    row.responded_by = actor if response != NeedResponse.WAITING else None
    row.save()
    return row


def ownerless(qs: Any) -> Any:
    """Filter a Need queryset to open needs that no service has accepted."""
    accepted = NeedRequest.objects.filter(need=OuterRef("pk"), response=NeedResponse.ACCEPTED)
    return qs.filter(status=NeedStatus.OPEN).filter(~Exists(accepted))


# --------------------------------------------------------------------------------------------------
# Notifications and reminders (the tasks call these)
# --------------------------------------------------------------------------------------------------


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def appeal_reminder_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "LOS_APPEAL_REMINDER_DAYS", 7))


def _recipients(family_ids: set[int]) -> dict[int, list[int]]:
    coordinators = active_coordinator_ids(family_ids)
    guardians = guardian_user_ids(family_ids)
    return {fid: list(dict.fromkeys(coordinators.get(fid, []) + guardians.get(fid, []))) for fid in family_ids}


def appeal_final_reminder_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "LOS_APPEAL_FINAL_REMINDER_DAYS", 2))


#: An appeal with one of these statuses has been sent: no more reminders of the deadline. An appeal that is only
#: being written (``preparing``) is not sent, so its family is still reminded.
SENT_APPEAL_STATUSES = (AppealStatus.SENT, AppealStatus.RECONSIDERING, AppealStatus.FORWARDED,
                        AppealStatus.DECIDED, AppealStatus.WITHDRAWN)


def _appeal_reminder_rows(today: date, days: int, flag: str, kind: str) -> tuple[list[Notification], list[int]]:
    from datetime import timedelta

    apps = list(
        Application.objects.filter(
            decision__in=[Decision.REFUSED, Decision.PARTLY_GRANTED], no_appeal=False,
            **{f"{flag}__isnull": True}, appeal_deadline__gte=today,
            appeal_deadline__lte=today + timedelta(days=days),
        ).exclude(appeals__status__in=SENT_APPEAL_STATUSES)
        .values_list("pk", "family_id", "municipality_id", "entry_id", "appeal_deadline").distinct()
    )
    recipients = _recipients({row[1] for row in apps})
    rows = [Notification(family_id=fid, municipality_id=mid, recipient_id=uid, kind=kind, entry_id=eid,
                         application_id=pk, due_on=due)
            for pk, fid, mid, eid, due in apps for uid in recipients.get(fid, [])]
    return rows, [row[0] for row in apps]


@transaction.atomic
def create_appeal_reminders(today: date | None = None) -> list[int]:
    """In-app reminders for refusals (and partial grants) whose appeal deadline is near and whose appeal is not sent
    (none, or one still being written); returns the users to e-mail. Each decision is reminded twice at most: when
    the deadline is ``LOS_APPEAL_REMINDER_DAYS`` (7) days away, and again ``LOS_APPEAL_FINAL_REMINDER_DAYS`` (2)
    days before it. A decision recorded so late that both fall on one day gets the last one only."""
    today = today or timezone.localdate()
    now = timezone.now()
    final_rows, final_ids = _appeal_reminder_rows(today, appeal_final_reminder_days(),
                                                  "appeal_final_reminder_sent_at", NotificationKind.APPEAL_FINAL)
    Application.objects.filter(pk__in=final_ids).update(appeal_final_reminder_sent_at=now,
                                                        appeal_reminder_sent_at=Coalesce(F("appeal_reminder_sent_at"),
                                                                                         Value(now)))
    first_rows, first_ids = _appeal_reminder_rows(today, appeal_reminder_days(), "appeal_reminder_sent_at",
                                                  NotificationKind.APPEAL_DEADLINE)
    Application.objects.filter(pk__in=first_ids).update(appeal_reminder_sent_at=now)
    rows = final_rows + first_rows
    Notification.objects.bulk_create(rows, batch_size=2000)
    return sorted({n.recipient_id for n in rows})


@transaction.atomic
def create_renewal_reminders(today: date | None = None) -> list[int]:
    """In-app reminders for time-limited grants that end within their notice period (default three
    months); each end date is reminded once. Returns the users to e-mail."""
    from django.conf import settings

    today = today or timezone.localdate()
    longest = max(12, int(getattr(settings, "LOS_RENEWAL_NOTICE_MONTHS", 3)))
    candidates = (ServiceEntry.objects.filter(
        state__in=[EntryState.GRANTED, EntryState.PARTLY_GRANTED], period_to__gte=today,
        period_to__lte=deadlines.add_months(today, longest),
    ).filter(Q(renewal_reminded_for__isnull=True) | ~Q(renewal_reminded_for=F("period_to")))
        .only("pk", "family_id", "municipality_id", "period_to", "renewal_notice_months", "state"))
    due = [entry for entry in candidates.iterator(chunk_size=2000) if entry.renewal_due(today)]
    recipients = _recipients({entry.family_id for entry in due})
    rows = [Notification(family_id=e.family_id, municipality_id=e.municipality_id, recipient_id=uid,
                         kind=NotificationKind.RENEWAL, entry_id=e.pk, due_on=e.period_to)
            for e in due for uid in recipients.get(e.family_id, [])]
    Notification.objects.bulk_create(rows, batch_size=2000)
    by_end: dict[date, list[int]] = defaultdict(list)
    for entry in due:
        by_end[entry.period_to].append(entry.pk)
    for end, ids in by_end.items():
        ServiceEntry.objects.filter(pk__in=ids).update(renewal_reminded_for=end)
    return sorted({n.recipient_id for n in rows})



# --------------------------------------------------------------------------------------------------
# Delivery: what a granted service delivered, and a service the family declined
# --------------------------------------------------------------------------------------------------

#: The most one delivery row may hold, per unit (a month of hours, a month of nights …): a typo such as 480 for
#: 48 hours is caught, and a month's total can still be recorded at once.
MAX_DELIVERY = {"hours": 744, "days": 31, "nights": 31, "visits": 100, "trips": 200}


def _delivery_side(entry: ServiceEntry, actor: User | None) -> str:
    if is_family_actor(actor, entry.family):
        return DeliverySide.FAMILY
    if actor is not None and (actor.pk == entry.contact_user_id or any(
            r.role == "service_contact" for r in actor.active_roles())):
        return DeliverySide.PROVIDER
    return DeliverySide.COORDINATOR


@transaction.atomic
def record_delivery(entry: ServiceEntry, actor: User | None, *, delivered_on: date | None, amount: Any,
                    note: str = "") -> Delivery:
    """Record what a granted service delivered on a day (or in the week or month it stands for)."""
    from decimal import Decimal, InvalidOperation

    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not (entry.extent_unit in DELIVERY_UNITS and entry.extent_amount):
        raise ValidationError(_("Record the granted extent first (for example 48 hours per month): what is "
                                "delivered is held against it."))
    if delivered_on is None:
        errors["delivered_on"] = _("Give the date.")
    elif delivered_on > today:
        errors["delivered_on"] = _("The date cannot be in the future.")
    elif entry.period_from and delivered_on < entry.period_from - timedelta(days=31):
        errors["delivered_on"] = _("The date is before the service was granted.")
    try:
        value = Decimal(str(amount)) if amount not in (None, "") else None
    except InvalidOperation:
        value = None
    limit = MAX_DELIVERY.get(entry.extent_unit, 744)
    if value is None:
        errors["amount"] = _("Give how much was delivered, as a number.")
    elif value <= 0:
        errors["amount"] = _("Give how much was delivered. If nothing came, there is nothing to record: Los "
                             "notices that nothing was delivered.")
    elif value > limit:
        errors["amount"] = _("That is more than one entry can hold (at most %(n)s). Record it in several "
                             "entries, for example one a week.") % {"n": limit}
    if len(note or "") > 300:
        errors["note"] = _("Keep the note to 300 characters.")
    if errors:
        raise ValidationError(errors)
    return Delivery.objects.create(family_id=entry.family_id, municipality_id=entry.municipality_id, entry=entry,
                                   delivered_on=delivered_on, amount=value.quantize(Decimal("0.1")),
                                   note=(note or "").strip(), side=_delivery_side(entry, actor), recorded_by=actor)


@transaction.atomic
def remove_delivery(delivery: Delivery, actor: User | None) -> None:
    """Take back a delivery recorded by mistake."""
    Delivery.objects.filter(pk=delivery.pk).delete()


@transaction.atomic
def decline_service(entry: ServiceEntry, actor: User | None, version: int | None, *, declined_on: date | None,
                    reason: str, note: str) -> ServiceEntry:
    """The family declined a granted service, for example because it was not good enough, and says why. Los stops
    flagging its delivery and counts the decline (15 % of families declined respite care that was not good
    enough)."""
    entry = _locked(ServiceEntry, entry.pk, version)
    errors: dict[str, str] = {}
    if not entry.is_active_grant:
        errors["reason"] = _("Only a granted service can be declined.")
    if reason not in DeclinedReason.values:
        errors["reason"] = _("Choose why you declined it.")
    if declined_on is None:
        errors["declined_on"] = _("Give the date you declined it.")
    else:
        _no_future(declined_on, "declined_on", timezone.localdate(), errors)
    note = (note or "").strip()
    if not note and reason != DeclinedReason.NO_LONGER_NEEDED:
        errors["note"] = _("Say what was wrong, in a few words: it helps the coordinator, and the municipality "
                           "learns from it.")
    if errors:
        raise ValidationError(errors)
    entry.declined_on, entry.declined_reason, entry.declined_note = declined_on, reason, note
    _touch(entry)
    entry.save()
    _after_change(entry.family, actor, entry=entry)
    return entry


@transaction.atomic
def undo_decline(entry: ServiceEntry, actor: User | None, version: int | None) -> ServiceEntry:
    entry = _locked(ServiceEntry, entry.pk, version)
    entry.declined_on, entry.declined_reason, entry.declined_note = None, "", ""
    _touch(entry)
    entry.save()
    _after_change(entry.family, actor, entry=entry)
    return entry


@transaction.atomic
def set_follow_delivery(entry: ServiceEntry, actor: User | None, version: int | None, follow: bool) -> ServiceEntry:
    entry = _locked(ServiceEntry, entry.pk, version)
    entry.follow_delivery = bool(follow)
    _touch(entry)
    entry.save()
    return entry


@transaction.atomic
def save_delivery_settings(municipality_id: int, actor: User | None, version: int | None, *, weeks: int | None,
                           share: int | None) -> DeliverySettings:
    """The municipality's thresholds for flagging a granted service that is not delivered."""
    row, _created = DeliverySettings.objects.select_for_update().get_or_create(
        municipality_id=municipality_id, defaults={"version": 1})
    if version is None or (int(version) != row.version and not (_created and int(version) in (0, 1))):
        raise ConflictError(current=row)
    errors: dict[str, str] = {}
    if weeks is None or not 1 <= weeks <= 26:
        errors["weeks"] = _("Give a number of weeks from 1 to 26.")
    if share is None or not 1 <= share <= 100:
        errors["share"] = _("Give a share from 1 to 100 per cent.")
    if errors:
        raise ValidationError(errors)
    row.no_delivery_weeks, row.share_percent = weeks, share
    row.updated_by, row.updated_at = actor, timezone.now()
    row.version += 1
    row.save()
    return row


# --------------------------------------------------------------------------------------------------
# The coordinator's working draft of an appeal (a working note)
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def start_appeal_draft(application: Application, actor: User | None, text: str) -> AppealDraft:
    """Start the barnekoordinator's own working draft from Los's outline (the text as the coordinator sees it)."""
    if not application.is_decided:
        raise ValidationError(_("Record the decision first: an appeal is against a decision."))
    return AppealDraft.objects.create(family_id=application.family_id, municipality_id=application.municipality_id,
                                      application=application, text=text, created_by=actor, updated_by=actor)


@transaction.atomic
def save_appeal_draft(draft: AppealDraft, actor: User | None, version: int | None, text: str) -> AppealDraft:
    draft = _locked(AppealDraft, draft.pk, version)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The draft is empty. Write the appeal, or leave the page.")})
    draft.text, draft.updated_by = text, actor
    _touch(draft)
    draft.save()
    return draft


# --------------------------------------------------------------------------------------------------
# The plan and the meetings tied to decisions
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def link_measure(measure: Any, actor: User | None, *, entry: ServiceEntry | None = None,
                 catalog_id: str = "", create: bool = False) -> MeasureDecision:
    """Say that a plan measure needs a decision, and which service on the map holds it: an entry already there,
    or (``create``) a new one made from the measure in the same step. Without either, the measure is marked as
    needing a decision that no application holds yet, and is flagged on the plan."""
    if entry is not None and entry.family_id != measure.family_id:
        raise ValidationError({"entry": _("Choose a service on this family’s map.")})
    if create:
        entry = create_entry(measure.family, actor, catalog_id=catalog_id or "", title="" if catalog_id else
                             measure.title[:200], state=EntryState.CONSIDERED,
                             notes=_("From the individual plan: %(title)s") % {"title": measure.title})
    link, _created = MeasureDecision.objects.select_for_update().get_or_create(
        measure=measure, defaults={"family_id": measure.family_id, "municipality_id": measure.municipality_id,
                                   "created_by": actor})
    link.entry = entry
    link.save()
    return link


@transaction.atomic
def unlink_measure(measure: Any, actor: User | None) -> None:
    """The measure needs no decision after all."""
    MeasureDecision.objects.filter(measure=measure).delete()


@transaction.atomic
def agreement_to_application(agreement: Any, actor: User | None, *, catalog_id: str = "", title: str = "",
                             sent_on: date | None = None, provider: ServiceProvider | None = None
                             ) -> AgreementApplication:
    """An agreement in a meeting that needs an application becomes one in one step: a service on the family's map
    (to apply for; with ``sent_on`` the application is recorded as sent too), linked to the agreement so that its
    later decision, a refusal too, shows beside it."""
    if AgreementApplication.objects.filter(agreement=agreement).exists():
        raise ValidationError(_("This agreement is already on the service map."))
    from django.utils import translation

    family = agreement.family
    day = timezone.localtime(agreement.meeting.starts_at).date()
    with translation.override(family.preferred_language or None):
        note = _("Agreed in the coordination group’s meeting on %(date)s: %(text)s") % {
            "date": format_day(day), "text": agreement.text}
    entry = create_entry(family, actor, catalog_id=catalog_id or "",
                         title=(title or ("" if catalog_id else agreement.text))[:200], provider=provider,
                         state=EntryState.CONSIDERED, notes=note)
    if sent_on is not None:
        create_application(entry, actor, sent_on=sent_on)
    return AgreementApplication.objects.create(family_id=family.pk, municipality_id=family.municipality_id,
                                               agreement=agreement, meeting_id=agreement.meeting_id, entry=entry,
                                               created_by=actor)
