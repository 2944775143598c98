"""Property-based fuzzing against the service's own OpenAPI schema.

Schemathesis generates requests for every operation from the schema (valid and invalid bodies,
paths and queries) and checks that none gets a 500 and that every answer conforms to the schema:
a documented status code, the documented content type, a body matching the response schema.
Solves get a tiny time limit from the server so the run stays short.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from tests.api.conftest import ALL
from tests.api.conftest import settings as app_settings

# Room for every generated job, so no 503 hides an answer the checks should see.
app = create_app(app_settings(max_time_limit_s=0.2, queue_size=10_000, max_jobs=10_000))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
)
def test_no_server_error_and_every_answer_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=ALL, checks=CHECKS)
