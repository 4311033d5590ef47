"""Background tasks of the portal. The e-mail never carries the message: only that one is waiting."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from los.access.policy import Action, can
from los.accounts.models import User
from los.portal.models import Message


@task
def notify_message_waiting(message_id: int, recipient_ids: list[int]) -> int:
    """E-mail each recipient (who may still read the thread) that a message waits in Los."""
    message = Message.objects.select_related("family").filter(pk=message_id).first()
    if message is None:
        return 0
    sent = 0
    base = getattr(settings, "LOS_BASE_URL", "").rstrip("/")
    for user in User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email=""):
        if not can(user, Action.VIEW, message):
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("You have a new message in Los")
            body = _("You have a new message waiting in Los. Log in to read it:") + "\n" + base + reverse(
                "portal:messages", args=[message.family_id])
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
