"""``{% navigator_cards cards %}``: one group of the navigator's cards, rendered with Jinja2.

A family's navigator page shows some forty cards, and with the Django template engine they were a third of
the page's time; ``navigator/cards.html`` (in ``los/navigator/jinja2/``) is the same HTML written for Jinja2.
The labels are translated here, in the page's language, and handed to the template.
"""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace
from typing import Any

from django import template
from django.forms.renderers import Jinja2
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from markupsafe import Markup

from los.navigator.catalog import LOCAL_PREFIX

register = template.Library()

#: Django's Jinja2 engine with every app's ``jinja2/`` folder (autoescaping on); made on first use.
_JINJA2 = Jinja2()


#: The labels per language: they depend on nothing else, so they are translated once per process and language.
_LABELS: dict[str | None, SimpleNamespace] = {}


def _labels() -> SimpleNamespace:
    """The labels in the active language, as attributes (Jinja2 reads an attribute at once; a dictionary's key only
    after the attribute lookup has failed, which for some fifty labels on forty cards was a tenth of the page)."""
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = SimpleNamespace(**_translated_labels())
    return labels


def _translated_labels() -> dict[str, Any]:
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


#: The parts of a card the catalogue alone decides (see :func:`_part`), by language and text.
_PARTS: dict[tuple, Markup] = {}
_PART_LIMIT = 20000


def _part_key(name: str, card: Any) -> tuple:
    s = card.suggestion
    if name == "what":
        return (s.summary,)
    if name == "how":
        return (card.how_to_apply, s.attach, s.processing_time, s.appeal)
    return (s.name, s.who, s.who_decides, s.deadline_note, s.rates, tuple(s.legal_basis), tuple(card.source_links),
            card.checked_text)


def _part(labels: SimpleNamespace, language: str | None, name: str, card: Any) -> Markup:
    """A part of ``card`` written by ``navigator/card_<name>.html``: what it is, how to apply, or the facts (who,
    who decides, time limits, rates, legal basis, sources). These are the catalogue's texts in the page's language,
    the same on every family's page, so a national entry's part is rendered once per process for its texts (the
    key is the texts themselves, so that a changed catalogue or date gives a new part). A municipality's own entry
    is rendered each time."""
    local = card.id.startswith(LOCAL_PREFIX)
    key = None if local else (name, language, *_part_key(name, card))
    html = _PARTS.get(key) if key is not None else None
    if html is None:
        html = Markup(_JINJA2.get_template(f"navigator/card_{name}.html").template.render(  # noqa: S704 - Jinja2 escapes
            {"s": card.suggestion, "card": card, "t": labels}))
        if key is not None:
            if len(_PARTS) >= _PART_LIMIT:
                _PARTS.clear()
            _PARTS[key] = html
    return html


def _kit_base(context: template.Context, family: Any) -> str:
    """The application kit's URL without the catalogue id, when the viewer may see the family's services."""
    request = context.get("request")
    if family is None or request is None:
        return ""
    from los.access.policy import Action, Category, decide

    if not decide(request.user, Action.VIEW, family, Category.SERVICES).allowed:
        return ""
    return reverse("servicemap:kit", args=[family.pk, "x"])[:-2]


def _page_parts(context: template.Context) -> tuple[str, str, str]:
    """(where "we have applied" posts, the application kit's base URL, the CSRF field): the same for every card and
    section of a page, so made once per rendering of the template that lists the sections. Jinja2's own
    ``csrf_input`` is made again (a new masked token) wherever a template writes it: on every card's form."""
    key = "navigator_cards_parts"
    parts = context.render_context.get(key)
    if parts is None:
        family = context.get("family")
        request = context.get("request")
        parts = context.render_context[key] = (
            reverse("navigator:mark_applied", args=[family.pk]) if family is not None else "",
            _kit_base(context, family),
            csrf_input(request) if request is not None else "")
    return parts


@register.simple_tag(takes_context=True)
def navigator_cards(context: template.Context, cards: list) -> SafeString:
    """The ``<li>`` of each card. Uses ``family`` (the "we have applied" forms post to it) and ``request`` (the CSRF
    token) from the page's context; the Jinja2 template gets no ``request`` of its own."""
    apply_url, kit_base, csrf = _page_parts(context)
    labels = _labels()
    html = _JINJA2.get_template("navigator/cards.html").render({
        "cards": [(card, reverse("servicemap:entry_detail", args=[card.map_entry.pk]) if card.map_entry else "")
                  for card in cards],
        "t": labels,
        "apply_url": apply_url,
        "kit_base": kit_base,
        "csrf_input": csrf,
        "part": partial(_part, labels, get_language()),
    })
    return mark_safe(html)  # noqa: S308 - rendered by Jinja2 with autoescaping on
