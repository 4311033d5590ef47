import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Documents go to a temporary folder, never into the project's var/uploads."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sm(world):
    """The world plus a HABU provider and a service-map entry for the world's family."""
    from los.core import testing as t
    from los.core.models import ProviderKind
    from los.servicemap import services

    world.nav = t.provider(world.municipality, ProviderKind.NAV, "NAV Testvik")
    world.habu = t.provider(world.municipality, ProviderKind.HABU, "HABU Testvik")
    world.entry = services.create_entry(world.family, world.coordinator, catalog_id="hjelpestonad",
                                        provider=world.nav, state="considered")
    return world
