"""On log-in, tell a guardian that a request from the public form sent in their name waits for them."""

from __future__ import annotations

from django.contrib import messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


def tell_about_pending_public_requests(sender, request, user, **kwargs) -> None:
    from los.referrals.services import pending_public_requests

    if request is None or not pending_public_requests(user):
        return
    messages.info(request, format_html(
        '{} <a class="ds-link" href="{}">{}</a>',
        _("A request for a barnekoordinator sent in your name on the public form is waiting for you to confirm it."),
        reverse("referrals:confirm_public"), _("Confirm or decline the request")), fail_silently=True)
