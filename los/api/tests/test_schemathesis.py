"""Property-based tests of the whole API against its own OpenAPI description (schemathesis).

Every operation gets at most 25 generated examples (derandomized, so the run is the same every time),
made with the coordinator's token with every scope. No answer may be a server error, and every answer
must match the schema the API documents (status code, content type, body).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema():
    from config.wsgi import application

    # the description is public and needs no database: loaded once, when the tests are collected
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections when a request ends (``close_old_connections`` on the
    request signals); that would end the test's transaction on PostgreSQL. Django's test client turns this
    off the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(rich, token_for, settings):
    settings.LOS_API_RATE = "100000/m"
    return token_for()


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_matches_its_description(case, bearer):
    case.call_and_validate(headers={"Authorization": f"Bearer {bearer}", "Accept-Language": "nb"}, checks=CHECKS)
