"""Background tasks (Django's tasks framework): invitations, minutes notices and action reminders.

E-mails never carry the family's information: an invitation says that there is a meeting and
attaches the calendar file (time and place); a reminder says only that something waits in Los.
Every task asks the access policy again when it runs, so a consent withdrawn in the meantime stops
the e-mail.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from los.access.policy import Action as AccessAction
from los.access.policy import can
from los.accounts.models import User
from los.meetings import ical
from los.meetings.models import (
    Action,
    ActionStatus,
    Attendance,
    GroupMember,
    Meeting,
    MeetingStatus,
    MemberKind,
)


def _language(member: GroupMember, family_language: str) -> str:
    login_id = member.login_id
    if login_id:
        user = User.objects.filter(pk=login_id).only("preferred_language").first()
        if user and user.preferred_language:
            return user.preferred_language
    return family_language or settings.LANGUAGE_CODE


def _may_receive(member: GroupMember, meeting: Meeting) -> bool:
    """Staff and family members with a log-in get the e-mail only while the policy lets them see the
    meeting; family members without a log-in are the family itself."""
    login_id = member.login_id
    if login_id is None:
        return member.kind == MemberKind.FAMILY
    user = User.objects.filter(pk=login_id, is_active=True).first()
    return user is not None and can(user, AccessAction.VIEW, meeting)


@task
def send_meeting_invitations(meeting_id: int, member_ids: list[int] | None = None, cancel: bool = False) -> int:
    """E-mail an invitation, update or cancellation with the .ics attached to the participants
    (or to ``member_ids``). Returns the number of e-mails sent."""
    meeting = Meeting.objects.select_related("family").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    rows = Attendance.objects.filter(meeting=meeting).select_related(
        "member__family_member__user", "member__child__user", "member__user")
    rows = rows.filter(member_id__in=member_ids) if member_ids is not None else rows.filter(invited=True)
    shown = meeting
    if cancel and meeting.status != MeetingStatus.CANCELLED:
        shown = copy.copy(meeting)  # a cancellation for those no longer invited
        shown.status = MeetingStatus.CANCELLED
    sent = 0
    for row in rows:
        member = row.member
        address = member.email
        if not address or not _may_receive(member, meeting):
            continue
        with translation.override(_language(member, meeting.family.preferred_language)):
            if shown.status == MeetingStatus.CANCELLED:
                subject = _("Meeting cancelled – Los")
                body = _("A meeting you were invited to in Los has been cancelled. The attached calendar file "
                         "removes it from your calendar.")
            elif meeting.ical_sequence > 0:
                subject = _("Meeting changed – Los")
                body = _("A meeting you are invited to in Los has been changed. The attached calendar file "
                         "updates your calendar.")
            else:
                subject = _("Invitation to a meeting – Los")
                body = _("You are invited to a meeting. Time and place are in the attached calendar file. "
                         "Log in to Los to see the agenda and add what you want to talk about.")
            body += "\n\n" + _("This e-mail was sent by Los. Do not reply to it.")
            content = ical.invitation(shown, attendee_email=address)
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach(ical.filename(meeting), content,
                       f"text/calendar; method={ical.invitation_method(shown)}; charset=utf-8")
        message.send()
        sent += 1
    return sent


@task
def send_minutes_notice(meeting_id: int) -> int:
    """Tell the family members with a log-in that approved minutes wait in Los."""
    meeting = Meeting.objects.select_related("family").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    sent = 0
    members = GroupMember.objects.filter(family_id=meeting.family_id, kind=MemberKind.FAMILY, left__isnull=True)
    for member in members.select_related("family_member__user", "child__user"):
        if not member.login_id or not member.email or not _may_receive(member, meeting):
            continue
        with translation.override(_language(member, meeting.family.preferred_language)):
            message = EmailMessage(subject=_("Something new is waiting for you in Los"),
                                   body=_("There is something new for you in Los. Log in to read it.") + "\n\n"
                                   + _("This e-mail was sent by Los. Do not reply to it."),
                                   to=[member.email])
        message.send()
        sent += 1
    return sent


@task
def send_action_reminder(user_id: int, due_ids: list[int], overdue_ids: list[int]) -> bool:
    """One reminder e-mail to an action owner. It says only that something waits in Los."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    actions = Action.objects.filter(pk__in=[*due_ids, *overdue_ids], owner=user, status=ActionStatus.OPEN)
    if not any(can(user, AccessAction.VIEW, action) for action in actions.select_related("family")):
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Something is waiting for you in Los")
        body = _("You have something waiting for you in Los. Log in and look at “My actions”.") + "\n\n" + _(
            "This e-mail was sent by Los. Do not reply to it.")
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True
