"""The comparison table: one row per figure, one column per scenario, then the differences.

A variant solved once has one column. A variant swept over N draws has its mean and the 10th,
50th and 90th percentiles (numpy's linear interpolation). Each variant then gets a `Δ name`
column: its value (or mean) minus the baseline's. The numbers stay numbers for CSV and Excel;
`format_table` renders them for a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scenarios.figures import GINI, MONEY, Figures, row_order

PERCENTILES = (10, 50, 90)


def summarize(draws: Sequence[Figures], rows: Sequence[str]) -> dict[str, list[float]]:
    """Per figure: mean, p10, p50, p90 over the draws (a code absent from a draw counts 0)."""
    stats: dict[str, list[float]] = {}
    for row in rows:
        values = np.array([d.get(row, 0.0) for d in draws], dtype=float)
        found = [values.mean(), *(np.percentile(values, p) for p in PERCENTILES)]
        stats[row] = [round(float(v), 4) for v in found]
    return stats


def compare_table(
    baseline: Figures, variants: Sequence[tuple[str, Sequence[Figures]]]
) -> pd.DataFrame:
    """The table of the baseline and each variant (one roster, or several draws)."""
    everything = [baseline, *(d for _, draws in variants for d in draws)]
    rows = row_order(everything)
    columns: dict[str, list[float]] = {"baseline": [baseline.get(r, 0.0) for r in rows]}
    deltas: dict[str, list[float]] = {}
    for name, draws in variants:
        if len(draws) == 1:
            values = [draws[0].get(r, 0.0) for r in rows]
            columns[name] = values
        else:
            stats = summarize(draws, rows)
            values = [stats[r][0] for r in rows]
            columns[f"{name} mean"] = values
            for i, p in enumerate(PERCENTILES, start=1):
                columns[f"{name} p{p}"] = [stats[r][i] for r in rows]
        deltas[f"Δ {name}"] = [v - b for v, b in zip(values, columns["baseline"], strict=True)]
    table = pd.DataFrame({**columns, **deltas}, index=pd.Index(rows, name="figure"))
    # Float noise from subtraction would show as 1e-13 in CSV; four places is finer than any figure.
    return table.astype(float).round(4)


def _places(row: str, values: pd.Series) -> int:
    """Money to the cent, Gini to 3 places, counts whole unless some value of the row is not."""
    if row in MONEY:
        return 2
    if row == GINI:
        return 3
    return 0 if all(float(v).is_integer() for v in values) else 2


def _cell(value: float, places: int, signed: bool) -> str:
    value = round(value, places) + 0.0  # -0.0 prints as 0
    text = f"{value:,.{places}f}"
    return "+" + text if signed and value > 0 else text


def format_table(table: pd.DataFrame) -> str:
    """The table as aligned text, one number format per row, differences signed."""
    places = {row: _places(str(row), table.loc[row]) for row in table.index}
    shown = pd.DataFrame(
        {
            col: [_cell(float(v), places[r], col.startswith("Δ")) for r, v in table[col].items()]
            for col in table.columns
        },
        index=table.index,
    )
    return shown.to_string()
