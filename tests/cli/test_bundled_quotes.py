"""The bundled example quotes (`scenarios/examples/quotes.json`), totals checked by hand.

The demo itself (nightly run on the embedded store) is tested in tests/store/test_demo_flow.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

from models.quote import QuoteRequest
from scheduler.pricing.rates import quote


def bundled_quotes() -> list[tuple[str, QuoteRequest]]:
    text = resources.files("scenarios").joinpath("examples/quotes.json").read_text("utf-8")
    return [
        (q["name"], QuoteRequest.model_validate(q["request"])) for q in json.loads(text)["quotes"]
    ]


def test_bundled_quotes_price_as_computed_by_hand() -> None:
    totals = [quote(request).total for _, request in bundled_quotes()]
    assert totals == [
        Decimal("1026.68"),  # 3 x 4.5 h = 13.5 h x 76.05 = 1026.675 -> 1026.68
        Decimal("561.60"),  # late traffic: 2 h x 105.30 = 210.60 + Christmas Eve 3 h x 117 = 351
        Decimal("1502.28"),  # contract 12 h x 117.00 = 1404.00 + vehicle 12 h x 8.19 = 98.28
        Decimal("286.32"),  # July 4: 3 h x 67.80 = 203.40 + padding 1 h 67.80 + 24 mi x 0.63
    ]
