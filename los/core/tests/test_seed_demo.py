from datetime import date

import pytest
from django.core.management import call_command
from django.db import models, transaction
from stdnum.no import fodselsnummer

from los.accounts.models import PositionType, Role, StaffRole
from los.core.demo.seed import build
from los.families.models import Child, CoordinatorAssignment, Family, FamilyMember


@pytest.mark.django_db
def test_demo_municipality_is_realistic():
    ctx = build("demo", seed=7, today=date(2026, 11, 23))
    assert len(ctx.municipalities) == 1
    families = Family.objects.count()
    assert 80 <= families <= 200
    coordinators = StaffRole.objects.filter(role=Role.BARNEKOORDINATOR)
    dedicated = coordinators.filter(position_type=PositionType.DEDICATED).count()
    assert 0 < dedicated < coordinators.count()  # the real mix: most have it as an extra function
    numbers = list(Child.objects.exclude(fodselsnummer="").values_list("fodselsnummer", flat=True))
    assert numbers and all(fodselsnummer.is_valid(n) for n in numbers)
    assert FamilyMember.objects.filter(relation="sibling").exists()
    assert FamilyMember.objects.filter(relation="foster_parent").exists()
    assert Family.objects.filter(status="closed").exists()
    assert CoordinatorAssignment.objects.filter(ended__isnull=False).exists()
    # closed cases are closed in the past and have no coordinator any more
    closed = CoordinatorAssignment.objects.filter(family__status="closed")
    assert closed.exists()
    assert not closed.filter(ended__isnull=True).exists()
    assert not closed.filter(ended__gte=date(2026, 11, 23)).exists()
    assert not Family.objects.filter(closed_at__date__gte=date(2026, 11, 23)).exists()
    assert not CoordinatorAssignment.objects.filter(ended__lt=models.F("started")).exists()
    assert not Child.objects.exclude(municipality_id=ctx.municipalities[0].id).exists()


class _RollbackError(Exception):
    def __init__(self, data):
        self.data = data


def _children_of_build(seed: int) -> list:
    try:
        with transaction.atomic():
            build("demo", seed=seed, today=date(2026, 11, 23))
            raise _RollbackError(list(Child.objects.order_by("fodselsnummer", "given_name")
                                 .values_list("given_name", "fodselsnummer", "condition_categories")))
    except _RollbackError as done:
        return done.data


@pytest.mark.django_db
def test_seed_is_deterministic():
    first = _children_of_build(3)
    assert first == _children_of_build(3)
    assert first != _children_of_build(4)


@pytest.mark.django_db
def test_demo_logins_exist_and_can_log_in(client):
    build("demo", seed=1, today=date(2026, 11, 23))
    from los.core.demo.seed import DEMO_PASSWORD

    for username in ["koordinator", "saksbehandler", "forelder", "kontakt.skole", "kommunalsjef"]:
        response = client.post("/konto/logg-inn/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/", follow=True).status_code == 200
        client.post("/konto/logg-ut/")
    client.post("/konto/logg-inn/", {"username": "forelder", "password": DEMO_PASSWORD})
    start = client.get("/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert start.redirect_chain[-1][0].startswith("/familie/")  # a parent of one family lands on its home
    page = start.content.decode()
    assert "Familien Sæther" in page and "Hanne Vestby" in page


@pytest.mark.django_db
def test_seed_demo_refuses_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_the_demos_roles_are_approved_by_a_second_person_and_the_log_verifies():
    from los.access import audit
    from los.access.models import AuditEvent
    from los.accounts.models import RoleStatus

    build("demo", seed=7, today=date(2026, 11, 23))
    roles = StaffRole.objects.select_related("user", "decided_by")
    assert not roles.exclude(status=RoleStatus.APPROVED, active=True).exists()
    admin = roles.get(user__username="admin")
    assert admin.decided_by is None  # the installation's first administrator: nobody to approve it
    assert {r.decided_by.username for r in roles.exclude(pk=admin.pk)} == {"admin"}
    approvals = AuditEvent.objects.filter(object_type="StaffRole", reason__startswith="role approved (demo data)")
    assert approvals.count() == roles.count() - 1
    assert list(audit.verify()) == []
