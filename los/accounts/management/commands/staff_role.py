"""``manage.py staff_role``: staff roles on the command line, with the same four eyes as in the admin.

    manage.py staff_role list [--pending]
    manage.py staff_role request --by ADMIN --user USER --municipality 4601 --role caseworker [--provider ID]
    manage.py staff_role approve ROLE_ID --by OTHER_PERSON
    manage.py staff_role refuse ROLE_ID --by OTHER_PERSON
    manage.py staff_role deactivate ROLE_ID --by PERSON
    manage.py staff_role reactivate ROLE_ID --by PERSON
    manage.py staff_role bootstrap --user USER --municipality 4601

``--by`` names the person acting (the audit log records them, and the command line with the operating system's
user). A role is pending until a different person who may approve it approves it (``los.accounts.services``).
``bootstrap`` makes the installation's first system administrator, and only while there is none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from los.accounts import services
from los.accounts.models import Role, RoleStatus, StaffRole, User
from los.core.management.operator import OperatorCommand
from los.core.models import CoordinatingUnit, ServiceProvider


class Command(OperatorCommand):
    help = "List, request, approve, refuse, deactivate or re-activate staff roles (four eyes)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="list roles")
        listing.add_argument("--pending", action="store_true", help="only roles waiting for approval")
        request = sub.add_parser("request", help="ask for a role (pending until another person approves it)")
        request.add_argument("--by", required=True, help="user name of the person asking")
        for target in (request, sub.add_parser("bootstrap", help="the first system administrator (only when none)")):
            target.add_argument("--user", required=True, help="user name of the person the role is for")
            target.add_argument("--municipality", required=True, help="municipality number or name")
        request.add_argument("--role", required=True, choices=Role.values)
        request.add_argument("--provider", type=int, help="service provider id (service contacts)")
        request.add_argument("--title", default="")
        for name in ("approve", "refuse", "deactivate", "reactivate"):
            decide = sub.add_parser(name)
            decide.add_argument("role_id", type=int)
            decide.add_argument("--by", required=True, help="user name of the person acting")

    def _role(self, pk: int) -> StaffRole:
        role = StaffRole.objects.select_related("user", "municipality").filter(pk=pk).first()
        if role is None:
            raise CommandError(f"no staff role {pk}")
        return role

    def _list(self, options: dict[str, Any]) -> None:
        roles = StaffRole.objects.select_related("user", "municipality", "requested_by", "decided_by").order_by("pk")
        if options["pending"]:
            roles = roles.filter(status=RoleStatus.PENDING)
        for r in roles:
            state = "active" if r.active else r.status
            self.stdout.write(f"{r.pk}\t{r.user.username}\t{r.role}\t{r.municipality.name}\t{state}\t"
                              f"asked by {r.requested_by.username if r.requested_by else '-'}\t"
                              f"decided by {r.decided_by.username if r.decided_by else '-'}")

    def _run(self, action, role: StaffRole, by: User | None) -> StaffRole:
        try:
            return action(role, by=by, via=self.via)
        except ValidationError as refused:  # refused by the four eyes, or the role itself is not valid
            raise CommandError(" ".join(refused.messages)) from None

    def _request(self, options: dict[str, Any]) -> None:
        municipality = self._municipality(options["municipality"])
        provider = ServiceProvider.objects.filter(pk=options["provider"]).first() if options["provider"] else None
        role = StaffRole(user=self._user(options["user"]), municipality=municipality, role=options["role"],
                         service_provider=provider, title=options["title"],
                         coordinating_unit=CoordinatingUnit.objects.filter(municipality=municipality).first())
        role = self._run(services.request_role, role, self._user(options["by"]))
        self.stdout.write(f"Role {role.pk} ({role.role} for {role.user.username} in {municipality.name}) is waiting "
                          "for approval by another person.")

    def _bootstrap(self, options: dict[str, Any]) -> None:
        municipality = self._municipality(options["municipality"])
        role = StaffRole(user=self._user(options["user"]), municipality=municipality, role=Role.SYSTEM_ADMIN,
                         title="System administrator")
        try:
            role = services.bootstrap_system_admin(role, via=self.via)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        self.stdout.write(f"Role {role.pk}: {role.user.username} is the installation's first system administrator.")

    def _decide(self, options: dict[str, Any], action, done: str) -> None:
        role = self._run(action, self._role(options["role_id"]), self._user(options["by"]))
        self.stdout.write(f"Role {role.pk} ({role.role} for {role.user.username}): {done}.")

    def _approve(self, options: dict[str, Any]) -> None:
        self._decide(options, services.approve_role, "approved, in force")

    def _refuse(self, options: dict[str, Any]) -> None:
        self._decide(options, services.refuse_role, "refused")

    def _deactivate(self, options: dict[str, Any]) -> None:
        self._decide(options, services.deactivate_role, "not active")

    def _reactivate(self, options: dict[str, Any]) -> None:
        self._decide(options, services.reactivate_role, "waiting for approval")
