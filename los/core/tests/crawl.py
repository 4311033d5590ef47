"""Walk every page a user can reach by following links, the way a person would: from the start page, within
the site, GET only, breadth first, to a bounded depth and count. Used by the browser test that checks every
page each role of the demo can reach (no sideways scrolling at 320 px, no link that ends in a refusal, axe-core
in every language) and, by hand, against a running demo (``python -m los.core.tests.crawl --help``)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

#: Route names whose answer is a file (PDF, zip, calendar, CSV, a document), not a page: the crawl asks for their
#: status only.
FILE_ROUTES = frozenset({
    "portal:download", "portal:attachment", "meetings:ics", "meetings:feed", "referrals:letter", "plans:plan_pdf",
    "transitions:handover_pdf", "transitions:move_export", "transitions:move_paper", "archive:document",
    "archive:deposit_file", "servicemap:document_download", "stats:unit_download", "stats:municipal_download",
    "stats:export_download", "core:ping",
})
#: Addresses the crawl leaves alone: the API and its documentation (not pages of the product), the static files,
#: the language switch and the log-out (both POST), and Django's admin (its own pages; checked elsewhere).
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/i18n/", "/konto/logg-ut/", "/admin/")

#: The page's width and the width of what it holds; anything wider than the screen scrolls sideways (WCAG 1.4.10).
OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
        wide.push((el.tagName + '.' + [...el.classList].join('.') + '#' + el.id).slice(0, 80));
        if (wide.length > 4) break;
      }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
}"""
LINKS = """() => [...document.querySelectorAll('a[href]')].filter(a => !a.hasAttribute('download'))
  .map(a => a.getAttribute('href'))"""


@dataclass
class Visit:
    url: str
    route: str  # the view's name (app:name)
    pattern: str  # the URL pattern (``resolve(path).route``): its pages are built by one view and template
    status: int
    found_on: str
    depth: int
    overflow: dict | None = None
    title: str = ""


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    left_out: int = 0  # links not followed because their pattern was already visited often enough or the cap was hit
    unvisited_patterns: list[str] = field(default_factory=list)  # patterns linked but never visited (the cap was hit)

    def failures(self) -> list[str]:
        out = []
        for v in self.visits:
            if v.status >= 400:
                out.append(f"{v.url} answers {v.status} (linked from {v.found_on})")
            elif v.overflow and v.overflow["scroll"] > v.overflow["client"]:
                out.append(f"{v.url} scrolls sideways: {v.overflow}")
        return out


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def pattern_of(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return "?"


def _local(base: str, current: str, href: str) -> str | None:
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    absolute, _fragment = urldefrag(urljoin(current, href))
    parts, home = urlsplit(absolute), urlsplit(base)
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(page, base: str, *, start: str = "/", max_depth: int = 6, max_pages: int = 200, per_pattern: int = 2,
          on_page=None) -> Crawl:
    """Follow the links ``page``'s user sees, breadth first, from ``start``. A link to a URL pattern not yet
    visited goes before any link to a pattern already seen, so every pattern reachable is visited once before
    any is visited again; each pattern is visited at most ``per_pattern`` times (the second family's plan looks
    like the first's), and ``max_pages`` pages in all. ``on_page(page, visit)`` is called on every page that is
    shown (HTML). ``Crawl.left_out`` counts the links not followed."""
    result = Crawl()
    fresh: deque[tuple[str, int, str]] = deque([(start, 0, "")])
    again: deque[tuple[str, int, str]] = deque()
    seen: set[str] = {start}
    per: dict[str, int] = {}
    while (fresh or again) and len(result.visits) < max_pages:
        path, depth, found_on = fresh.popleft() if fresh else again.popleft()
        pattern = pattern_of(path.split("?")[0])
        if per.get(pattern, 0) >= per_pattern:
            result.left_out += 1
            continue
        if per.get(pattern, 0) and fresh:  # a pattern already seen waits until every new one has had its turn
            again.append((path, depth, found_on))
            continue
        per[pattern] = per.get(pattern, 0) + 1
        route = route_of(path.split("?")[0]) or "?"
        if route in FILE_ROUTES:
            response = page.request.get(base + path, max_redirects=0)
            result.visits.append(Visit(path, route, pattern, response.status, found_on, depth))
            continue
        response = page.goto(base + path)
        status = response.status if response else 0
        html = "text/html" in ((response.headers.get("content-type") or "") if response else "")
        visit = Visit(path, route, pattern, status, found_on, depth,
                      overflow=page.evaluate(OVERFLOW) if html else None, title=page.title() if html else "")
        result.visits.append(visit)
        if not html:
            continue
        if on_page is not None and status < 400:
            on_page(page, visit)
        if depth >= max_depth or status >= 400:
            continue
        current = page.url
        for href in page.evaluate(LINKS):
            target = _local(base, current, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            (again if per.get(pattern_of(target.split("?")[0]), 0) else fresh).append((target, depth + 1, path))
    result.left_out += len(fresh) + len(again)
    result.unvisited_patterns = sorted({pattern_of(p.split("?")[0]) for p, _d, _f in fresh} - set(per))
    return result


def main() -> None:  # pragma: no cover - a tool for a person, against a running demo
    import argparse
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from playwright.sync_api import sync_playwright

    from los.core.tests.browser import CHROMIUM, CHROMIUM_ARGS, axe_violations

    parser = argparse.ArgumentParser(description="Crawl a running demo as a user and report dead links, "
                                                 "sideways scrolling and axe-core violations.")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", action="append", required=True)
    parser.add_argument("--password", default="los-demo-2026")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--language", default="nb")
    parser.add_argument("--max-pages", type=int, default=80)
    parser.add_argument("--axe", action="store_true")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for user in args.user:
            context = browser.new_context(viewport={"width": args.width, "height": 740}, locale=args.language,
                                          extra_http_headers={"Accept-Language": args.language})
            page = context.new_page()
            page.goto(f"{args.base}/konto/logg-inn/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", args.password)
            page.click("main button[type=submit]")
            page.wait_for_load_state()

            def check(page, visit):
                if args.axe:
                    for v in axe_violations(page):
                        print(f"  AXE {visit.url}: {v}")

            result = crawl(page, args.base, max_pages=args.max_pages, on_page=check)
            print(f"== {user}: {len(result.visits)} pages, {result.left_out} links left out")
            for v in result.visits:
                print(f"  {v.status} {v.pattern:45} {v.url}  {v.overflow['scroll'] if v.overflow else ''}")
            for failure in result.failures():
                print("  FAIL", failure)
            context.close()
        browser.close()


if __name__ == "__main__":  # pragma: no cover
    main()
