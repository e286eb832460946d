"""Issue 13 §2: schemathesis takes the schema the site serves at /api/openapi.json and sends every operation
generated requests through the WSGI application (the schema's examples, boundary and invalid values, then
random ones), checking each answer with all its checks: never a server error, every status, header and body
as the schema declares. Derandomised and bounded per operation, so the run is the same each time and quick."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.specs.openapi.checks import positive_data_acceptance

from candor.api.v1.endpoints import api as json_api
from tests.steps import save

EXAMPLES_PER_OPERATION = 30


def generated_schema() -> dict:
    """The schema as /api/openapi.json serves it (the view calls this same method: see the test below)."""
    return json.loads(json.dumps(json_api.get_openapi_schema(), cls=NinjaJSONEncoder))


class Loopback:
    """The WSGI application as a server on 127.0.0.1 runs it. Its middleware is loaded at the first request,
    inside the test, so that it reads the suite's settings (plain HTTP, the test hosts)."""

    def __init__(self):
        self.handler: WSGIHandler | None = None

    def __call__(self, environ, start_response):
        if self.handler is None:
            self.handler = WSGIHandler()
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        # As Django's test client does: the connection holds the test's transaction, so the end of a
        # request must not close it.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return self.handler(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = Loopback()


def test_the_fuzzed_schema_is_the_one_the_site_serves(reader):
    response = reader.get("/api/openapi.json")

    assert response.status_code == 200
    assert json.loads(response.content) == generated_schema()


@pytest.fixture
def some_pages(db, settings, reader, editor):
    """Pages and revisions of an account and of an address, so that requests find something."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver", "127.0.0.1"]
    save(editor, "Quay", "Stone quay.\nBuilt in 1820.", "first stones")
    save(reader, "Quay", "Stone quay, rebuilt.\nBuilt in 1820.", "rebuilt")
    save(editor, "Talk:Quay", "Is the wall older than the quay?")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, some_pages):
    # All checks but one: "a schema-valid request is accepted" cannot hold for titles, whose rules (MediaWiki
    # normalisation, forbidden and invisible characters, 255 bytes of UTF-8) JSON Schema cannot state; such a
    # title is a 400 invalid_title, as documented. Server errors and schema conformance are all checked.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
