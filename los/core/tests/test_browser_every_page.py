"""Every page each role of the demo can reach works on a 320 px screen and for everyone (issue 21, point 6).

The demo municipality is built, and for each role — a guardian, the barnekoordinator, a caseworker, the unit's
leader, the municipal leader and a service contact — the browser logs in and follows the links the person is
shown, from the start page, within the site, GET only, breadth first (``los.core.tests.crawl``; log-out, language
switch, downloads and the API are left alone). Every URL pattern a role can reach is visited at least once. On
every page, at 320 px wide:

- nothing scrolls sideways (WCAG 1.4.10, reflow);
- no link the person is shown ends in a refusal (403) or another error: nobody is shown a link they cannot open;
- once per URL pattern, axe-core finds no WCAG 2.1 A/AA violation, in bokmål, nynorsk and English (the same
  address opened as the same user in a browser asking for each language).
"""

from __future__ import annotations

from time import perf_counter

import pytest
from django.utils import timezone

from los.core.tests.browser import axe_violations
from los.core.tests.crawl import OVERFLOW, crawl

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The demo's log-ins, one for each role (the demo password is printed when the demo starts).
ROLES = {
    "guardian": "forelder",
    "barnekoordinator": "koordinator",
    "caseworker": "saksbehandler",
    "unit_leader": "leder",
    "municipal_leader": "kommunalsjef",
    "service_contact": "kontakt.skole",
}
LANGUAGES = ("nb", "nn", "en")
WIDTH = 320
#: Pages per role at most: enough for every pattern the busiest role reaches and a second page of most.
MAX_PAGES = 130


def _context(browser, language: str):
    return browser.new_context(viewport={"width": WIDTH, "height": 740}, locale=language,
                               extra_http_headers={"Accept-Language": language})


def _log_in(page, base: str, username: str) -> None:
    from los.core.demo.seed import DEMO_PASSWORD

    page.goto(f"{base}/konto/logg-inn/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/konto/logg-inn/" not in page.url, f"{username} could not log in"


def test_every_page_each_role_reaches_fits_320_px_opens_and_passes_axe_in_three_languages(live_server, browser,
                                                                                           settings):
    from los.core.demo.seed import build

    settings.LOS_REQUIRE_STAFF_OTP = False
    started = perf_counter()
    build("demo", seed=7, today=timezone.localdate())
    report = [f"demo built in {perf_counter() - started:.0f} s"]
    base = live_server.url
    failures: list[str] = []
    checked_patterns: set[str] = set()
    patterns_in_all: set[str] = set()

    for role, username in ROLES.items():
        started = perf_counter()
        contexts = {language: _context(browser, language) for language in LANGUAGES}
        try:
            page = contexts["nb"].new_page()
            page.set_default_timeout(15_000)
            _log_in(page, base, username)
            session = [c for c in contexts["nb"].cookies() if c["name"] != settings.LANGUAGE_COOKIE_NAME]
            others = {}
            for language in LANGUAGES[1:]:
                contexts[language].add_cookies(session)
                others[language] = contexts[language].new_page()
                others[language].set_default_timeout(15_000)

            def check(page, visit, role=role, others=others):
                if visit.pattern in checked_patterns:
                    return
                checked_patterns.add(visit.pattern)
                where = f"{role} {visit.url} ({visit.pattern})"
                if page.get_attribute("html", "lang") != "nb":
                    failures.append(f"{where}: the page is not in bokmål")
                violations = axe_violations(page)
                if violations:
                    failures.append(f"{where} nb: {violations}")
                for language, other in others.items():
                    response = other.goto(base + visit.url)
                    if response is None or response.status != visit.status:
                        failures.append(f"{where} {language}: answers {response.status if response else None}")
                        continue
                    if other.get_attribute("html", "lang") != language:
                        failures.append(f"{where}: the page is not in {language}")
                    overflow = other.evaluate(OVERFLOW)
                    if overflow["scroll"] > overflow["client"]:
                        failures.append(f"{where} {language} scrolls sideways: {overflow}")
                    violations = axe_violations(other)
                    if violations:
                        failures.append(f"{where} {language}: {violations}")

            result = crawl(page, base, start="/", max_pages=MAX_PAGES, per_pattern=2, on_page=check)
        finally:
            for context in contexts.values():
                context.close()
        patterns = {v.pattern for v in result.visits}
        patterns_in_all |= patterns
        report.extend(f"  {v.status} {v.pattern} {v.url}" for v in result.visits)
        report.append(f"{role}: {len(result.visits)} pages, {len(patterns)} URL patterns, "
                      f"{result.left_out} links not followed, {perf_counter() - started:.0f} s")
        failures.extend(f"{role}: {failure}" for failure in result.failures())
        if result.unvisited_patterns:
            failures.append(f"{role}: patterns linked but not visited (raise MAX_PAGES): {result.unvisited_patterns}")
        # a real walk: each role reaches more than its start page
        if len(patterns) < 3:
            failures.append(f"{role}: reached only {sorted(patterns)}")
    print("\n".join([*report, f"{len(patterns_in_all)} URL patterns in all, each checked with axe in nb, nn, en"]))
    assert failures == [], "\n".join(failures)
