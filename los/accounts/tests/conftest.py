"""The local OpenID Connect provider (idp/server.mjs) for the log-in tests: started once per test process on a free
port beside the live server, stopped at the end. Nothing here mocks the client: Los talks to a real provider."""

from __future__ import annotations

import pytest

from los.accounts import testidp


@pytest.fixture(scope="session")
def idp(live_server, tmp_path_factory):
    """A running provider whose clients may return to the live server and to the test client's ``testserver``."""
    port = testidp.free_port()
    client_secrets = testidp.new_secrets()
    folder = tmp_path_factory.mktemp("idp")
    config = testidp.provider_config(port=port, los_urls=[live_server.url, "http://testserver"],
                                     secrets_by_key=client_secrets, persons=[], staff=[])
    running = testidp.start(config, folder / "idp.json", log_path=folder / "idp.log")
    running.secrets = client_secrets
    yield running
    running.stop()


@pytest.fixture
def real_clock():
    """The provider signs with the machine's clock; the tests' fixed clock (conftest ``TEST_NOW``) would make its ID
    tokens look issued in the future. Log-in tests run on the real clock."""
    from time_machine import escape_hatch, travel

    with travel(escape_hatch.time.time(), tick=True):
        yield


@pytest.fixture
def oidc(idp, settings, real_clock):
    """Los configured for the running provider: ID-porten for families (level substantial) and the municipality's
    log-in for staff, the password form still on."""
    settings.LOS_OIDC_PROVIDERS = testidp.los_settings(idp.base, idp.secrets)
    settings.LOS_PASSWORD_LOGIN = True
    return settings.LOS_OIDC_PROVIDERS
