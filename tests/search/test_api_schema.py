"""schemathesis drives every operation of /api/openapi.json: no server error, no schema breach."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lantai.api import api
from lantai.wsgi import application

# The schema is taken from the API object itself (loading it over WSGI at import time would
# need the database before pytest-django allows it); requests then go through the real WSGI app.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = application


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(transaction=True)
def test_api_operations_never_fail_and_match_their_schema(case, open_item, closed_item):
    response = case.call_and_validate()
    assert closed_item.title not in response.text
