"""Background work for transitions (Django's tasks framework).

``open_transition_plans_task`` opens every transition plan that is due, and tells each responsible
barnekoordinator by e-mail that something is waiting in Los (never what: no names, no content).
Run it daily (``manage.py open_transition_plans --enqueue`` from cron or a scheduler).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from los.accounts.models import User
from los.transitions import services


def notify_owners(owner_ids: set[int]) -> int:
    sent = 0
    for user in User.objects.filter(pk__in=owner_ids, is_active=True).exclude(email=""):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Something is waiting for you in Los")
            body = (_("A transition plan has been opened in Los for a family you coordinate. Log in to see it.")
                    + "\n\n" + _("This e-mail was sent by Los. Do not reply to it."))
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
        sent += 1
    return sent


@task
def open_transition_plans_task(today: str | None = None) -> int:
    """Open the due transition plans (``today`` as YYYY-MM-DD, default: today). Returns how many were opened."""
    day = date.fromisoformat(today) if today else None
    plans = services.open_due_plans(day)
    notify_owners({p.owner_id for p in plans if p.owner_id})
    return len(plans)
