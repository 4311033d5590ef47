"""Every model and field of Los, classified once.

This module is the one place that says which information category (:class:`~los.access.models.Category`) each
piece of a family's data is in. The access policy reads a row's category from here (``policy.resolve``), and the
redaction step (``los.access.disclosure``) asks the policy about every classified field before a page, a download,
a package, the API or any other way out shows it.

- ``FAMILY_DATA``: every model that holds a family's data, with the category of its rows and *every* field listed
  under its category. A field in a narrower category than its row (a child's condition is ``health``, a family
  member's phone number ``contact``, a sibling's needs ``story``) is listed under that category, and the policy
  is asked about it separately. ``id``, ``family`` and ``municipality`` are the row's keys and are not listed.
- ``NOT_FAMILY_DATA``: every other model, with why it holds no family's data.

``los/access/tests/test_classification.py`` walks every model and field of every installed app and fails on one
that is not here: a new model or field is classified when it is created, never by a silent default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from los.access.models import Category as C  # noqa: N817 (short, as it is written hundreds of times below)

#: The keys of a family-data row: they say which row and whose it is, and are no information of their own.
KEY_FIELDS = frozenset({"id", "family", "municipality"})


@dataclass(frozen=True)
class Rows:
    """The classification of one family-data model: its rows' category and the category of each field."""

    category: C
    fields: dict[str, C] = field(default_factory=dict)
    #: Optional: a function ``(obj) -> Category | None`` that narrows the category of a single row by its state
    #: (a professionals-only meeting's agenda, minutes not yet approved). ``None`` keeps the row's category.
    refine: Callable[[Any], C | None] | None = None

    def field_category(self, name: str) -> C:
        return self.fields.get(name, self.category)

    def narrower_fields(self) -> dict[str, C]:
        """The fields whose category differs from the row's."""
        return {name: cat for name, cat in self.fields.items() if cat != self.category}


def rows(category: C, refine: Callable[[Any], C | None] | None = None, **by_category: str) -> Rows:
    """``rows(C.CASE, case="given_name family_name", health="condition_summary")``: fields as space-separated
    names under the category they are in (the keyword is the category's value)."""
    fields: dict[str, C] = {}
    for value, names in by_category.items():
        for name in names.split():
            if name in fields:
                raise ValueError(f"{name} is classified twice")
            fields[name] = C(value)
    return Rows(category, fields, refine)


def _raw(obj: Any, attname: str) -> Any:
    """A field's stored value, without asking the redaction step (the classification reads the row's own state)."""
    try:
        return obj.__dict__[attname]
    except KeyError:
        return getattr(obj, attname)


def _meeting_kind(obj: Any) -> str | None:
    meeting_id = _raw(obj, "meeting_id")
    if meeting_id is None:
        return None
    cached = obj._state.fields_cache.get("meeting")
    if cached is not None:
        return _raw(cached, "kind")
    from los.access.policy import _fact
    from los.meetings.models import Meeting
    return _fact(("meeting_kind", meeting_id),
                 lambda: Meeting.objects.filter(pk=meeting_id).values_list("kind", flat=True).first())


def _fagmote_content(obj: Any) -> C | None:
    """The agenda, decisions and actions of a professionals-only meeting (fagmøte) are its content."""
    return C.PROFESSIONAL if _meeting_kind(obj) == "professional" else None


def _minutes(obj: Any) -> C | None:
    """Minutes are a fagmøte's content, or a draft until they are approved."""
    if _meeting_kind(obj) == "professional":
        return C.PROFESSIONAL
    return None if _raw(obj, "status") == "approved" else C.DRAFT


def _contact_entry(obj: Any) -> C | None:
    """A contact between meetings shared with the family is between the family and its coordinator (``messages``);
    one not shared stays the coordinator's working notes (the row's own category)."""
    return C.MESSAGES if _raw(obj, "shared_with_family") else None


def _handover_summary(obj: Any) -> C | None:
    """A handover summary is a record of sharing (``consents``), except to the person or service it was made for,
    who reads it as the family's basic case (each section of it is then asked about again)."""
    from los.access.disclosure import current
    viewer = current()
    if viewer is None or viewer.user is None or not getattr(viewer.user, "is_authenticated", False):
        return None
    from los.transitions.handover import is_receiver
    return C.CASE if is_receiver(viewer.user, obj) else None


#: The fields of the plan's abstract bases (``los.plans.models``: ``PlanPart``, ``EditablePart``, ``SectionItem``),
#: listed once and classified with every part that inherits them.
PLAN_PART = "plan created_at"
EDITABLE_PART = f"{PLAN_PART} created_by updated_at updated_by version"
SECTION_ITEM = f"{EDITABLE_PART} text whose member"

FAMILY_DATA: dict[str, Rows] = {
    # --- families: who the family is ----------------------------------------------------------------------
    "families.Family": rows(
        C.CASE, case="reference display_name status preferred_language needs_interpreter interpreter_language "
                     "created_at closed_at version"),
    "families.Child": rows(
        C.CASE, case="given_name family_name birth_date expected_birth_date setting user shares_health_with_guardians",
        health="condition_categories condition_summary",
        contact="fodselsnummer"),
    "families.FamilyMember": rows(
        C.CASE, case="relation given_name family_name birth_date parental_responsibility daily_care may_consent "
                     "lives_with_child user",
        contact="fodselsnummer address phone email",
        story="needs version"),
    "families.CoordinatorAssignment": rows(C.CASE, case="coordinator started ended end_reason"),
    "families.CoAssignment": rows(C.CASE, case="user role sees_working_notes started ended added_by created_at"),
    # --- access: consent register and the access log ------------------------------------------------------
    "access.Consent": rows(
        C.CONSENTS, consents="given_by_member given_by_child service_provider person categories purpose valid_from "
                             "valid_to method text_shown recorded_by created_at withdrawn_at withdrawn_by"),
    "access.AuditEvent": rows(
        C.ACCESS_LOG, access_log="chain seq at actor actor_name actor_role actor_service action object_type object_id categories "
                                 "category allowed reason session_ref ip_address path prev_hash hash key_id"),
    "access.FamilyTransfer": rows(
        C.CASE, case="from_municipality to_municipality consented_by date note recorded_by created_at cancelled_at"),
    # --- referrals: request, assessment, vedtak, appeal, appointment, ending ------------------------------
    "referrals.PublicRequest": rows(
        C.REFERRAL, referral="reference submitted_at sender_name sender_fodselsnummer sender_relation child_name "
                             "child_birth_date description phone email status handled_by handled_at sender_network"),
    "referrals.Request": rows(
        C.REFERRAL, referral="source status received received_at submitted_by submitter_name submitter_service "
                             "description consent_by_member consent_by_name consent_method consent_given_on "
                             "public_request preliminary_reply_text preliminary_reply_expected_by "
                             "preliminary_reply_sent_on preliminary_reply_sent_by decided_on version"),
    "referrals.Assessment": rows(
        C.REFERRAL, referral="request assessed_by created_at updated_at conclusion recommendation navigator_snapshot "
                             "navigator_snapshot_at navigator_source version"),
    "referrals.CriterionAssessment": rows(
        C.REFERRAL, referral="assessment legal_key local_criterion label result justification"),
    "referrals.Vedtak": rows(
        C.REFERRAL, referral="request outcome legal_basis rules facts considerations decided_by decided_at "
                             "decision_date notified_on appeal_deadline appeal_deadline_nominal appeal_weeks "
                             "appeal_rule appeal_body after_appeal letter letter_language letter_sha256 "
                             "letter_generated_at version"),
    "referrals.Appeal": rows(
        C.REFERRAL, referral="vedtak received in_time grounds registered_by registered_at status reassessment "
                             "reassessed_by reassessed_on sent_on governor_outcome governor_decided_on "
                             "governor_note version"),
    "referrals.Appointment": rows(
        C.REFERRAL, referral="assignment vedtak appointed_by appointed_at family_wishes reasons is_change "
                             "change_reason"),
    "referrals.HandoverTask": rows(
        C.REFERRAL, referral="from_assignment to_assignment summary created_at due_on done_at done_by note version"),
    "referrals.Ending": rows(
        C.REFERRAL, referral="assignment reason ended_on closing_summary transition ended_by created_at"),
    # --- plans: the individual plan -----------------------------------------------------------------------
    "plans.Plan": rows(
        C.PLAN, plan="status what_matters consent_given_by consent_method consent_given_on created_by created_at "
                     "updated_at closed_at version revision"),
    "plans.Goal": rows(C.PLAN, plan=f"{EDITABLE_PART} text whose member child category position archived"),
    "plans.Resource": rows(C.PLAN, plan=SECTION_ITEM),
    "plans.Need": rows(C.PLAN, plan=SECTION_ITEM),
    "plans.Participant": rows(
        C.PLAN, plan=f"{PLAN_PART} kind family_member child user service_provider role_text left_at"),
    "plans.Measure": rows(
        C.PLAN, plan=f"{EDITABLE_PART} goal title description owner_provider owner_person start due_date status "
                     "status_note status_changed_at origin last_reminded_on"),
    "plans.MeasureComment": rows(C.PLAN, plan=f"{PLAN_PART} measure author author_side text"),
    "plans.EvaluationDate": rows(
        C.PLAN, plan=f"{EDITABLE_PART} date note held_on held_by summary family_view clarification_reviewed "
                     "clarification_note"),
    "plans.Evaluation": rows(
        C.PLAN, plan=f"{PLAN_PART} occasion goal result family_view next_period recorded_by"),
    "plans.ExpectationClarification": rows(
        C.PLAN, plan=f"{EDITABLE_PART} will_do will_not_do done_instead_by contact_channels contact_frequency "
                     "contact_note delegated_authority family_signed_at family_signed_by family_signed_member "
                     "coordinator_signed_at coordinator_signed_by last_reviewed_on"),
    "plans.PlanVersion": rows(C.PLAN, plan=f"{PLAN_PART} number snapshot change subject author author_name"),
    "plans.PlanApproval": rows(C.PLAN, plan=f"{PLAN_PART} plan_version approved_by member statement"),
    # --- meetings: the coordination group ----------------------------------------------------------------
    "meetings.GroupMember": rows(
        C.MEETINGS, meetings="kind family_member child user service_provider role_title joined left left_reason"),
    "meetings.Meeting": rows(
        C.MEETINGS, meetings="kind starts_at ends_at place video_link phone status cancel_reason ical_uid "
                             "ical_sequence version created_by created_at updated_at"),
    "meetings.AgendaItem": rows(
        C.MEETINGS, refine=_fagmote_content, meetings="meeting title details source action measure position added_by created_at"),
    "meetings.Minutes": rows(
        C.MEETINGS, refine=_minutes, meetings="meeting text status version updated_at updated_by approved_at approved_by"),
    "meetings.Attendance": rows(C.MEETINGS, meetings="meeting member service_provider invited present"),
    "meetings.Decision": rows(C.MEETINGS, refine=_fagmote_content, meetings="meeting text measure created_by created_at"),
    "meetings.Action": rows(
        C.MEETINGS, refine=_fagmote_content, meetings="meeting decision title owner_member owner service_provider due_date measure status "
                             "done_at done_by reminded_at overdue_reminded_at created_by created_at"),
    "meetings.ContactEntry": rows(
        C.WORKING_NOTES, refine=_contact_entry,
        working_notes="happened_on kind with_whom agreed follow_up follow_up_due follow_up_done_at shared_with_family "
                      "created_by created_at version"),
    # --- servicemap: services, applications, decisions, appeals, documents, needs ------------------------
    "servicemap.ServiceEntry": rows(
        C.SERVICES, services="child catalog_id title provider provider_name sector state extent_amount extent_unit "
                             "extent_per extent_note period_from period_to renewal_notice_months contact_name "
                             "contact_phone contact_email contact_user notes follow_delivery declined_on "
                             "declined_reason declined_note renewal_reminded_for created_by created_at updated_at "
                             "version"),
    "servicemap.Application": rows(
        C.SERVICES, services="entry sent_on reference expected_processing_days preliminary_reply_on decision "
                             "decision_on decision_received_on legal_basis legal_basis_key appeal_rule "
                             "appeal_deadline no_appeal appeal_reminder_sent_at appeal_final_reminder_sent_at "
                             "decision_reasons notes created_by created_at updated_at version"),
    "servicemap.Appeal": rows(
        C.SERVICES, services="application status sent_on sent_to outcome outcome_on notes created_by created_at "
                             "updated_at version"),
    "servicemap.Document": rows(
        C.DOCUMENTS, documents="entry application appeal kind title file original_name content_type extension size "
                               "sha256 uploaded_by uploaded_at"),
    "servicemap.Need": rows(
        C.SERVICES, services="child description source status recorded_on closed_on recorded_by created_at version"),
    "servicemap.NeedRequest": rows(
        C.SERVICES, services="need provider provider_name asked_on response responded_on response_note responded_by "
                             "asked_by version"),
    "servicemap.Notification": rows(
        C.SERVICES, services="recipient kind entry application actor due_on created_at read_at"),
    # What a granted service delivered: the family's services, like the grant it is held against.
    "servicemap.Delivery": rows(
        C.SERVICES, services="entry delivered_on amount note side recorded_by created_at"),
    # The barnekoordinator's own draft of an appeal is advocacy for the family: a working note. The policy refuses
    # working notes to the coordinating unit (who may decide the application), to the services and to the family
    # side; the family reads Los's outline of the appeal instead, built from what it may see.
    "servicemap.AppealDraft": rows(
        C.WORKING_NOTES, working_notes="application text created_by created_at updated_by updated_at version"),
    # A plan measure that needs a decision belongs to the plan; the service it points to is the family's services.
    "servicemap.MeasureDecision": rows(C.PLAN, plan="measure created_by created_at", services="entry"),
    # An agreement that became an application is the meeting's content (a fagmøte's stays professional); the
    # service it became is the family's services.
    "servicemap.AgreementApplication": rows(
        C.MEETINGS, refine=_fagmote_content, meetings="agreement meeting created_by created_at", services="entry"),
    # --- care diary: the day-by-day supervision, care and nights (see los/carediary/models.py for why health) --
    "carediary.CareDiary": rows(C.HEALTH, health="child usual_for_age created_by created_at version"),
    "carediary.DiaryDay": rows(
        C.HEALTH, health="diary child day supervision_minutes care_minutes night_wakings night_minutes note "
                         "recorded_by recorded_at version"),
    # --- navigator, portal -------------------------------------------------------------------------------
    "navigator.NavigatorAnswers": rows(C.HEALTH, health="child answers updated_at updated_by version"),
    "portal.FamilyStory": rows(
        C.STORY, story="about_child what_helps what_to_avoid daily_routines communication what_matters "
                       "about_siblings version updated_at updated_by"),
    "portal.Message": rows(
        C.MESSAGES, messages="sender body sent_at attachment attachment_name attachment_type"),
    "portal.MessageRead": rows(C.MESSAGES, messages="message recipient read_at"),
    # --- survey: the family's invitations to the questionnaire (the answers are kept apart, below) ----------
    "survey.Invitation": rows(
        C.SURVEY, survey="moment due_on expires_on child by_own_login secret created_at closed_on"),
    # --- ops, transitions --------------------------------------------------------------------------------
    "ops.RetentionHold": rows(C.CASE, case="reason until created_at created_by"),
    "transitions.TransitionPlan": rows(
        C.PLAN, plan="child kind key transition_date status opened_on opened_automatically opened_by owner "
                     "receiving_provider child_view notes what_worked meeting source_ref closed_on closed_by "
                     "created_at updated_at version"),
    "transitions.ChecklistItem": rows(
        C.PLAN, plan="plan group code params text position done done_on done_by note created_at version"),
    "transitions.TransitionTask": rows(
        C.PLAN, plan="plan code params text owner owner_provider due_date status done_at done_by created_by "
                     "created_at version"),
    "transitions.HandoverSummary": rows(
        C.CONSENTS, refine=_handover_summary, consents="plan receiver_kind receiver_provider receiver_user note included left_out created_by "
                             "created_at"),
    "transitions.MoveProposal": rows(
        C.CONSENTS, consents="to_municipality handover_date note proposed_by proposed_at status answered_at "
                             "answered_by_member answered_by method recorded_by paper_signed_on text_shown "
                             "transfer withdrawn_at withdrawn_by"),
    "transitions.FamilyExport": rows(
        C.CONSENTS, consents="transfer proposal package_id to_municipality_number to_municipality_name exported_at "
                             "exported_by sha256 rows"),
    "transitions.FamilyImport": rows(
        C.CONSENTS, consents="from_municipality_number from_municipality_name source_reference source_family_id "
                             "transfer_date consented_by_name format_version exported_at sha256 package_id "
                             "sender_installation signature_key_id imported_at imported_by counts adjustments"),
    # --- archive: the case in the municipality's archive (Noark 5) ----------------------------------------
    "archive.CaseFile": rows(
        C.REFERRAL, referral="system_id case_year case_sequence title public_title opened_on handler handler_name "
                             "administrative_unit class_id class_title access_code screening_basis parties status "
                             "closed_at closed_by_name retention_decision retention_years deposit created_at"),
    "archive.RegistryEntry": rows(
        C.REFERRAL, referral="case_file system_id journal_year journal_sequence number kind entry_type title "
                             "public_title journal_date document_date handler handler_name administrative_unit parties "
                             "access_code screening_basis source created_at transfer_status transfer_attempts sent_at "
                             "confirmed_at external_reference transfer_message"),
    "archive.ArchiveDocument": rows(
        C.REFERRAL, referral="entry system_id object_system_id number title document_type main file file_format "
                             "sha256 size created_at created_by_name"),
}


NOT_FAMILY_DATA: dict[str, str] = {
    # Django and the libraries Los uses
    "admin.LogEntry": "the admin's own change log of organisation data (family models are not in the admin)",
    "auth.Permission": "permission names",
    "auth.Group": "permission groups",
    "contenttypes.ContentType": "model names",
    "sessions.Session": "a log-in session: the user's own, never shown to anyone",
    "otp_totp.TOTPDevice": "a staff member's second factor",
    "otp_static.StaticDevice": "a staff member's recovery codes",
    "otp_static.StaticToken": "a staff member's recovery codes",
    "axes.AccessFailureLog": "failed log-ins (user name and address), for lock-out",
    "axes.AccessAttempt": "failed log-ins (user name and address), for lock-out",
    "axes.AccessAttemptExpiration": "when a lock-out ends",
    "axes.AccessLog": "log-ins and log-outs (user name and address)",
    "django_tasks_database.DBTaskResult": "background tasks; their arguments are ids, never a family's content",
    # organisation data
    "core.Municipality": "the municipality register",
    "core.CoordinatingUnit": "the coordinating unit's name and public contact details",
    "core.ServiceProvider": "the register of services and their public contact details",
    "core.MunicipalityAgreement": "agreements between municipalities",
    "accounts.User": "a person's account (name, user name, e-mail); shown to themselves and the administrator",
    "accounts.StaffRole": "a staff member's role in a municipality",
    "referrals.LocalCriterion": "the municipality's own criteria for a barnekoordinator",
    "navigator.LocalEntry": "a municipality's own service in the navigator's catalogue (its respite house, a local "
                            "offer or grant): a description of a service, no family's data",
    "navigator.LocalRoutine": "how a municipality handles a right or service (how to apply here, whom to call, local "
                              "forms, processing time): no family's data",
    "meetings.MeetingPolicy": "the municipality's rules for meetings",
    "servicemap.DeliverySettings": "a municipality's thresholds for flagging a granted service that is not delivered",
    "meetings.CalendarToken": "a user's own calendar feed key (stored as a digest)",
    "transitions.TransitionSettings": "the municipality's notice periods for transitions",
    "api.ApiToken": "an API token (stored as a digest)",
    "archive.ArchiveSettings": "the municipality's archive set-up: classification, screening code, archive address",
    "archive.Deposit": "a deposit package's bookkeeping (period, counts, checksum); the package is made and "
                       "downloaded only by the coordinating unit, asking the policy for each case in it",
    "workday.StartGuide": "the coordinating unit's start guide for new barnekoordinators (the municipality's routines)",
    # the families' answers to the questionnaire, kept apart from the family (docs/statistics.md)
    "survey.Answer": "answers to the questionnaire without a family, a person or a time of day (municipality, year, "
                     "moment, who answered, the answers); only the family's own pages can find its own, through a "
                     "keyed receipt of its invitation; figures of them are always suppressed",
    # the audit chain's bookkeeping: hashes and counts, no content
    "access.AuditChainHead": "the head of an audit chain: a sequence number and a hash",
    "ops.AuditTombstone": "a signed mark where retention removed audit events: hashes only",
    "ops.AuditCheckpoint": "a signed checkpoint of an audit chain: hashes only",
    "ops.RetentionRun": "a run of the retention rules: counts per rule",
    "ops.RetentionRecord": "what retention deleted: the case reference and counts, no content",
    # aggregates
    "stats.NowSnapshot": "a municipality's figures now, counted once a month: counts only, no row per family",
    "stats.PrecomputedFigures": "a statistics page's figures rendered ahead: counts (hidden where protected) and "
                                "coordinators' names, no row per family",
}


def classification(model_or_obj: Any) -> Rows | None:
    """The classification of a model (or of a row's model); ``None`` for a model that holds no family data."""
    return FAMILY_DATA.get(model_or_obj._meta.label)


def row_category(obj: Any) -> C:
    """The category of one row: its model's, narrowed by the row's state where the model says so."""
    rows_ = FAMILY_DATA.get(obj._meta.label)
    if rows_ is None:
        raise LookupError(f"{obj._meta.label} holds no family data")
    if rows_.refine is not None:
        refined = rows_.refine(obj)
        if refined is not None:
            return refined
    return rows_.category
