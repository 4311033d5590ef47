"""``{% navigator_cards cards %}``: one group of the navigator's cards, rendered with Jinja2.

A family's navigator page shows some forty cards, and with the Django template engine they were a third of
the page's time; ``navigator/cards.html`` (in ``los/navigator/jinja2/``) is the same HTML written for Jinja2.
The labels are translated here, in the page's language, and handed to the template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms.renderers import Jinja2
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

#: Django's Jinja2 engine with every app's ``jinja2/`` folder (autoescaping on); made on first use.
_JINJA2 = Jinja2()


def _labels() -> dict[str, Any]:
    return {
        "groups": {"likely": gettext("Likely"), "possible": gettext("Possible"), "applied": gettext("Applied for"),
                   "in_place": gettext("Already in place")},
        "from_": gettext("From"),
        "on_map": gettext("On the service map"),
        "appeal_deadline": gettext("see the service map for the appeal deadline"),
        "what": gettext("What it is"),
        "why": gettext("Why we think so"),
        "settle": gettext("What would settle it"),
        "answer": gettext("Answer the questions"),
        "more": gettext("More and how to apply"),
        "carried": gettext("what you have answered is filled in for you"),
        "unit": gettext("The coordinating unit"),
        "phone": gettext("phone"),
        "how": gettext("How to apply"),
        "apply": gettext("Apply"),
        "attach": gettext("Attach"),
        "wait": gettext("Wait for the answer"),
        "disagree": gettext("If you disagree with the decision"),
        "who": gettext("Who can get it"),
        "who_decides": gettext("Who decides"),
        "time_limits": gettext("Time limits"),
        "rates": gettext("Rates"),
        "legal_basis": gettext("Legal basis"),
        "sources": gettext("Sources"),
        "last_checked": gettext("Last checked"),
        "date_sent": gettext("Date you sent the application"),
        "we_applied": gettext("We have applied"),
        "local_offer": gettext("The municipality’s own service"),
        "here_in": gettext("In %(municipality)s"),
        "here_apply": gettext("How to apply here"),
        "here_contact": gettext("Whom to contact"),
        "here_forms": gettext("Local forms"),
        "here_form_link": gettext("Open the municipality’s form"),
        "here_time": gettext("Expected processing time here"),
        "here_checked": gettext("Checked %(date)s by %(name)s"),
        "kit": gettext("The application kit: what to attach, what Los already has, and a draft"),
        "we_applied_help": gettext("Puts it on the family’s service map as applied for, so that the waiting time "
                                   "and the answer are followed up."),
    }


def _kit_base(context: template.Context, family: Any) -> str:
    """The application kit's URL without the catalogue id, when the viewer may see the family's services."""
    request = context.get("request")
    if family is None or request is None:
        return ""
    from los.access.policy import Action, Category, decide

    if not decide(request.user, Action.VIEW, family, Category.SERVICES).allowed:
        return ""
    return reverse("servicemap:kit", args=[family.pk, "x"])[:-2]


@register.simple_tag(takes_context=True)
def navigator_cards(context: template.Context, cards: list) -> SafeString:
    """The ``<li>`` of each card. Uses ``family`` (the "we have applied" forms post to it) and ``request`` (the CSRF
    token) from the page's context."""
    family = context.get("family")
    html = _JINJA2.get_template("navigator/cards.html").render({
        "cards": [(card, reverse("servicemap:entry_detail", args=[card.map_entry.pk]) if card.map_entry else "")
                  for card in cards],
        "t": _labels(),
        "apply_url": reverse("navigator:mark_applied", args=[family.pk]) if family is not None else "",
        "kit_base": _kit_base(context, family),
    }, context.get("request"))
    return mark_safe(html)  # noqa: S308 - rendered by Jinja2 with autoescaping on
