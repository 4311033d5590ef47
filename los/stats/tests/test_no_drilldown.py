"""A leader never reaches a single family's page from the statistics: every link on the pages is followed
(two steps deep) and none leads to a family page, nor does any family page answer a municipal leader."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

pytestmark = pytest.mark.django_db

FAMILY_KWARGS = {"family_pk", "family_id"}
FAMILY_PAGES = ["families:detail", "referrals:family_case", "plans:family_plan", "meetings:family_meetings",
                "servicemap:family_map", "navigator:family", "access:family_consents"]


def _marker(func) -> str | None:
    for obj in (func, getattr(func, "view_class", None), getattr(func, "__wrapped__", None)):
        kind = getattr(obj, "los_access", None)
        if kind:
            return kind
    return None


def links(html: str) -> set[str]:
    found = set(re.findall(r'href="([^"#]+)', html)) | set(re.findall(r'action="([^"#]*)"', html))
    return {h.replace("&amp;", "&") for h in found if h.startswith("/") and not h.startswith("/static/")}


def is_family_url(path: str) -> bool:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return _marker(match.func) == "family" or bool(FAMILY_KWARGS & set(match.kwargs))


def crawl(client, start: list[str], depth: int = 2) -> dict[str, int]:
    """GET every page reachable from ``start`` within ``depth`` steps; {url: status}."""
    seen: dict[str, int] = {}
    frontier = list(start)
    for _step in range(depth + 1):
        following = []
        for url in frontier:
            if url in seen or urlsplit(url).path.startswith(("/konto/logg-ut", "/i18n/", "/admin/")):
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                following += sorted(links(response.content.decode()))
        frontier = following
    return seen


def test_no_link_on_the_statistics_leads_a_municipal_leader_to_a_family(client, stats_world):
    w = stats_world
    client.force_login(w.leader)
    start = [reverse("stats:dashboard"), reverse("stats:municipal"), reverse("stats:export"),
             reverse("stats:municipal") + "?fra=2024-01-01"]
    first = {link for url in start[1:] for link in links(client.get(url).content.decode())}
    assert first, "the pages have links"
    assert not [link for link in first if is_family_url(link)]
    visited = crawl(client, start)
    assert len(visited) > 5
    family_hits = {url: status for url, status in visited.items() if is_family_url(url)}
    assert all(status in (403, 404) for status in family_hits.values()), family_hits
    reached = [url for url, status in visited.items() if status == 200 and is_family_url(url)]
    assert reached == []


def test_the_municipal_statistics_link_to_no_family_even_for_the_unit_leader(client, stats_world):
    client.force_login(stats_world.unit_leader)
    for name in ("stats:municipal", "stats:export"):
        page = client.get(reverse(name)).content.decode()
        assert not [link for link in links(page) if is_family_url(link)]
        for family in (stats_world.f1, stats_world.f2, stats_world.f3):
            assert family.display_name not in page


@pytest.mark.parametrize("name", FAMILY_PAGES)
def test_family_pages_never_answer_a_municipal_leader(client, stats_world, name):
    w = stats_world
    client.force_login(w.leader)
    for family in (w.f1, w.f2, w.f3, w.f10, w.f11, w.queue[0]):
        response = client.get(reverse(name, args=[family.pk]))
        assert response.status_code in (403, 404)
        assert family.display_name.encode() not in response.content


def test_the_unit_lists_lead_the_unit_to_the_families(client, stats_world):
    """The drill-down exists where it should: for the coordinating unit, from its own lists."""
    w = stats_world
    client.force_login(w.unit_leader)
    page = client.get(reverse("stats:without_contact")).content.decode()
    family_links = [link for link in links(page) if is_family_url(link)]
    assert reverse("families:detail", args=[w.f3.pk]) in family_links
    assert client.get(reverse("families:detail", args=[w.f3.pk])).status_code == 200
