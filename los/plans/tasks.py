"""Background work for the individual plan (Django's tasks framework).

The reminder e-mail never carries the family's information: it says only that something is waiting in
Los. The access policy is asked again when the task runs, so that a consent withdrawn in the meantime
stops the e-mail. Each owner gets at most one reminder a week.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from los.access.policy import Action, can
from los.accounts.models import User
from los.plans import selectors
from los.plans.models import Measure

REMIND_EVERY_DAYS = 7


def _send(user: User) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Something is waiting for you in Los")
        body = (_("You have something waiting for you in Los. Log in and look at “My measures”.") + "\n\n"
                + _("This e-mail was sent by Los. Do not reply to it."))
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


@task
def send_overdue_measure_reminders() -> int:
    """E-mail each owner of overdue measures (at most once a week). Returns the number of e-mails sent."""
    today = timezone.localdate()
    due = (selectors.overdue_measures(today).filter(owner_person__isnull=False, owner_person__is_active=True)
           .exclude(owner_person__email="")
           .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=today - timedelta(days=REMIND_EVERY_DAYS)))
           .select_related("owner_person", "family"))
    by_owner: dict[int, list[Measure]] = {}
    for measure in due:
        by_owner.setdefault(measure.owner_person_id, []).append(measure)
    sent = 0
    for measures in by_owner.values():
        owner = measures[0].owner_person
        allowed = [m.pk for m in measures if can(owner, Action.VIEW, m)]
        if not allowed:
            continue
        _send(owner)
        Measure.objects.filter(pk__in=allowed).update(last_reminded_on=today)
        sent += 1
    return sent
