"""Fixtures for the archive tests: documents in a temporary folder, the world's family through the referral path."""

from __future__ import annotations

import pytest
from django.utils import translation

from los.referrals import services as referrals
from los.referrals.tests.helpers import REASONS


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}},
    }
    settings.TIME_ZONE = "Europe/Oslo"
    with translation.override("en"):
        yield


@pytest.fixture
def decided(world):
    """The Berg family (no coordinator yet): the guardian asks, the caseworker grants, the unit appoints."""
    from los.families.models import CoordinatorAssignment, FamilyStatus

    w = world
    CoordinatorAssignment.objects.filter(family=w.family).delete()
    w.family.status = FamilyStatus.CLOSED
    w.family.save(update_fields=["status"])
    w.request = referrals.ask_for_coordinator(w.family, w.parent, "Vi trenger hjelp til å samordne tjenestene.")
    w.vedtak = referrals.make_decision(w.request, w.caseworker, "granted", **REASONS)
    w.family.refresh_from_db()
    w.appointment = referrals.appoint_coordinator(w.family, w.caseworker, w.coordinator, reasons="Kjenner familien.")
    return w
