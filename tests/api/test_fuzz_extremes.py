"""Property: any number of a valid body replaced by an extreme is answered 200 or 422, never 500.

Hypothesis picks a numeric field of a valid proposal, quote or request check (every number the
example bodies hold, plus the optional policy, cap and option numbers) and writes an extreme
there as raw JSON: infinities, NaN, `1e999`, the largest and smallest doubles, 30-digit
integers, negative zero. A 422 must name exactly that field; a 200 must be a valid answer.
The schema-driven fuzzing of every route is `test_fuzz.py`.
"""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import examples
from api.main import create_app
from api.schemas import ValidationErrorResponse
from models.quote import Quote
from models.result import RosterResult
from tests.api.conftest import ALL, load_example
from tests.api.conftest import settings as app_settings

MARK = "__EXTREME__"
EXTREMES = ["Infinity", "-Infinity", "NaN", "1e999", "-1e999", "1.7976931348623157e308",
            "-1.7976931348623157e308", "5e-324", "1" + "0" * 30, "-" + "1" + "0" * 30, "-0.0"]

Path = tuple[str | int, ...]

PROPOSE = load_example("small.json", time_limit_s=0.2)
PROPOSE["policy"] = {"max_hours_per_week": 24, "max_hours_per_day": 12, "lead_time_hours": 0,
                     "travel_gap_minutes": 30, "supervisor_at": 4, "min_hours": 2,
                     "max_hours_per_24h": 16, "max_continuous_hours": 12}
PROPOSE["officers"][0]["max_hours_per_week"] = 20
PROPOSE["requests"][0]["vehicle"] = {"kind": "moving", "miles": 12.5}
QUOTE = deepcopy(examples.QUOTE_REQUEST) | {"vehicle": {"kind": "none", "miles": 3}}
VALIDATE = deepcopy(examples.VALIDATE_EXAMPLES["bar_inside"]["value"]) | {
    "policy": {"lead_time_hours": 24}}
ROUTES = {"/v1/rosters/propose": (PROPOSE, RosterResult), "/v1/quotes": (QUOTE, Quote),
          "/v1/requests/validate": (VALIDATE, None)}


def numbers(node: Any, path: Path = ()) -> list[Path]:
    """Paths of every number (not bool) in a JSON value."""
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in numbers(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in numbers(value, (*path, i))]
    return [path] if isinstance(node, int | float) and not isinstance(node, bool) else []


TARGETS = [(route, path) for route, (body, _) in ROUTES.items() for path in numbers(body)]

app = create_app(app_settings(max_time_limit_s=0.2, queue_size=100))


def _with_extreme(body: dict[str, Any], path: Path, raw: str) -> str:
    body = deepcopy(body)
    node: Any = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = MARK
    return json.dumps(body).replace(json.dumps(MARK), raw)


def test_every_number_of_the_contract_is_a_target() -> None:
    fields = {path[-1] for _, path in TARGETS}
    assert {"hours_to_date", "max_hours_per_week", "miles", "lead_time_hours", "time_limit_s",
            "officers_needed", "priority", "supervisor_at", "travel_gap_minutes",
            "officers"} <= fields


@given(target=st.sampled_from(TARGETS), raw=st.sampled_from(EXTREMES))
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
def test_an_extreme_number_anywhere_is_200_or_422_naming_it(
    target: tuple[str, Path], raw: str
) -> None:
    route, path = target
    body, answer = ROUTES[route]
    with TestClient(app) as client:
        response = client.post(route, content=_with_extreme(body, path, raw),
                               headers={**ALL, "Content-Type": "application/json"})
    assert response.status_code in {200, 422}, (route, path, raw, response.text[:300])
    if response.status_code == 422:
        refused = ValidationErrorResponse.model_validate(response.json())
        assert ["body", *path] in [d.loc for d in refused.detail], (path, raw, refused)
    elif answer is not None:
        answer.model_validate(response.json())
