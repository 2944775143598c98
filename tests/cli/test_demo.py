"""`offduty demo`: the bundled example quotes, with their totals checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cli.demo import bundled_quotes
from cli.main import main
from scheduler.rates import quote


def test_bundled_quotes_price_as_computed_by_hand() -> None:
    totals = [quote(request).total for _, request in bundled_quotes()]
    assert totals == [
        Decimal("1026.68"),  # 3 x 4.5 h = 13.5 h x 76.05 = 1026.675 -> 1026.68
        Decimal("561.60"),   # late traffic: 2 h x 105.30 = 210.60 + Christmas Eve 3 h x 117 = 351
        Decimal("1502.28"),  # contract 12 h x 117.00 = 1404.00 + vehicle 12 h x 8.19 = 98.28
        Decimal("286.32"),   # July 4: 3 h x 67.80 = 203.40 + padding 1 h 67.80 + 24 mi x 0.63
    ]


def test_demo_prints_every_bundled_quote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == 4
    assert "1026.68 USD" in out
