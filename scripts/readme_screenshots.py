"""Take the README's screenshots from a running demo (./scripts/demo) in headless Chromium.

    .venv/bin/python scripts/readme_screenshots.py [--base http://127.0.0.1:8000]

Writes PNG files to docs/screenshots/. Uses Debian's Chromium (/usr/bin/chromium); no downloads.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PASSWORD = "los-demo-2026"  # noqa: S105 - the demo's printed password
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

SHOTS = [
    # (user, language, width, path or link text to follow, file name)
    ("koordinator", "nb", 1280, "/", "coordinator-start-nb"),
    ("koordinator", "nb", 1280, "family:Familien Sæther", "family-overview-nb"),
    ("saksbehandler", "nn", 1280, "/", "unit-start-nn"),
    # the family's own home and the navigator on a 360 × 740 phone, in all three languages (a parent with one
    # family lands in its home straight from the log-in)
    ("forelder", "nb", 360, "/", "family-home-phone-nb"),
    ("forelder", "nn", 360, "/", "family-home-phone-nn"),
    ("forelder", "en", 360, "/", "family-home-phone-en"),
    ("forelder", "nb", 360, "navigator", "navigator-phone-nb"),
    ("forelder", "nn", 360, "navigator", "navigator-phone-nn"),
    ("forelder", "en", 360, "navigator", "navigator-phone-en"),
]
NAVIGATOR_LINK = {"nb": "Rettigheter og stønader", "nn": "Rettar og stønader", "en": "Rights and benefits"}
PHONE = 360  # a phone shot is one screen of 360 × 740


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--extra", nargs="*", default=[], help="more shots as user:lang:width:path:name")
    args = parser.parse_args()
    shots = SHOTS + [tuple(s.split(":", 4)) for s in args.extra]
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for user, language, width, target, name in shots:
            height = 740 if int(width) <= PHONE else 900
            context = browser.new_context(viewport={"width": int(width), "height": height}, locale=language)
            context.add_cookies([{"name": "los_language", "value": language, "url": args.base}])
            page = context.new_page()
            page.goto(f"{args.base}/konto/logg-inn/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state("networkidle")
            if target == "navigator":  # the family's rights and benefits, from the family's own navigation
                page.click("nav.los-famnav summary")
                page.click("nav.los-famnav >> text=" + NAVIGATOR_LINK[language])
            elif target.startswith("family:"):  # found with the header's search, as a coordinator finds a family
                family_name = target.split(":", 1)[1]
                page.fill("header input[name=q]", family_name)
                page.press("header input[name=q]", "Enter")
                page.wait_for_load_state("networkidle")
                page.click(f"main a:has-text('{family_name}')")
            elif target != "/":
                page.goto(args.base + target)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            print("wrote", OUT / f"{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
