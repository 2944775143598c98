"""The OpenAPI docs: every example is a body the service accepts or produces, every operation
shows one, and every /v1 operation declares the API key."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api import examples
from api.schemas import (
    AgencyDetail,
    AgencyList,
    JobAccepted,
    JobStatus,
    ValidateRequestBody,
    ValidateResponse,
)
from models.problem import Problem
from models.quote import Quote, QuoteRequest
from models.result import RosterResult


@pytest.mark.parametrize(
    ("model", "example"),
    [
        *[(Problem, e["value"]) for e in examples.PROBLEM_EXAMPLES.values()],
        *[(QuoteRequest, e["value"]) for e in examples.QUOTE_REQUEST_EXAMPLES.values()],
        *[(ValidateRequestBody, e["value"]) for e in examples.VALIDATE_EXAMPLES.values()],
        (Quote, examples.QUOTE),
        (RosterResult, examples.ROSTER_RESULT),
        (ValidateResponse, examples.VALIDATE_RESPONSE),
        (AgencyList, examples.AGENCY_LIST),
        (AgencyDetail, examples.AGENCY_DETAIL),
        (JobAccepted, examples.JOB_ACCEPTED),
        (JobStatus, examples.JOB_DONE),
        (JobStatus, examples.JOB_CANCELLED),
    ],
)
def test_every_example_validates(model: type[BaseModel], example: dict[str, Any]) -> None:
    model.model_validate(example)


def test_the_roster_example_is_what_the_service_answers(client: TestClient) -> None:
    from tests.api.conftest import ROCKPORT

    answer = client.post("/v1/rosters/propose", json=examples.PROBLEM, headers=ROCKPORT).json()
    for key in ("status", "assignments", "officer_hours", "pricing"):
        assert answer[key] == examples.ROSTER_RESULT[key], key


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [(path, method, op) for path, item in spec["paths"].items()
            for method, op in item.items()]


def test_every_operation_shows_examples(client: TestClient) -> None:
    for path, method, op in _operations(client):
        if "requestBody" in op:
            body = op["requestBody"]["content"]["application/json"]
            assert body.get("examples"), f"{method} {path}: no request example"
        success = next(code for code in op["responses"] if code.startswith("2"))
        content = op["responses"][success]["content"]["application/json"]
        assert "example" in content, f"{method} {path}: no response example"


def test_every_v1_operation_needs_the_api_key_and_documents_401(client: TestClient) -> None:
    for path, method, op in _operations(client):
        if path.startswith("/v1"):
            assert op["security"] == [{"ApiKey": []}], f"{method} {path}"
            assert "401" in op["responses"], f"{method} {path}"
        else:
            assert "security" not in op


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()
