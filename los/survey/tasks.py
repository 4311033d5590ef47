"""Background work of the questionnaire (Django's tasks framework).

``create_invitations_task`` asks every family whose moment has come (three months after the first barnekoordinator
was appointed, yearly, when the barnekoordinator ended), and tells the guardians (and a young person with an own
log-in) by e-mail that something is waiting in Los: never what. Run it daily (``manage.py survey_invitations
--enqueue`` from cron or a scheduler).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.survey import services


def notify(user_ids: set[int]) -> int:
    """The content-free e-mail: "you have something waiting in Los"."""
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Something is waiting for you in Los")
            body = (_("You have something waiting for you in Los. Log in to see it.") + "\n\n"
                    + _("This e-mail was sent by Los. Do not reply to it."))
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
        sent += 1
    return sent


def run(today: date | None = None, *, email: bool = True) -> tuple[int, int]:
    """Create the due invitations and e-mail the people invited. Returns (invitations, e-mails)."""
    invitations = services.create_due_invitations(today)
    sent = notify(services.recipients(invitations)) if email and invitations else 0
    return len(invitations), sent


@task
def create_invitations_task(today: str | None = None) -> int:
    """Invite the families whose moment has come (``today`` as YYYY-MM-DD, default: today). Returns how many
    invitations were made."""
    made, _sent = run(date.fromisoformat(today) if today else None)
    return made
