"""Build synthetic demo data: ``python manage.py seed_demo --scale demo|municipality|national``."""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from los.core.demo.seed import DEMO_FODSELSNUMMER, DEMO_NEW_PARENT_FODSELSNUMMER, DEMO_PASSWORD, build
from los.core.models import Municipality


class Command(BaseCommand):
    help = "Build a synthetic demo municipality (or all 357) with realistic families, staff and history."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "municipality", "national"], default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Reference date (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--reset", action="store_true", help="Empty the database first.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if data already exists.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run when LOS_ENVIRONMENT=production.")
        if Municipality.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already exists; leaving it as it is.")
                self.print_logins()
                return
            if not options["reset"]:
                raise CommandError("The database already has data. Use --reset to replace it, or --if-empty.")
            call_command("flush", interactive=False, verbosity=0)
        started, cpu = time.monotonic(), time.process_time()
        log = None
        if options["verbosity"] >= 2:
            def log(step: str, seconds: float) -> None:
                self.stdout.write(f"  {step:<12} {seconds:7.1f} s")
                self.stdout.flush()
        # no query log while seeding: with DEBUG on it would keep every bulk insert's SQL in memory
        with override_settings(DEBUG=False):
            ctx = build(options["scale"], options["seed"], options["today"], log=log)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Built {len(ctx.municipalities)} municipalities and {len(ctx.families)} families in {elapsed:.1f} s."
        ))
        self.stdout.write(self.summary(elapsed, time.process_time() - cpu))
        self.print_logins(ctx.demo_users)

    def summary(self, elapsed: float, cpu: float) -> str:
        """One line with what was built: families, staff, meetings and actions, audit events, and the time."""
        from django.apps import apps

        from los.access.models import AuditEvent
        from los.accounts.models import StaffRole
        from los.families.models import Family

        meetings = actions = 0
        if apps.is_installed("los.meetings"):
            meetings = apps.get_model("meetings", "Meeting").objects.count()
            actions = apps.get_model("meetings", "Action").objects.count()
        staff = StaffRole.objects.order_by().values("user_id").distinct().count()
        return (f"Summary: {Family.objects.count()} families, {staff} staff, {meetings + actions} meetings and "
                f"actions ({meetings} + {actions}), {AuditEvent.objects.count()} audit events; "
                f"{elapsed:.1f} s wall clock, {cpu:.1f} s CPU in this process.")

    def print_logins(self, users=None):
        from los.accounts.models import User

        if users is None:
            names = ["koordinator", "koordinator2", "saksbehandler", "leder", "kontakt.skole", "kontakt.habu",
                     "kommunalsjef", "admin", "forelder", "forelder2"]
            users = [("", u.username, u.get_full_name()) for u in User.objects.filter(username__in=names)]
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for role, username, description in users:
            self.stdout.write(f"  {username:<15} {description or role}")
        self.stdout.write("With the demo's ID-porten (TestID), type a synthetic fødselsnummer: "
                          + ", ".join(f"{number} ({name})" for name, number in DEMO_FODSELSNUMMER.items())
                          + f", or {DEMO_NEW_PARENT_FODSELSNUMMER} (a parent Los does not know).")
