"""Charts of a what-if run, drawn off-screen (matplotlib's Agg canvas) into PNG files.

Per roster: hours per officer (histogram), a roster timeline (one row per officer in id order,
40 officers to a page, so a large roster gives several PNG pages) and coverage by local day
(filled, unfilled, refused positions).
Across rosters: one bar chart comparing the scenarios on the headline figures. Each function
writes one file and returns its path; nothing here touches pyplot's global state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from models.common import elapsed
from models.problem import Problem
from models.result import Assignment, RosterResult
from scenarios.figures import COVERAGE_PCT, GINI, PAY, POSITIONS_FILLED, REVENUE
from scheduler.agencies import resolve_agency
from scheduler.pricing.holidays import is_holiday

# Officers on one page of the timeline: past this the rows are too thin to read.
TIMELINE_PAGE = 40
BASELINE_COLOUR, VARIANT_COLOUR = "#808080", "#4878a8"
DPI = 100


def _save(fig: Figure, path: Path) -> Path:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=DPI)
    return path


def hours_histogram(result: RosterResult, path: Path, title: str = "") -> Path:
    """Histogram of officers' total hours (history plus this roster)."""
    totals = [h.total_hours for h in result.officer_hours]
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.hist(totals or [0.0], bins=min(20, max(5, len(totals) // 3)), color="#4878a8")
    ax.set_xlabel("total hours (to date + this roster)")
    ax.set_ylabel("officers")
    ax.set_title(f"Hours per officer{': ' + title if title else ''}")
    return _save(fig, path)


# The timeline's colours, by what a shift is: a dispatcher reads locked, traffic and holiday
# work apart at a glance.
SHIFT_KINDS = {
    "regular": "#4878a8",
    "traffic": "#e08a2c",
    "on a holiday": "#b03a48",
    "locked (confirmed)": "#5a5a5a",
}


def _shift_kind(a: Assignment, traffic: set[str], holidays: set[date], tz: tzinfo) -> str:
    if a.locked:
        return "locked (confirmed)"
    if {a.start.astimezone(tz).date(), a.end.astimezone(tz).date()} & holidays:
        return "on a holiday"
    return "traffic" if a.request_id in traffic else "regular"


def timeline_pages(result: RosterResult, per_page: int = TIMELINE_PAGE) -> list[list[str]]:
    """The officers with a shift, in id order, `per_page` to a page."""
    officers = sorted({a.officer_id for a in result.assignments})
    return [officers[i:i + per_page] for i in range(0, len(officers), per_page)] or [[]]


def page_paths(path: Path, pages: int) -> list[Path]:
    """`path` itself for one page; `timeline-1.png`, `timeline-2.png`... for more."""
    if pages == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{i}{path.suffix}") for i in range(1, pages + 1)]


def timeline(problem: Problem, result: RosterResult, path: Path, title: str = "") -> list[Path]:
    """Gantt chart of the roster by officer, in the agency's local time, each shift coloured by
    its kind (regular, traffic, on a holiday, locked) with a legend; 40 officers to a page, every
    page on the same time axis. Returns the pages written (see `page_paths`)."""
    agency = resolve_agency(problem.agency)
    tz = agency.tz
    days = {a.start.astimezone(tz).date() for a in result.assignments}
    days |= {a.end.astimezone(tz).date() for a in result.assignments}
    holidays = {d for d in days if is_holiday(agency, d)}
    traffic = {r.id for r in problem.requests if r.job_type == "traffic"}
    by_officer: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for a in result.assignments:
        start, end = mdates.date2num(a.start), mdates.date2num(a.end)
        by_officer[a.officer_id][_shift_kind(a, traffic, holidays, tz)].append((start, end - start))
    span = None
    if result.assignments:
        first = min(mdates.date2num(a.start) for a in result.assignments)
        last = max(mdates.date2num(a.end) for a in result.assignments)
        span = (first - 0.1, last + 0.1)
    pages = timeline_pages(result)
    paths = page_paths(path, len(pages))
    for number, (shown, out) in enumerate(zip(pages, paths, strict=True), start=1):
        page = f" (page {number} of {len(pages)}: {shown[0]} to {shown[-1]})" if len(pages) > 1 \
            else ""
        heading = f"Roster timeline{': ' + title if title else ''}{page}"
        _timeline_page(shown, by_officer, span, tz, heading, out)
    return paths


def _timeline_page(shown: list[str], by_officer: dict[str, dict[str, list[tuple[float, float]]]],
                   span: tuple[float, float] | None, tz: ZoneInfo, heading: str,
                   path: Path) -> Path:
    """One page of the timeline: these officers, top to bottom in id order."""
    fig = Figure(figsize=(10, 1.5 + 0.22 * max(1, len(shown))))
    ax = fig.add_subplot()
    for row, officer in enumerate(shown):
        for kind, spans in by_officer[officer].items():
            ax.broken_barh(spans, (row - 0.4, 0.8), color=SHIFT_KINDS[kind])
    ax.set_yticks(range(len(shown)), shown, fontsize=8)
    ax.set_ylim(max(1, len(shown)), -1)  # the first officer at the top
    if span is not None:
        ax.set_xlim(*span)
    locator = mdates.AutoDateLocator(tz=tz)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=tz))
    ax.grid(axis="x", color="#dddddd")
    ax.set_xlabel(f"local time ({tz.key})")
    used = {kind for officer in shown for kind in by_officer[officer]}
    ax.legend(
        handles=[Patch(color=c, label=k) for k, c in SHIFT_KINDS.items() if k in used],
        loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
    )
    ax.set_title(heading)
    fig.subplots_adjust(right=0.84)
    return _save(fig, path)


def coverage_by_day(problem: Problem, result: RosterResult) -> pd.DataFrame:
    """Positions per local start date: requested, filled, unfilled and refused (shares count)."""
    tz = resolve_agency(problem.agency).tz
    day_of = {r.id: r.start.astimezone(tz).date() for r in problem.requests}
    length = {r.id: elapsed(r.start, r.end).total_seconds() for r in problem.requests}
    rows: dict[date, dict[str, float]] = defaultdict(
        lambda: {"requested": 0.0, "unfilled": 0.0, "refused": 0.0}
    )
    for r in problem.requests:
        rows[day_of[r.id]]["requested"] += r.officers_needed
    needed = {r.id: r.officers_needed for r in problem.requests}
    for rej in result.rejected:
        rows[day_of[rej.request_id]]["refused"] += needed[rej.request_id]
    for u in result.unfilled:
        share = elapsed(u.start, u.end).total_seconds() / length[u.request_id]
        rows[day_of[u.request_id]]["unfilled"] += u.positions * share
    table = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    table["filled"] = table["requested"] - table["unfilled"] - table["refused"]
    return table.round(4)


def coverage_chart(problem: Problem, result: RosterResult, path: Path, title: str = "") -> Path:
    """Stacked bars per local day: filled, unfilled and refused positions."""
    table = coverage_by_day(problem, result)
    labels = [d.strftime("%a %m-%d") for d in table.index]
    fig = Figure(figsize=(max(6, 0.6 * len(labels) + 2), 4))
    ax = fig.add_subplot()
    bottom = [0.0] * len(labels)
    for column, color in (("filled", "#4878a8"), ("unfilled", "#e0a030"), ("refused", "#c04040")):
        values = list(table[column]) if len(table) else []
        ax.bar(range(len(labels)), values, bottom=bottom, label=column, color=color)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("positions")
    ax.set_title(f"Coverage by day{': ' + title if title else ''}")
    ax.legend()
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    return _save(fig, path)


COMPARED = (POSITIONS_FILLED, COVERAGE_PCT, REVENUE, PAY, GINI)


def compare_chart(
    table: pd.DataFrame, path: Path, figures: Sequence[str] = COMPARED, title: str = ""
) -> Path:
    """One bar per scenario (a sweep shows its mean) for each headline figure, its value written
    on the bar; a figure that is the same for every scenario (coverage at 100% of its bound,
    say) says nothing and gets no panel."""
    columns = [
        c for c in table.columns if not c.startswith("Δ") and not c.endswith(("p10", "p50", "p90"))
    ]
    names = [c.removesuffix(" mean") for c in columns]
    shown = [f for f in figures if len({float(table.at[f, c]) for c in columns}) > 1] or [
        figures[0]
    ]
    fig = Figure(figsize=(3.2 * len(shown), 4.2))
    colours = [BASELINE_COLOUR, *[VARIANT_COLOUR] * (len(names) - 1)]
    for i, figure in enumerate(shown, start=1):
        ax = fig.add_subplot(1, len(shown), i)
        values = [float(table.at[figure, c]) for c in columns]
        bars = ax.bar(range(len(names)), values, color=colours)
        ax.bar_label(bars, labels=[_short(v) for v in values], fontsize=7, padding=2)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        ax.set_title(figure, fontsize=9)
        ax.margins(y=0.15)
    fig.legend(
        handles=[Patch(color=BASELINE_COLOUR, label="baseline"),
                 Patch(color=VARIANT_COLOUR, label="variant")],
        loc="upper right", fontsize=8, frameon=False,
    )
    fig.suptitle(f"Scenarios compared{': ' + title if title else ''}", fontsize=11, x=0.01,
                 ha="left")
    fig.subplots_adjust(top=0.82)
    return _save(fig, path)


def _short(value: float) -> str:
    """A bar's label: thousands separated, two decimals only below 10 (a Gini, an average)."""
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
