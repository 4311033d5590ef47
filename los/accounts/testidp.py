"""The local OpenID Connect provider of the demo and the tests (``idp/server.mjs``, the ``oidc-provider`` package
for Node.js): one process on one port with two providers, ``/idporten`` (like ID-porten's test environment, with a
TestID page where you pick or type a synthetic fødselsnummer and the level of assurance) and ``/kommune`` (like a
municipality's identity provider for staff). Never used in production: ``manage.py test_idp`` refuses there.

This module is the one place that knows the provider's paths: it builds the provider's configuration, Los's
configuration of both providers (as settings for the tests, as environment variables for the demo), and starts
and stops the Node process.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings

SERVER = Path(settings.BASE_DIR) / "idp" / "server.mjs"
PROVIDERS = {"family": ("IDPORTEN", "idporten"), "staff": ("STAFF_OIDC", "kommune")}
CALLBACKS = {"family": "/konto/idporten/svar/", "staff": "/konto/ansatt/svar/"}
DEMO_CLIENTS = {"family": "los-demo", "staff": "los-demo-ansatt"}


def endpoints(base: str, key: str) -> dict[str, str]:
    """The provider's endpoints (as its discovery document names them) under ``base`` (``http://host:port``)."""
    issuer = f"{base}/{PROVIDERS[key][1]}"
    return {"ISSUER": issuer, "AUTHORIZATION_ENDPOINT": f"{issuer}/auth", "TOKEN_ENDPOINT": f"{issuer}/token",
            "USERINFO_ENDPOINT": f"{issuer}/me", "JWKS_ENDPOINT": f"{issuer}/jwks"}


def environment(base: str, secrets_by_key: dict[str, str], acr_values: str = "idporten-loa-substantial") -> dict:
    """Los's environment variables for both providers (``config/settings.py``: ``IDPORTEN_*``, ``STAFF_OIDC_*``)."""
    env: dict[str, str] = {}
    for key, (prefix, _path) in PROVIDERS.items():
        env[f"{prefix}_CLIENT_ID"] = DEMO_CLIENTS[key]
        env[f"{prefix}_CLIENT_SECRET"] = secrets_by_key[key]
        env.update({f"{prefix}_{name}": value for name, value in endpoints(base, key).items()})
    env["IDPORTEN_ACR_VALUES"] = acr_values
    return env


def los_settings(base: str, secrets_by_key: dict[str, str], acr_values: str = "idporten-loa-substantial") -> dict:
    """``settings.LOS_OIDC_PROVIDERS`` for a provider running at ``base`` (what the environment gives the demo)."""
    out = {}
    for key in PROVIDERS:
        points = endpoints(base, key)
        out[key] = {
            "OIDC_RP_CLIENT_ID": DEMO_CLIENTS[key], "OIDC_RP_CLIENT_SECRET": secrets_by_key[key],
            "OIDC_OP_ISSUER": points["ISSUER"], "OIDC_OP_AUTHORIZATION_ENDPOINT": points["AUTHORIZATION_ENDPOINT"],
            "OIDC_OP_TOKEN_ENDPOINT": points["TOKEN_ENDPOINT"], "OIDC_OP_USER_ENDPOINT": points["USERINFO_ENDPOINT"],
            "OIDC_OP_JWKS_ENDPOINT": points["JWKS_ENDPOINT"], "OIDC_RP_SCOPES": "openid profile",
            "LOS_IDENTITY_CLAIM": "pid" if key == "family" else "preferred_username",
            "LOS_ACR_VALUES": acr_values if key == "family" else "",
            "LOS_SECOND_FACTOR_AMR": "" if key == "family" else "mfa",
        }
    return out


def new_secrets() -> dict[str, str]:
    return {key: secrets.token_urlsafe(24) for key in PROVIDERS}


def provider_config(*, port: int, los_urls: list[str], secrets_by_key: dict[str, str], persons: list[dict],
                    staff: list[dict], host: str = "127.0.0.1") -> dict:
    """The Node provider's configuration: one client per provider, its redirect URIs on each of ``los_urls``."""
    clients = {}
    for key, (_prefix, path) in PROVIDERS.items():
        clients[path] = [{
            "client_id": DEMO_CLIENTS[key], "client_secret": secrets_by_key[key],
            "redirect_uris": [f"{url.rstrip('/')}{CALLBACKS[key]}" for url in los_urls],
            "post_logout_redirect_uris": [f"{url.rstrip('/')}/konto/logg-inn/" for url in los_urls],
        }]
    return {"host": host, "port": port, "clients": clients, "persons": persons, "staff": staff}


def node() -> str:
    found = shutil.which("node")
    if not found:
        raise RuntimeError("The local OpenID Connect provider needs Node.js (node on the PATH).")
    if not (SERVER.parent / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("Install the local provider's packages first: scripts/setup.sh (npm ci in idp/).")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class RunningProvider:
    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_until_ready(base: str, process: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    """Until both discovery documents answer (or the process ends, or ``timeout`` seconds pass)."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"The local OpenID Connect provider stopped (exit {process.returncode}).")
        try:
            if all(requests.get(f"{endpoints(base, key)['ISSUER']}/.well-known/openid-configuration",
                                timeout=2).status_code == 200 for key in PROVIDERS):
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"The local OpenID Connect provider did not answer at {base} in {timeout:.0f} s.")
        time.sleep(0.2)


def start(config: dict, config_path: Path, log_path: Path | None = None) -> RunningProvider:
    """Write ``config`` to ``config_path``, start the provider and wait until it answers."""
    config_path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    config_path.chmod(0o600)  # it holds the clients' secrets
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 - kept open for the process
    process = subprocess.Popen([node(), str(SERVER), "--config", str(config_path)],  # noqa: S603 - fixed arguments
                               stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    base = f"http://{config['host']}:{config['port']}"
    try:
        wait_until_ready(base, process)
    except RuntimeError:
        process.kill()
        raise
    return RunningProvider(process=process, base=base)
