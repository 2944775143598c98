"""Limits on what one call may ask of the service, checked before any work starts.

The domain models accept any aware time and any duration; a service shared by many callers
needs bounds, so that a request lasting centuries cannot tie up a solve worker or a quote thread
for hours. Each limit is a setting, and a breach is an `InputError` naming the field, which the
service answers 422 like any other bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from api.settings import Settings
from models.common import InputError, elapsed
from models.problem import Problem
from models.quote import QuoteRequest
from models.request import Request

EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _in_range(field: str, moment: datetime) -> None:
    if not EARLIEST <= moment < LATEST:
        raise InputError(field, f"{moment.isoformat()} is outside the supported years 1971-2199")


def _duration(field: str, start: datetime, end: datetime, settings: Settings) -> None:
    hours = elapsed(start, end) / timedelta(hours=1)
    if hours > settings.max_request_hours:
        limit = settings.max_request_hours
        raise InputError(field, f"lasts {hours:g} hours; the service accepts at most {limit:g}")


def _times(problem: Problem) -> Iterator[tuple[str, datetime]]:
    for i, officer in enumerate(problem.officers):
        at = f"officers[{i}] ({officer.id})"
        for kind in ("availability", "on_duty"):
            for j, window in enumerate(getattr(officer, kind)):
                yield f"{at}.{kind}[{j}].start", window.start
                yield f"{at}.{kind}[{j}].end", window.end
    for i, request in enumerate(problem.requests):
        at = f"requests[{i}] ({request.id})"
        for name in ("start", "end", "received_at"):
            yield f"{at}.{name}", getattr(request, name)
    for kind in ("locked", "hint"):
        for i, ref in enumerate(getattr(problem, kind)):
            yield f"{kind}[{i}].start", ref.start
            yield f"{kind}[{i}].end", ref.end


def check_problem(problem: Problem, settings: Settings) -> None:
    """Sizes, years, request lengths and the span of the requests, within the settings."""
    for kind, items, limit in (("officers", problem.officers, settings.max_officers),
                               ("requests", problem.requests, settings.max_requests)):
        if len(items) > limit:
            raise InputError(kind, f"{len(items)} given; the service accepts at most {limit}")
    for field, moment in _times(problem):
        _in_range(field, moment)
    for i, request in enumerate(problem.requests):
        _duration(f"requests[{i}] ({request.id})", request.start, request.end, settings)
    if problem.requests:
        first = min(r.start for r in problem.requests)
        last = max(r.end for r in problem.requests)
        days = (last - first) / timedelta(days=1)
        if days > settings.max_horizon_days:
            raise InputError(
                "requests",
                f"span {days:g} days from first start to last end; the service accepts at most "
                f"{settings.max_horizon_days:g}",
            )


def check_request(request: Request, settings: Settings, at: str = "request") -> None:
    """One request's times within the supported years and its length within the limit."""
    for name in ("start", "end", "received_at"):
        _in_range(f"{at}.{name}", getattr(request, name))
    _duration(at, request.start, request.end, settings)


def check_quote(quote: QuoteRequest, settings: Settings) -> None:
    for name in ("start", "end", "received_at"):
        _in_range(name, getattr(quote, name))
    _duration("end", quote.start, quote.end, settings)
