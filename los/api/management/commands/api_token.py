"""``manage.py api_token create|list|revoke``: API tokens for system integrations.

    manage.py api_token create --name "Fagsystem" --user integrasjon --municipality 4601 \
        --scope families:read --scope plans:read [--expires 2026-12-31]
    manage.py api_token list [--municipality 4601]
    manage.py api_token revoke KEY_ID

The token text is printed once by ``create``; only a digest is stored. Making and revoking a token are written
to the audit log of the token's municipality, naming the command line and the operating system's user.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from los.api.models import ApiToken, Scope
from los.api.services import create_token, revoke_token
from los.core.management.operator import OperatorCommand


class Command(OperatorCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token (its text is shown once)")
        create.add_argument("--name", required=True)
        create.add_argument("--user", required=True, help="user name of the user the token acts as")
        create.add_argument("--municipality", required=True, help="municipality number or name")
        create.add_argument("--scope", action="append", required=True, choices=Scope.values, dest="scopes")
        create.add_argument("--expires", help="last day the token works (YYYY-MM-DD)")
        listing = sub.add_parser("list", help="list tokens")
        listing.add_argument("--municipality")
        revoke = sub.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("key_id")

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        expires = None
        if options["expires"]:
            try:
                day = date.fromisoformat(options["expires"])
            except ValueError:
                raise CommandError("use --expires YYYY-MM-DD") from None
            expires = timezone.make_aware(datetime.combine(day, time.max))
        try:
            token, text = create_token(name=options["name"], user=user,
                                       municipality=self._municipality(options["municipality"]),
                                       scopes=options["scopes"], expires_at=expires, via=self.via)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Token {token.key_id} ({token.name}) for {user.username} in {token.municipality.name}, "
                          f"scopes {', '.join(token.scopes)}.")
        self.stdout.write("The token is shown only now; store it safely:")
        self.stdout.write(text)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user", "municipality")
        if options["municipality"]:
            tokens = tokens.filter(municipality=self._municipality(options["municipality"]))
        for t in tokens:
            state = "revoked" if t.revoked_at else ("expired" if not t.is_usable() else "active")
            self.stdout.write(f"{t.key_id}\t{t.name}\t{t.user.username}\t{t.municipality.name}\t{state}\t"
                              f"{','.join(t.scopes)}\tlast used {t.last_used_at or '-'}")

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(key_id=options["key_id"]).first()
        if token is None:
            raise CommandError(f"no token {options['key_id']!r}")
        revoke_token(token, via=self.via)
        self.stdout.write(f"Token {token.key_id} ({token.name}) revoked.")
