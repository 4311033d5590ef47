"""The shape of an operator's command with subcommands (``manage.py staff_role approve …``): each subcommand,
stored as ``action``, runs the method ``_<action>(options)``; what it changes is audited as made ``via`` the command
line by the operating system's user."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from los.accounts.models import User
from los.core.models import Municipality


def active_user(username: str) -> User:
    """The active user a command acts as (``--by``), named in the audit log."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError("No such active user.")
    return user


class OperatorCommand(BaseCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    @property
    def via(self) -> str:
        """Where the change was made, for the audit log (the command line, and the operating system's user)."""
        return f"manage.py {type(self).__module__.rsplit('.', 1)[-1]}, OS user {getpass.getuser()}"

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        return user

    def _municipality(self, text: str) -> Municipality:
        """A municipality by its number or its name."""
        found = Municipality.objects.filter(number=text).first() or Municipality.objects.filter(name=text).first()
        if found is None:
            raise CommandError(f"no municipality {text!r}")
        return found
