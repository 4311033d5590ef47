"""The navigation of a family's pages, for whoever looks at them.

The family (a guardian, or a young person from 16 with their own log-in) gets its own light navigation: home,
messages, plan, meetings, services, and the rest behind "More" on a phone; never the staff's tabs. Staff get the
case's tabs. Either way a tab is shown only when the access policy lets the person open its page (the category
the page asks for), so that nobody is shown a link that ends in "no access".
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from los.access.models import Category
from los.access.policy import Action, decide
from los.families.models import Family

#: The bases of the policy's decision that make a person part of the family's own side.
FAMILY_SIDE_BASES = frozenset({"guardian", "young_person"})


@dataclass(frozen=True)
class Tab:
    url_name: str
    label: Promise
    category: str
    more: bool = False  # the family's side: behind "More" on a small screen


STAFF_TABS: tuple[Tab, ...] = (
    Tab("families:detail", _("Overview"), Category.CASE),
    Tab("referrals:family_case", _("Request and decision"), Category.REFERRAL),
    Tab("plans:family_plan", _("Individual plan"), Category.PLAN),
    Tab("meetings:family_meetings", _("Meetings and actions"), Category.MEETINGS),
    Tab("servicemap:family_map", _("Services and applications"), Category.SERVICES),
    Tab("navigator:family", _("Rights and benefits"), Category.HEALTH),
    Tab("carediary:diary", _("Care diary"), Category.HEALTH),
    Tab("portal:messages", _("Messages"), Category.MESSAGES),
    Tab("portal:story", _("The family’s story"), Category.STORY),
    Tab("portal:needs", _("Siblings and carers"), Category.STORY),
    Tab("transitions:family", _("Transitions"), Category.PLAN),
    Tab("transitions:timeline", _("Timeline"), Category.CASE),
    Tab("access:family_consents", _("Consents"), Category.CONSENTS),
    Tab("archive:family_journal", _("Archive"), Category.REFERRAL),
    Tab("access:family_access_log", _("Who has looked"), Category.ACCESS_LOG),
)

FAMILY_TABS: tuple[Tab, ...] = (
    Tab("portal:overview", pgettext_lazy("the family's start page", "Home"), Category.CASE),
    Tab("portal:messages", _("Messages"), Category.MESSAGES),
    Tab("plans:family_plan", pgettext_lazy("the individual plan, short", "Plan"), Category.PLAN),
    Tab("meetings:family_meetings", _("Meetings"), Category.MEETINGS),
    Tab("servicemap:family_map", _("Services"), Category.SERVICES),
    Tab("navigator:family", _("Rights and benefits"), Category.HEALTH, more=True),
    Tab("carediary:diary", _("Care diary"), Category.HEALTH, more=True),
    Tab("portal:story", _("Our story"), Category.STORY, more=True),
    Tab("portal:needs", _("Siblings and carers"), Category.STORY, more=True),
    Tab("transitions:family", _("Transitions"), Category.PLAN, more=True),
    Tab("transitions:timeline", _("Timeline"), Category.CASE, more=True),
    Tab("referrals:family_case", _("Request and decision"), Category.REFERRAL, more=True),
    Tab("access:family_consents", _("Who may see what"), Category.CONSENTS, more=True),
    Tab("access:family_access_log", _("Who has looked at our data"), Category.ACCESS_LOG, more=True),
    Tab("archive:family_journal", _("Archive"), Category.REFERRAL, more=True),
)


@dataclass
class Link:
    label: str
    url: str
    current: str = ""  # "page" on the page itself, "true" elsewhere in its section, "" otherwise
    more: bool = False
    count: int = 0  # new messages


@dataclass
class FamilyLayout:
    """What a family's page shows around its content for the person looking at it."""

    family_side: bool
    links: list[Link] = field(default_factory=list)

    @property
    def primary(self) -> list[Link]:
        return [link for link in self.links if not link.more]

    @property
    def more(self) -> list[Link]:
        return [link for link in self.links if link.more]

    @property
    def more_is_current(self) -> bool:
        return any(link.current for link in self.more)


def _url(url_name: str, family: Family) -> str | None:
    try:
        return reverse(url_name, args=[family.pk])
    except NoReverseMatch:  # an app that is not installed
        return None


def _unread(family: Family, user) -> int:
    try:
        selectors = importlib.import_module("los.portal.selectors")
    except ImportError:
        return 0
    return selectors.unread_count(family, user)


def _mark_current(links: list[tuple[Tab, Link]], path: str, namespace: str) -> None:
    namespaces = [tab.url_name.split(":")[0] for tab, _link in links]
    exact = [link for _tab, link in links if link.url == path]
    for link in exact:
        link.current = "page"
    if exact:
        return
    # a page inside a section (a meeting, a service on the map): its tab, when one tab owns the app
    for tab, link in links:
        app = tab.url_name.split(":")[0]
        if app == namespace and namespaces.count(app) == 1:
            link.current = "true"


def family_layout(request, family: Family) -> FamilyLayout:
    """The layout of ``family``'s pages for the request's user, worked out once per request and family."""
    cache = request.__dict__.setdefault("_los_family_layout", {})
    if family.pk in cache:
        return cache[family.pk]
    user = request.user
    base = decide(user, Action.VIEW, family)
    family_side = base.allowed and base.basis in FAMILY_SIDE_BASES
    links: list[tuple[Tab, Link]] = []
    # one question to the policy per category (several tabs share one; the family's own category is CASE)
    allowed: dict[str, bool] = {Category.CASE: base.allowed}
    for tab in FAMILY_TABS if family_side else STAFF_TABS:
        url = _url(tab.url_name, family)
        if url is None:
            continue
        if tab.category not in allowed:
            allowed[tab.category] = decide(user, Action.VIEW, family, tab.category).allowed
        if not allowed[tab.category]:
            continue
        link = Link(label=str(tab.label), url=url, more=tab.more)
        if family_side and tab.url_name == "portal:messages":
            link.count = _unread(family, user)
        links.append((tab, link))
    match = getattr(request, "resolver_match", None)
    _mark_current(links, request.path, match.namespace if match else "")
    layout = FamilyLayout(family_side=family_side, links=[link for _tab, link in links])
    cache[family.pk] = layout
    return layout


def is_family_side(user, family: Family) -> bool:
    """True when ``user`` looks at ``family`` as part of it (a guardian, or the young person from 16)."""
    decision = decide(user, Action.VIEW, family)
    return decision.allowed and decision.basis in FAMILY_SIDE_BASES
