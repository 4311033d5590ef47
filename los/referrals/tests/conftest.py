import pytest


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings, tmp_path):
    """Archived letters go to a temporary folder, not var/uploads."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "uploads"), "base_url": None}},
    }
