from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

pytest_plugins = ["los.core.tests.browser"]

#: The moment every test starts at: a Wednesday in an ordinary working week (no public holiday near it).
#: The clock ticks from there, so that time still passes within a test. A test about another day moves the
#: clock itself (``time_machine.move_to(...)`` with the ``time_machine`` fixture, or ``time_machine.travel``).
TEST_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture(autouse=True)
def _known_start():
    """Every test starts in the site's default language and time zone on :data:`TEST_NOW`, whatever the
    test before it in the same worker activated, so that the result never depends on the order or the day."""
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    with time_machine.travel(TEST_NOW, tick=True):
        yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 in production; tests use a fast hasher so that the suite stays quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOS_REQUIRE_STAFF_OTP = False
    settings.AXES_ENABLED = True


@pytest.fixture
def english():
    """For a test that reads, in English, what Los writes in the language of the moment (a service's message)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    """A small municipality with one person in each role and one family with a coordinator."""
    from los.accounts.models import Role
    from los.core import testing as t
    from los.core.models import ProviderKind

    m = t.municipality("Testvik")
    school = t.provider(m, ProviderKind.SCHOOL, "Testvik skole")
    w = type("World", (), {})()
    w.municipality = m
    w.school = school
    w.coordinator = t.staff(Role.BARNEKOORDINATOR, m, "bk")
    w.caseworker = t.staff(Role.CASEWORKER, m, "saksbehandler")
    w.leader = t.staff(Role.MUNICIPAL_LEADER, m, "kommunalsjef")
    w.admin = t.staff(Role.SYSTEM_ADMIN, m, "admin")
    w.contact = t.staff(Role.SERVICE_CONTACT, m, "kontakt", service_provider=school)
    w.parent = t.user("forelder")
    w.family = t.family(m, "Familien Berg", guardian_user=w.parent)
    t.assign(w.family, w.coordinator)
    w.other_family = t.family(m, "Familien Dal")
    other_m = t.municipality("Annenby")
    w.other_municipality = other_m
    w.foreign_family = t.family(other_m, "Familien Utenbys")
    w.foreign_caseworker = t.staff(Role.CASEWORKER, other_m, "annen.saksbehandler")
    return w


def pytest_configure(config):
    assert settings.configured


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` need two connections writing at once, which the in-memory SQLite test
    database cannot give; they are left out (deselected, not skipped) there and run in the PostgreSQL run.
    Tests marked ``sqlite`` are about what Los does on the embedded database only; the PostgreSQL run leaves
    them out the same way."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(other) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the random order's seed at the end (also with ``-q``, which hides the header), so that a failure
    can be replayed in the same order."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):
        terminalreporter.write_line(f"Tests ran in random order; replay this order with -p randomly --randomly-seed={seed}")
