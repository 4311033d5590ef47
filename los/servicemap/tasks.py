"""Background work for the service map (Django's tasks framework).

- :func:`send_appeal_reminders`: reminders before an appeal deadline passes.
- :func:`send_renewal_reminders`: reminders well before a time-limited decision ends.
- :func:`send_content_free_emails`: the e-mail that goes with an in-app notification. It never says
  which family, service or decision it is about: only that something is waiting in Los.

``manage.py send_service_reminders`` enqueues the two reminder tasks (run it daily, e.g. from cron);
a worker (``manage.py db_worker``) runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from los.accounts.models import User


@task
def send_content_free_emails(user_ids: list[int]) -> int:
    """E-mail each user that something is waiting in Los, in their language. Returns mails sent."""
    sent = 0
    site = getattr(settings, "LOS_SITE_URL", "")
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Los: something new is waiting for you")
            body = _("Hello,\n\nThere is something new for you in Los. Log in to read it.\n\n"
                     "For your privacy this e-mail does not say what it is about.\n")
            if site:
                body += f"\n{site}\n"
            body += "\n" + _("This e-mail was sent automatically. Do not reply to it.") + "\n"
        sent += send_mail(subject, body, None, [user.email])
    return sent


def _remind(create: Callable[[date | None], list[int]], today: str | None) -> int:
    """Create the reminders for ``today`` (ISO 8601; None for today) and e-mail the people they are for."""
    user_ids = create(date.fromisoformat(today) if today else None)
    if user_ids:
        send_content_free_emails.call(user_ids)
    return len(user_ids)


@task
def send_appeal_reminders(today: str | None = None) -> int:
    """Create reminders for appeal deadlines that are near and e-mail the people concerned."""
    from los.servicemap.services import create_appeal_reminders

    return _remind(create_appeal_reminders, today)


@task
def send_renewal_reminders(today: str | None = None) -> int:
    """Create reminders for time-limited decisions that end soon and e-mail the people concerned."""
    from los.servicemap.services import create_renewal_reminders

    return _remind(create_renewal_reminders, today)
