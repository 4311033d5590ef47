"""``manage.py navigator --profile PROFILE.json --format json|text [--as-of YYYY-MM-DD] [--lang nb|nn|en]``

Prints the navigator's answer for one family situation profile (the contract is ../shared/navigator/README.md,
beside the repository). Needs no database. Exit codes: 0 success; 2 bad input (missing or unreadable file, bad
JSON, a profile that does not match the schema, a bad date or language) with one line on stderr; 1 an
internal error (a broken catalogue), also one line. Never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from los.navigator.engine import ProfileError, Result, evaluate, load_catalog, profile_language
from los.navigator.rules import RuleError
from los.navigator.texts import TextContext

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class InputError(Exception):
    """Bad input from the command line; the message is the one line shown on stderr."""


class Command(BaseCommand):
    help = "List the rights, services, benefits and organisations that may apply to a family profile."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", required=True, help="path to the family situation profile (JSON)")
        parser.add_argument("--format", choices=["json", "text"], default="json", help="output format")
        parser.add_argument("--as-of", dest="as_of", default=None, help="evaluate the rules in force on YYYY-MM-DD")
        parser.add_argument("--lang", default=None, help="nb, nn or en (default: the profile's family.language)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            profile = _read_profile(options["profile"])
            as_of = _parse_date(options["as_of"])
            lang = options["lang"] or profile_language(profile if isinstance(profile, dict) else {})
            if lang not in ("nb", "nn", "en"):
                raise InputError(f"invalid --lang {lang!r}: use nb, nn or en")
            result = evaluate(profile, as_of=as_of, lang=lang)
        except (InputError, ProfileError) as exc:
            self._fail(str(exc), EXIT_BAD_INPUT)
        except RuleError as exc:
            self._fail(f"navigator catalogue error: {exc}", EXIT_INTERNAL)
        except Exception as exc:  # noqa: BLE001 - the contract forbids tracebacks
            self._fail(f"navigator failed: {exc.__class__.__name__}: {exc}", EXIT_INTERNAL)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(result, profile))

    def _fail(self, message: str, code: int) -> None:
        self.stderr.write(" ".join(message.split()), style_func=lambda text: text)
        sys.exit(code)


def _read_profile(path_text: str) -> Any:
    path = Path(path_text)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"profile file not found: {path_text}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read profile file {path_text}: {exc}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"profile is not valid JSON: {path_text} line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid --as-of {text!r}: use YYYY-MM-DD") from None


def render_text(result: Result, profile: dict[str, Any]) -> str:
    """A readable list for a family or a coordinator, in the result's language."""
    catalog = load_catalog()
    ctx = TextContext(profile, result.lang, catalog.vocabulary, result.as_of)

    def label(key: str) -> str:
        return ctx.render(ctx.word("labels", key), {"as_of": ctx.format_date(result.as_of)})

    lines = [label("header"), label("disclaimer"), ""]
    for relevance in ("likely", "possible", "in_place"):
        group = [s for s in result.suggestions if s.relevance == relevance]
        if not group:
            continue
        lines.append(f"== {label(relevance)} ({len(group)}) ==")
        for s in group:
            lines.append(f"* {s.name} [{s.id}]")
            if s.summary:
                lines.append(f"  {s.summary}")
            lines.append(f"  {label('why')}:")
            lines.extend(f"    - {reason}" for reason in s.reasons)
            lines.append(f"  {label('provider')}: {s.provider}")
            lines.append(f"  {label('legal_basis')}: {'; '.join(s.legal_basis)}")
            lines.append(f"  {label('how_to_apply')}: {s.how_to_apply}")
            lines.append(f"  {label('deadline_note')}: {s.deadline_note}")
            if s.rates:
                lines.append(f"  {s.rates}")
            lines.append("")
    lines.append(f"== {label('not_applicable')} ({len(result.not_applicable)}) ==")
    for n in result.not_applicable:
        lines.append(f"* {n.name} [{n.id}]: {' '.join(n.reasons)}")
    lines.append("")
    lines.append(f"catalog {result.catalog_version}")
    return "\n".join(lines)
