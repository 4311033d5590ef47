"""The demo's local OpenID Connect provider (``idp/server.mjs``): ``python manage.py test_idp env|run``.

``env --port P`` prints, as shell ``export`` lines, Los's configuration of both providers at
``http://127.0.0.1:P`` with fresh client secrets (``scripts/demo`` evaluates it). ``run --port P --los-url URL``
starts the provider with the clients of that environment, their redirect URIs on ``URL``, and the demo's synthetic
persons on its TestID page (the Sæther parents, and a parent Los does not know) and staff on the municipality's
page; it runs until it is stopped. Refused in production.
"""

from __future__ import annotations

import os
import shlex
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from los.accounts import testidp

DEMO_STAFF = ["koordinator", "koordinator2", "saksbehandler", "leder", "kontakt.skole", "kontakt.habu",
              "kommunalsjef", "admin"]


def demo_persons() -> list[dict]:
    from los.core.demo.seed import DEMO_FODSELSNUMMER, DEMO_NEW_PARENT_FODSELSNUMMER
    from los.families.models import FamilyMember

    persons = []
    for username, number in DEMO_FODSELSNUMMER.items():
        member = FamilyMember.objects.filter(fodselsnummer=number).first()
        name = f"{member.given_name} {member.family_name}" if member else username
        persons.append({"pid": number, "name": f"{name} ({username})"})
    persons.append({"pid": DEMO_NEW_PARENT_FODSELSNUMMER, "name": "Ny forelder, ukjent i Los"})
    return persons


def demo_staff() -> list[dict]:
    from los.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=DEMO_STAFF, is_active=True)}
    return [{"username": name, "name": users[name].get_full_name() or name} for name in DEMO_STAFF if name in users]


class Command(BaseCommand):
    help = "The demo's local OpenID Connect provider (ID-porten TestID and the municipality's staff log-in)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["env", "run"])
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--los-url", default="", help="Los's address, for the redirect URIs (run).")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The local test provider refuses to run when LOS_ENVIRONMENT=production.")
        base = f"http://127.0.0.1:{options['port']}"
        if options["action"] == "env":
            for name, value in testidp.environment(base, testidp.new_secrets()).items():
                self.stdout.write(f"export {name}={shlex.quote(value)}")
            return
        if not options["los_url"]:
            raise CommandError("run needs --los-url.")
        try:
            client_secrets = {key: os.environ[f"{prefix}_CLIENT_SECRET"]
                              for key, (prefix, _path) in testidp.PROVIDERS.items()}
        except KeyError as missing:
            raise CommandError(f"Set {missing} (run `test_idp env` first).") from missing
        config = testidp.provider_config(port=options["port"], los_urls=[options["los_url"]],
                                         secrets_by_key=client_secrets, persons=demo_persons(), staff=demo_staff())
        var = Path(settings.VAR_DIR)
        try:
            running = testidp.start(config, var / "idp.json", log_path=var / "idp.log")
        except RuntimeError as error:
            raise CommandError(str(error)) from error

        def stop(*_args):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"The local ID-porten (TestID) is at {base}/idporten, the municipality's log-in at "
                          f"{base}/kommune.")
        self.stdout.flush()
        try:
            running.process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            running.stop()
