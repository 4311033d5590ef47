"""Pages of the coordination group. Thin: load, ``authorize``, call a service or selector, render."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from los.access import audit, disclosure
from los.access.guard import access, authorize, record_list_view
from los.access.models import AuditAction, Category
from los.access.policy import Action as AccessAction
from los.access.policy import can
from los.accounts.models import Role, StaffRole, User
from los.core.downloads import file_response
from los.core.forms import ConflictError, act, error_text, form_action, submit
from los.families.models import Child, Family, FamilyMember
from los.families.selectors import authorized_object, family_or_404
from los.meetings import ical, plans_link, selectors, services
from los.meetings.forms import (
    ActionForm,
    AgendaItemForm,
    ApproveForm,
    AttendanceForm,
    CancelForm,
    ContactForm,
    DecisionForm,
    GroupMemberForm,
    LeaveForm,
    MeetingForm,
    MinutesForm,
)
from los.meetings.models import (
    Action,
    ActionStatus,
    CalendarToken,
    ContactEntry,
    Decision,
    GroupMember,
    Meeting,
    MeetingKind,
    MeetingPolicy,
    MeetingStatus,
    MemberKind,
    Minutes,
)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("family__municipality")


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(_meetings(), pk=pk)


def _new_meeting(family: Family) -> Meeting:
    return Meeting(family=family, municipality_id=family.municipality_id)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # only absolute paths on this site: anything else (a bare word would be reversed as a view name) falls back
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target
    return fallback


# --- the family's meetings page -------------------------------------------------------------------

@access("family")
@login_required
def family_meetings(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    decision = authorize(request, AccessAction.VIEW, family, Category.MEETINGS)
    family_side = selectors.is_family_side(decision)
    can_change = can(request.user, AccessAction.CHANGE, _new_meeting(family))
    members = selectors.group_members(family)
    for member in members:
        member.consent_ok = member.kind != MemberKind.SERVICE or can(
            member.user, AccessAction.VIEW, family, Category.MEETINGS)
    upcoming, past = selectors.family_meetings(family)
    former = selectors.former_members(family)
    return render(request, "meetings/family_meetings.html", {
        "family": family,
        "members": members,
        "former_members": former,
        "left_today": [m for m in former if services.leaving_can_be_undone(m)] if can_change else [],
        "may_log_contact": can(request.user, AccessAction.VIEW, family, Category.MESSAGES)
        and not family_side,
        "may_read_contact_log": can(request.user, AccessAction.VIEW, family, Category.MESSAGES),
        "upcoming": upcoming,
        "past": past,
        "open_actions": selectors.family_actions(family, family_side=family_side),
        "can_change": can_change,
        "family_side": family_side,
        "today": timezone.localdate(),
    })


# --- group members --------------------------------------------------------------------------------

def _member_choices(family: Family) -> tuple[list, dict]:
    """Grouped choices for adding a member, and a lookup from choice value to what it means."""
    today = timezone.localdate()
    current = GroupMember.objects.filter(family=family).exclude(left__lte=today)
    taken_fm = set(current.values_list("family_member_id", flat=True))
    taken_child = set(current.values_list("child_id", flat=True))
    taken_user = set(current.values_list("user_id", flat=True))
    lookup: dict[str, tuple[str, object]] = {}
    family_opts = []
    for child in family.children.all():
        if child.pk not in taken_child:
            key = f"child:{child.pk}"
            lookup[key] = (MemberKind.FAMILY, child)
            family_opts.append((key, f"{child.given_name} {child.family_name} ({_('the child')})"))
    for fm in family.members.all():
        if fm.pk not in taken_fm:
            key = f"fm:{fm.pk}"
            lookup[key] = (MemberKind.FAMILY, fm)
            family_opts.append((key, f"{fm.given_name} {fm.family_name} ({fm.get_relation_display()})"))
    coordinator_opts = []
    for assignment in family.coordinator_assignments.filter(started__lte=today).exclude(
            ended__lte=today).select_related("coordinator"):
        user = assignment.coordinator
        if user.pk not in taken_user:
            key = f"user:{user.pk}"
            lookup[key] = (MemberKind.COORDINATOR, user)
            coordinator_opts.append((key, user.get_full_name() or user.username))
    # service contacts whose service (or themselves) the family's consent for meetings names
    service_opts = []
    roles = StaffRole.objects.filter(role=Role.SERVICE_CONTACT, active=True, user__is_active=True).filter(
        service_provider__in=family.consents.filter(withdrawn_at__isnull=True).values("service_provider")
    ).select_related("user", "service_provider").order_by("service_provider__name", "user__last_name")
    for role in roles:
        user = role.user
        if user.pk in taken_user or f"user:{user.pk}" in lookup:
            continue
        if not can(user, AccessAction.VIEW, family, Category.MEETINGS):
            continue
        key = f"user:{user.pk}"
        lookup[key] = (MemberKind.SERVICE, user)
        service_opts.append((key, f"{user.get_full_name() or user.username} – {role.service_provider.name}"))
    choices = []
    if family_opts:
        choices.append((_("The family"), family_opts))
    if coordinator_opts:
        choices.append((_("Barnekoordinator"), coordinator_opts))
    if service_opts:
        choices.append((_("Services the family has consented to"), service_opts))
    return choices, lookup


@access("family")
@login_required
def member_add(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    authorize(request, AccessAction.CHANGE, GroupMember(family=family, municipality_id=family.municipality_id))
    choices, lookup = _member_choices(family)
    form = GroupMemberForm(request.POST or None, choices=choices)

    def save():
        kind, person = lookup.get(form.cleaned_data["person"], (None, None))
        if isinstance(person, FamilyMember):
            kwargs = {"family_member": person}
        elif isinstance(person, Child):
            kwargs = {"child": person}
        else:
            kwargs = {"user": person}
        return services.add_group_member(family, by=request.user, kind=kind or "",
                                         role_title=form.cleaned_data["role_title"],
                                         joined=form.cleaned_data["joined"], **kwargs)

    return form_action(
        request, form, save, success=reverse("meetings:family_meetings", args=[family.pk]),
        message=lambda member: _("%(name)s is now a member of the coordination group.") % {"name": member.name},
        page=lambda status: render(request, "meetings/member_form.html", {"family": family, "form": form},
                                   status=status))


@access("family")
@login_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first ("Remove … from the coordination group?"), then records the leaving; it can be undone the same
    day from the group's page."""
    member = authorized_object(request, AccessAction.CHANGE,
                               GroupMember.objects.select_related("family__municipality", "family_member", "child",
                                                                  "user", "service_provider"), pk=pk)
    if member.left is not None and member.left <= timezone.localdate():
        messages.info(request, _("%(name)s has already left the coordination group.") % {"name": member.name})
        return redirect("meetings:family_meetings", member.family_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and submit(form, lambda: services.remove_group_member(
            member, by=request.user, reason=form.cleaned_data.get("reason", ""))):
        messages.success(request, _("%(name)s has left the coordination group. The history is kept, and you can "
                                    "undo it today under “Left today”.") % {"name": member.name})
        return redirect(reverse("meetings:family_meetings", args=[member.family_id]) + "#left-today")
    return render(request, "meetings/member_leave.html", {"family": member.family, "member": member, "form": form})


@access("family")
@login_required
@require_POST
def member_undo_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = authorized_object(request, AccessAction.CHANGE,
                               GroupMember.objects.select_related("family", "family_member", "child", "user"), pk=pk)
    return act(request, lambda: services.undo_leaving(member, by=request.user),
               success=reverse("meetings:family_meetings", args=[member.family_id]) + "#group-heading",
               message=_("%(name)s is a member of the coordination group again.") % {"name": member.name})


# --- meetings -------------------------------------------------------------------------------------

@access("family")
@login_required
def meeting_new(request: HttpRequest, family_pk: int) -> HttpResponse:
    family = family_or_404(family_pk)
    authorize(request, AccessAction.CHANGE, _new_meeting(family))
    allow_professional = MeetingPolicy.for_municipality(family.municipality_id).allow_professional_meetings
    initial = None
    if request.method != "POST":
        members = selectors.group_members(family)
        initial = {"participants": [m.pk for m in members], "kind": MeetingKind.COORDINATION}
    form = MeetingForm(request.POST or None, family=family, allow_professional=allow_professional, initial=initial)

    def save():
        data = form.cleaned_data
        return services.schedule_meeting(
            family, by=request.user, kind=data["kind"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            participants=data["participants"], place=data["place"], video_link=data["video_link"],
            phone=data["phone"])

    return form_action(
        request, form, save, success=lambda meeting: reverse("meetings:detail", args=[meeting.pk]),
        message=_("The meeting is scheduled. The participants get an invitation by e-mail."),
        page=lambda status: render(request, "meetings/meeting_form.html", {
            "family": family, "form": form, "meeting": None, "allow_professional": allow_professional},
            status=status))


@access("family")
@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = authorized_object(request, AccessAction.CHANGE, _meetings(), pk=pk)
    family = meeting.family
    if meeting.status != MeetingStatus.SCHEDULED:
        messages.error(request, _("Only a scheduled meeting can be changed."))
        return redirect("meetings:detail", meeting.pk)
    form = MeetingForm(request.POST or None, family=family, allow_professional=False, meeting=meeting)

    def save():
        data = form.cleaned_data
        return services.update_meeting(meeting, by=request.user, version=data.get("version"),
                                       starts_at=data["starts_at"], ends_at=data["ends_at"],
                                       participants=data["participants"], place=data["place"],
                                       video_link=data["video_link"], phone=data["phone"])

    return form_action(
        request, form, save, success=reverse("meetings:detail", args=[meeting.pk]),
        message=_("The meeting is changed. The participants get the change in their calendar."),
        page=lambda status: render(request, "meetings/meeting_form.html",
                                   {"family": family, "form": form, "meeting": meeting}, status=status))


@access("family")
@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = authorized_object(request, AccessAction.CHANGE, _meetings(), pk=pk)
    form = CancelForm(request.POST or None, initial={"version": meeting.version})
    return form_action(
        request, form, lambda: services.cancel_meeting(meeting, by=request.user, **form.cleaned_data),
        success=reverse("meetings:detail", args=[meeting.pk]),
        message=_("The meeting is cancelled. The participants get the cancellation in their calendar."),
        page=lambda status: render(request, "meetings/meeting_cancel.html",
                                   {"family": meeting.family, "meeting": meeting, "form": form}, status=status))


def _agenda_for(request: HttpRequest, meeting: Meeting, *, has_minutes: bool | None = None) -> list:
    agenda = selectors.draft_agenda(meeting, has_minutes=has_minutes)
    if not can(request.user, AccessAction.VIEW, meeting.family, Category.PLAN):
        agenda = selectors.hide_plan_details(agenda)
    return agenda


def _detail_context(request: HttpRequest, meeting: Meeting, decision, agenda_form=None) -> dict:
    can_change = can(request.user, AccessAction.CHANGE, meeting)
    hidden = selectors.professional_content_hidden(meeting, decision)
    family_side = selectors.is_family_side(decision)
    stored = selectors.stored_minutes(meeting)
    minutes = selectors.visible_minutes(meeting, decision, can_change, stored)
    has_minutes = stored is not None
    may_add = (meeting.status == MeetingStatus.SCHEDULED and not hidden
               and not has_minutes
               and (not family_side or meeting.starts_at > timezone.now())
               and can(request.user, AccessAction.CONTRIBUTE, meeting))
    return {
        "family": meeting.family,
        "meeting": meeting,
        "participants": selectors.meeting_participants(meeting, with_logins=False),
        "content_hidden": hidden,
        "agenda": [] if hidden else _agenda_for(request, meeting, has_minutes=has_minutes),
        "agenda_is_draft": not has_minutes,
        "minutes": minutes,
        "decisions": list(meeting.decisions.all()) if minutes else [],
        "meeting_actions": list(meeting.actions.select_related(
            "owner_member__family_member", "owner_member__child", "owner_member__user", "service_provider"))
        if minutes else [],
        "can_change": can_change,
        "family_side": family_side,
        "agenda_form": agenda_form or (AgendaItemForm() if may_add else None),
        "ics_url": reverse("meetings:ics", args=[meeting.pk]),
    }


@access("family")
@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("family__municipality", "created_by"), pk=pk)
    decision = authorize(request, AccessAction.VIEW, meeting)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting, decision))


@access("family")
@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    decision = authorize(request, AccessAction.CONTRIBUTE, meeting)
    form = AgendaItemForm(request.POST)
    return form_action(
        request, form, lambda: services.add_agenda_item(meeting, by=request.user, **form.cleaned_data,
                                                        family_side=selectors.is_family_side(decision)),
        success=reverse("meetings:detail", args=[meeting.pk]), message=_("Thank you. Your item is on the agenda."),
        page=lambda status: render(request, "meetings/meeting_detail.html",
                                   _detail_context(request, meeting, decision, form), status=status))


@access("family")
@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitation as an .ics file. It holds only what the meeting page shows about time and place,
    so it is a view of the meeting (service contacts may add it to their calendar too)."""
    meeting = authorized_object(request, AccessAction.VIEW, _meetings(), pk=pk)
    content = ical.invitation(meeting, url=request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk])))
    return file_response(content, ical.CONTENT_TYPE, ical.filename(meeting))


# --- minutes (live) -------------------------------------------------------------------------------

def _minutes_context(request: HttpRequest, meeting: Meeting, minutes: Minutes | None, **forms) -> dict:
    participants = selectors.meeting_participants(meeting)
    day = timezone.localtime(meeting.starts_at).date()
    listed = {a.member_id for a in participants}
    members = [a.member for a in participants]
    for m in selectors.group_members(meeting.family, include_former=True):
        if m.pk not in listed and m.is_active_on(day) and not (
                meeting.kind == MeetingKind.PROFESSIONAL and m.kind == MemberKind.FAMILY):
            members.append(m)
    present = [str(a.member_id) for a in participants if a.present]
    if not any(a.present is not None for a in participants):
        present = [str(a.member_id) for a in participants if a.invited]  # a sensible start: everyone invited
    editable = minutes is not None and not minutes.is_approved
    context = {
        "family": meeting.family,
        "meeting": meeting,
        "minutes": minutes,
        "editable": editable,
        "agenda": selectors.draft_agenda(meeting),
        "decisions": list(meeting.decisions.prefetch_related("actions")) if minutes else [],
        "meeting_actions": list(meeting.actions.select_related(
            "owner_member__family_member", "owner_member__child", "owner_member__user", "service_provider",
            "decision")) if minutes else [],
        "plans_available": plans_link.plans_available(meeting.family),
        "is_coordinator": services.may_approve_minutes(request.user, meeting.family),
        "minutes_can_be_approved": services.minutes_can_be_approved(meeting),
        "attendance_recorded": any(a.present is not None for a in participants),
    }
    if minutes is not None:
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            members=members, initial={"present": present})
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
            initial={"text": minutes.text, "version": minutes.version})
        context["decision_form"] = forms.get("decision_form") or DecisionForm(meeting=meeting, prefix="decision")
        context["action_form"] = forms.get("action_form") or ActionForm(meeting=meeting, prefix="action")

    context.update({k: v for k, v in forms.items() if k.endswith("_message")})
    context["conflict_text"] = forms.get("conflict_text")
    context["save_state"] = forms.get("save_state") or ("conflict" if forms.get("conflict_text") is not None else (
        "unsaved" if forms.get("minutes_form") is not None else "saved"))
    if minutes is not None:
        context["saved_message"] = _saved_message(minutes)
    return context


def _render_minutes(request: HttpRequest, meeting: Meeting, minutes: Minutes | None, partial: str = "",
                    status: int = 200, **forms) -> HttpResponse:
    context = _minutes_context(request, meeting, minutes, **forms)
    if partial and request.htmx:
        return render(request, f"meetings/_minutes_{partial}.html", context, status=status)
    return render(request, "meetings/minutes.html", context, status=status)


def _minutes_for_change(request: HttpRequest, pk: int) -> tuple[Meeting, Minutes]:
    meeting = _meeting(pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    authorize(request, AccessAction.CHANGE, minutes or meeting)
    if minutes is None:
        raise Http404
    return meeting, minutes


@access("family")
@login_required
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The page for writing minutes while chairing: attendance, notes, decisions and actions."""
    meeting = _meeting(pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    authorize(request, AccessAction.CHANGE, minutes or meeting)
    if request.method == "POST":
        if minutes is None:
            return act(request, lambda: services.start_minutes(meeting, by=request.user),
                       success=reverse("meetings:minutes", args=[meeting.pk]),
                       failure=reverse("meetings:detail", args=[meeting.pk]))
        form = MinutesForm(request.POST)

        def page(status: int) -> HttpResponse:
            # after a conflict: the user's text stays in the box, the saved text is shown beside it
            current = form.conflict.current if form.conflict else minutes
            return _render_minutes(request, meeting, current, "text", status=status, minutes_form=form,
                                   conflict_text=current.text if form.conflict else None)

        return form_action(
            request, form, lambda: services.save_minutes(minutes, by=request.user, **form.cleaned_data),
            success=reverse("meetings:minutes", args=[meeting.pk]), message=_("The minutes are saved."), page=page,
            fragment=lambda saved, _message: _render_minutes(
                request, meeting, saved, "text",
                text_message=_("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}))
    return _render_minutes(request, meeting, minutes)


@access("family")
@login_required
@require_POST
def minutes_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, minutes = _minutes_for_change(request, pk)
    members = [a.member for a in selectors.meeting_participants(meeting)]
    day = timezone.localtime(meeting.starts_at).date()
    known = {m.pk for m in members}
    members += [m for m in selectors.group_members(meeting.family, include_former=True)
                if m.pk not in known and m.is_active_on(day)
                and not (meeting.kind == MeetingKind.PROFESSIONAL and m.kind == MemberKind.FAMILY)]
    form = AttendanceForm(request.POST, members=members)
    return form_action(
        request, form, lambda: services.record_attendance(meeting, by=request.user, present_ids=form.present_ids()),
        success=reverse("meetings:minutes", args=[meeting.pk]), message=_("Attendance is saved."),
        page=lambda status: _render_minutes(request, meeting, minutes, "attendance", status=status,
                                            attendance_form=form),
        fragment=lambda _result, message: _render_minutes(request, meeting, minutes, "attendance",
                                                          attendance_form=form, attendance_message=message))


def _outcome_action(request: HttpRequest, meeting: Meeting, minutes: Minutes, form, key: str, save, message,
                    blank) -> HttpResponse:
    """A decision or an action added to the minutes: with htmx the outcomes part again with an empty form and the
    message, else back to the minutes page."""
    return form_action(
        request, form, save, success=reverse("meetings:minutes", args=[meeting.pk]), message=message,
        page=lambda status: _render_minutes(request, meeting, minutes, "outcomes", status=status, **{key: form}),
        fragment=lambda _result, text: _render_minutes(request, meeting, minutes, "outcomes",
                                                       outcomes_message=text, **{key: blank()}))


@access("family")
@login_required
@require_POST
def minutes_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a decision; with an owner and a due date it also becomes an action (and optionally a plan
    measure) in the same step."""
    meeting, minutes = _minutes_for_change(request, pk)
    form = DecisionForm(request.POST, meeting=meeting, prefix="decision")

    def save():
        data = form.cleaned_data
        return services.add_decision(meeting, by=request.user, text=data["text"], owner_member=data.get("owner"),
                                     due_date=data.get("due_date"), as_measure=data.get("as_measure", False))

    def message(result) -> str:
        _decision, action, measure = result
        text = _("The agreement is added.")
        if action:
            text = _("The agreement is added as an action for %(owner)s.") % {"owner": action.owner_member.name}
        if measure is not None:
            text += " " + _("It is also a measure in the individual plan.")
        return text

    return _outcome_action(request, meeting, minutes, form, "decision_form", save, message,
                           lambda: DecisionForm(meeting=meeting, prefix="decision"))


@access("family")
@login_required
@require_POST
def minutes_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, minutes = _minutes_for_change(request, pk)
    form = ActionForm(request.POST, meeting=meeting, prefix="action")

    def save():
        data = form.cleaned_data
        return services.add_action(meeting, by=request.user, title=data["title"], owner_member=data["owner"],
                                   due_date=data["due_date"], measure_id=data.get("measure"))

    return _outcome_action(request, meeting, minutes, form, "action_form", save,
                           lambda action: _("The action is added for %(owner)s.") % {"owner": action.owner_member.name},
                           lambda: ActionForm(meeting=meeting, prefix="action"))


@access("family")
@login_required
@require_POST
def decision_to_measure(request: HttpRequest, pk: int) -> HttpResponse:
    decision = authorized_object(request, AccessAction.CHANGE,
                                 Decision.objects.select_related("meeting__family", "family"), pk=pk)
    meeting = decision.meeting
    minutes = Minutes.objects.filter(meeting=meeting).first()
    message = ""
    try:
        services.decision_to_measure(decision, by=request.user, action=decision.actions.first())
    except ValidationError as error:
        message = error_text(error)
    else:
        message = _("The agreement is now a measure in the individual plan.")
    if not request.htmx:
        messages.info(request, message)
        return redirect("meetings:minutes", meeting.pk)
    return _render_minutes(request, meeting, minutes, "outcomes", outcomes_message=message)


def _saved_message(minutes: Minutes) -> str:
    saved = timezone.localtime(minutes.updated_at)
    if saved.date() == timezone.localdate():
        return _("Saved %(time)s") % {"time": saved.strftime("%H:%M")}
    return _("Saved %(time)s") % {"time": saved.strftime("%d.%m.%Y %H:%M")}


@access("family")
@login_required
@require_POST
def minutes_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the notes as they are written (``los.js`` sends them after a pause in the typing). Answers with the
    save status for the page to show: saved (and the new version), a conflict (someone else saved first: nothing
    is overwritten, and the notes as they are saved now are shown), or an error."""
    meeting, minutes = _minutes_for_change(request, pk)
    form = MinutesForm(request.POST)
    context: dict = {"meeting": meeting, "minutes": minutes}
    if not form.is_valid():
        return render(request, "meetings/_minutes_save_status.html", {
            **context, "state": "error", "version": minutes.version,
            "message": _("Not saved: reload the page and try again. Your text is kept in this browser.")}, status=400)
    text, version = form.cleaned_data["text"], form.cleaned_data["version"]
    if version == minutes.version and services.same_text(text, minutes.text):
        return render(request, "meetings/_minutes_save_status.html", {
            **context, "state": "saved", "version": minutes.version, "message": _saved_message(minutes)})
    try:
        minutes = services.save_minutes(minutes, by=request.user, text=text, version=version)
    except ConflictError as error:
        current = Minutes.objects.select_related("updated_by").get(pk=minutes.pk)
        return render(request, "meetings/_minutes_save_status.html", {
            **context, "state": "conflict", "version": current.version, "message": str(error),
            "conflict_text": current.text}, status=409)
    except ValidationError as error:
        return render(request, "meetings/_minutes_save_status.html", {
            **context, "state": "error", "version": minutes.version, "message": error_text(error)}, status=400)
    return render(request, "meetings/_minutes_save_status.html", {
        **context, "state": "saved", "version": minutes.version, "message": _saved_message(minutes)})


def _approve_page(request: HttpRequest, meeting: Meeting, minutes: Minutes) -> HttpResponse:
    return render(request, "meetings/minutes_approve.html", {
        "family": meeting.family, "meeting": meeting, "minutes": minutes,
        "agreements": meeting.decisions.count(), "actions": meeting.actions.count(),
        "attendance_recorded": meeting.attendance.filter(present__isnull=False).exists(),
        "form": ApproveForm(initial={"version": minutes.version})})


@access("family")
@login_required
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approving asks first. The first POST comes from the notes form with the notes on the screen: if they are not
    all saved, approval is refused and the text is kept; otherwise the confirmation page is shown (also on GET, for
    the minutes as saved). Its "Yes" (with ``confirm``) approves, if nobody has changed the minutes since."""
    meeting, minutes = _minutes_for_change(request, pk)
    if request.method != "POST":
        if not services.may_approve_minutes(request.user, meeting.family) or minutes.is_approved \
                or not services.minutes_can_be_approved(meeting):
            return redirect("meetings:minutes", meeting.pk)
        return _approve_page(request, meeting, minutes)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something in the request was wrong. Reload the page and try again."))
        return redirect("meetings:minutes", meeting.pk)
    version = form.cleaned_data["version"]
    confirmed = request.POST.get("confirm") == "1"
    text = None if confirmed else request.POST.get("text", "")
    if not services.may_approve_minutes(request.user, meeting.family):
        messages.error(request, _("Only the family's barnekoordinator approves the minutes."))
        return redirect("meetings:minutes", meeting.pk)
    if not services.minutes_can_be_approved(meeting):
        messages.error(request, _("The meeting has not started yet. Minutes can be approved after the meeting."))
        return redirect("meetings:minutes", meeting.pk)
    if text is not None and (version != minutes.version or not services.same_text(text, minutes.text)):
        data = request.POST.copy()
        data["version"] = str(version)
        notes = MinutesForm(data)
        notes.is_valid()
        notes.add_error(None, _("Some of the notes are not saved yet, so the minutes were not approved. Save the "
                                "notes, then approve."))
        return _render_minutes(request, meeting, minutes, status=409, minutes_form=notes,
                               save_state="unsaved")
    if not confirmed:
        return _approve_page(request, meeting, minutes)
    return act(request, lambda: services.approve_minutes(minutes, by=request.user, version=version),
               success=reverse("meetings:detail", args=[meeting.pk]),
               failure=reverse("meetings:minutes", args=[meeting.pk]),
               message=_("The minutes are approved. The family can read them now."))


# --- follow-up ------------------------------------------------------------------------------------

@access("family_list")
@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Each person's actions across families (only families the policy lets them see now)."""
    user = request.user
    record_list_view(request, "meeting_actions_of_owner")
    today = timezone.localdate()
    open_actions = list(selectors.my_actions(user))
    return render(request, "meetings/my_actions.html", {
        "open_actions": open_actions,
        "overdue_count": sum(1 for a in open_actions if a.due_date < today),
        "done_actions": list(selectors.my_actions(user, status=ActionStatus.DONE,
                                                  done_since=timezone.now() - timedelta(days=30))[:50]),
        "overdue_elsewhere": list(selectors.overdue_in_my_families(user)[:100]),
        "today": today,
    })


@access("family")
@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or the coordinator) marks an action done; the policy lets owners change what they own."""
    action = authorized_object(request, AccessAction.CHANGE, Action.objects.select_related("family"), pk=pk)
    if request.POST.get("reopen"):
        services.reopen_action(action, by=request.user)
        messages.info(request, _("The action “%(title)s” is open again.") % {"title": action.title})
    else:
        services.mark_action_done(action, by=request.user)
        messages.success(request, _("Well done: “%(title)s” is marked as done.") % {"title": action.title})
    return redirect(_safe_next(request, reverse("meetings:my_actions")))


# --- contact between meetings ---------------------------------------------------------------------

def _contact_rights(request: HttpRequest, family: Family) -> tuple[bool, bool, bool]:
    """(may write entries, may write and read entries kept from the family, is the family side)."""
    decision = authorize(request, AccessAction.VIEW, family, Category.MESSAGES)
    family_side = selectors.is_family_side(decision)
    private = can(request.user, AccessAction.VIEW, family, Category.WORKING_NOTES)
    may_write = not family_side and can(request.user, AccessAction.CHANGE, family, Category.MESSAGES)
    return may_write, private and not family_side, family_side


@access("family")
@login_required
def contact_log(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Calls and conversations between meetings: date, with whom, what was agreed and the follow-up. The family
    reads the entries shared with them; the coordinator writes them."""
    family = family_or_404(family_pk)
    may_write, private, family_side = _contact_rights(request, family)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    form = ContactForm(request.POST if request.method == "POST" else None, may_keep_private=private,
                       initial={"happened_on": timezone.localdate()}) if may_write else None

    def page(status: int = 200) -> HttpResponse:
        return render(request, "meetings/contact_log.html", {
            "family": family, "form": form, "entries": selectors.contact_log(family, include_private=private),
            "family_side": family_side, "private": private, "today": timezone.localdate(),
        }, status=status)

    if form is None:
        return page()

    def save() -> ContactEntry:
        data = form.cleaned_data
        authorize(request, AccessAction.CHANGE, family,
                  Category.MESSAGES if data["shared_with_family"] else Category.WORKING_NOTES)
        return services.log_contact(family, by=request.user, happened_on=data["happened_on"], kind=data["kind"],
                                    with_whom=data["with_whom"], agreed=data["agreed"], follow_up=data["follow_up"],
                                    follow_up_due=data["follow_up_due"], shared_with_family=data["shared_with_family"])

    return form_action(request, form, save,
                       success=reverse("meetings:contact_log", args=[family.pk]) + "#log-heading",
                       message=_("The contact is written down."), page=page)


@access("family")
@login_required
@require_POST
def contact_followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ContactEntry.objects.select_related("family"), pk=pk)
    decision = authorize(request, AccessAction.CHANGE, entry)
    if selectors.is_family_side(decision):
        raise PermissionDenied
    undo = bool(request.POST.get("undo"))
    return act(request, lambda: services.mark_followed_up(entry, by=request.user, undo=undo),
               success=_safe_next(request, reverse("meetings:contact_log", args=[entry.family_id])),
               message=_("The follow-up is open again.") if undo else _("The follow-up is marked as done."))


# --- calendar subscription ------------------------------------------------------------------------

@access("authenticated")
@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Make or revoke the secret address of the user's own calendar feed."""
    new_url = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = get_object_or_404(CalendarToken, pk=request.POST["revoke"], user=request.user)
            services.revoke_calendar_token(token, by=request.user)
            messages.success(request, _("The calendar address is revoked. Calendars using it get nothing more."))
            return redirect("meetings:calendar")
        _token, raw = services.create_calendar_token(request.user)
        new_url = request.build_absolute_uri(reverse("meetings:feed", args=[raw]))
    tokens = CalendarToken.objects.filter(user=request.user)
    return render(request, "meetings/calendar.html", {"tokens": tokens, "new_url": new_url})


@access("public")
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed. The secret token is the credential (calendar programs cannot log in);
    it holds only the owner's own meetings the access policy still allows, and every family whose
    meetings are included is written to the audit log."""
    found = selectors.active_token(token)
    if found is None:
        raise Http404
    user: User = found.user
    meetings, decisions = selectors.feed_meetings(user)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE), \
            disclosure.disclosing_to(user, disclosure.Viewer(user, strict=settings.LOS_DISCLOSURE_STRICT)) as viewer:
        content = ical.feed(meetings, name=_("Meetings in Los"),
                            url_for=lambda m: request.build_absolute_uri(reverse("meetings:detail", args=[m.pk])))
    for family_id, decision in decisions.items():
        municipality_id = next(m.municipality_id for m in meetings if m.family_id == family_id)
        audit.record(actor=user, action=AuditAction.VIEW, object_type="CalendarFeed", object_id=found.pk,
                     municipality_id=municipality_id, family_id=family_id, category=Category.MEETINGS,
                     categories=viewer.shown.get(family_id, ()),
                     reason=f"calendar feed: {decision.reason}", role=decision.role, service=decision.service)
        # no request: its path holds the secret token, which must not end up in the log
    CalendarToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    response = HttpResponse(content, content_type=ical.CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
