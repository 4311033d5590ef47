"""Production settings pass Django's deployment checklist."""

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _production_env(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LOS_ENVIRONMENT": "production",
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-1234567890",
        "LOS_AUDIT_KEY": "check-only:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY",
        "ALLOWED_HOSTS": "los.kommune.example",
        "LOS_VAR_DIR": str(var_dir),
        # a key made for this check only, as `manage.py transfer_keys --generate` makes one
        "LOS_TRANSFER_SIGNING_KEY": base64.urlsafe_b64encode(hashlib.sha256(b"deploy check").digest())
        .decode("ascii").rstrip("="),
    }
    env.pop("DATABASE_URL", None)
    return env


def test_check_deploy_passes_with_production_settings(tmp_path: Path):
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path: Path):
    env = {**os.environ, "LOS_ENVIRONMENT": "production", "ALLOWED_HOSTS": "x", "LOS_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_own_audit_key(tmp_path: Path):
    from los.access.audit_keys import DEVELOPMENT_KEY

    for key in ("", DEVELOPMENT_KEY):
        env = {**_production_env(tmp_path), "LOS_AUDIT_KEY": key}
        result = subprocess.run([sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode != 0
        assert "LOS_AUDIT_KEY" in result.stderr


def test_static_files_collect_for_production(tmp_path: Path):
    """The production static storage (hashed, compressed) resolves every file a stylesheet or script
    refers to; one missing reference (a source map, a font) would stop a deployment."""
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "1"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists() and "ninja/swagger-ui-bundle.js" in manifest.read_text()
