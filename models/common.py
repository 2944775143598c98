"""Shared building blocks: aware time windows, money as Decimal strings, and input errors.

Every datetime that enters offduty must carry a UTC offset (pydantic's `AwareDatetime` rejects
naive input); money is `Decimal`, serialized as a string with two places.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)

CENT = Decimal("0.01")

# The ranges of the contract's numbers (roster-contract.md, "Ranges"): finite, and wide enough
# for any real agency, so that no value can overflow a conversion to minutes or cents.
DAY_HOURS = 24
WEEK_HOURS = 168
YEAR_HOURS = 8760
DAY_MINUTES = 1440
MAX_HOURS_TO_DATE = 100_000
MAX_MILES = 100_000
MAX_POSITIONS = 500
MAX_RATE = Decimal("10000")
# Lengths of lists: a problem of a city's whole off-duty month fits with room to spare; a list
# beyond these is refused at once (one error), before its items are looked at.
MAX_OFFICERS = 10_000
MAX_REQUESTS = 50_000
MAX_ITEMS = 1_000  # windows of one officer, approvals, preferred officers, categories...
# An id (officer, request, employer) is at most as long as the store keeps: a longer one was
# echoed whole in the error that refused it.
MAX_ID = 64
MAX_NAME = 200  # a contract rate's name, as the store keeps it
# The longest request a problem may hold (the service may take less, `api.settings`): a
# request of a year made a nightly take 39.8 s at a 3 s limit (docs/solver.md).
MAX_REQUEST_HOURS = 336


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount half-up to whole cents (the only rounding money ever gets)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{to_cents(d):.2f}", return_type=str, when_used="json"),
]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def minute_problem(moment: datetime) -> str | None:
    """What is wrong with a time of work that has seconds, or None: the solver, the rate engine
    and the validator count whole minutes, so 10:00:30 would otherwise become 10:00:00 unsaid
    (a shift starting before its request, a lock not kept to the second)."""
    if (moment - EPOCH) % MINUTE:
        return f"{moment.isoformat()} is not on a whole minute (times of work have 0 seconds)"
    return None


def refuse_seconds(**moments: datetime | None) -> None:
    """An `InputError` naming the first of `moments` (a keyword each, None for one not given)
    that is a time of work with seconds: for times typed to a command, not read by a model."""
    for name, moment in moments.items():
        problem = None if moment is None else minute_problem(moment)
        if problem is not None:
            raise InputError(name, problem)


def refuse_control(field: str, text: str) -> None:
    """An `InputError` for free text holding a control character: a newline or a terminal
    escape in a name typed by a dispatcher was stored, and printed raw by `audit` and the
    roster views."""
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise InputError(field, f"holds a control character (U+{ord(bad):04X}); plain text only")


def _whole_minute(moment: datetime) -> datetime:
    problem = minute_problem(moment)
    if problem is not None:
        raise ValueError(problem)
    return moment


# When work starts or ends: an aware time on a whole minute. `received_at` and `notice_at` are
# plain aware times (compared exactly, never counted in minutes).
Minute = Annotated[AwareDatetime, AfterValidator(_whole_minute)]
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
Name = Annotated[str, Field(max_length=MAX_NAME)]


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time from `start` to `end`. Python subtracts and compares two times that share
    one zone object on their wall clocks, DST's fold ignored: 01:00 EDT to 01:00 EST on
    1 November 2026 came out 0 hours, and a window of that real hour was refused. Wall clocks
    less offsets, not times in UTC: the year 9999 in a zone west of UTC has none."""
    wall = end.replace(tzinfo=None) - start.replace(tzinfo=None)
    return wall - ((end.utcoffset() or timedelta(0)) - (start.utcoffset() or timedelta(0)))


def too_long(start: datetime, end: datetime) -> str | None:
    """Why [start, end) is longer than one request may last, or None: the same sentence for a
    problem's request, a quote and an imported request (each said it its own way)."""
    hours = elapsed(start, end) / timedelta(hours=1)
    if hours <= MAX_REQUEST_HOURS:
        return None
    return (f"lasts {hours:g} hours; a request lasts at most {MAX_REQUEST_HOURS} (a longer "
            "contract is one request a day or a week)")


class StrictModel(BaseModel):
    """Base for input types: unknown fields are errors, instances are immutable, and no number
    may be infinite or NaN (JSON's `1e999` parses as infinity)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _no_nul(self) -> Self:
        # PostgreSQL refuses NUL in text and JSON: a name holding one was stored in SQLite,
        # and would have failed a write to PostgreSQL as the database's error.
        for name in _text_fields(type(self)):
            if _holds_nul(getattr(self, name)):
                raise ValueError(f"{name}: holds a NUL character (\\u0000)")
        return self


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def _text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` that may hold free text: looking only at them kept the check to
    under 0.1 s of a problem of 2,000 officers (0.2 s over every field)."""
    if model not in _TEXT_FIELDS:
        _TEXT_FIELDS[model] = tuple(
            name for name, info in model.model_fields.items() if "str" in repr(info.annotation)
        )
    return _TEXT_FIELDS[model]


def _holds_nul(value: object) -> bool:
    """Whether a field's text (or a list's, or a mapping's keys and values) holds NUL; nested
    models check their own fields."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(isinstance(v, str) and "\x00" in v for v in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


class OutputModel(BaseModel):
    """Base for result types: fields may be added freely by later versions."""

    model_config = ConfigDict(frozen=True)


class TimeWindow(StrictModel):
    """A half-open interval [start, end) of aware datetimes."""

    start: Minute
    end: Minute

    @model_validator(mode="after")
    def _end_after_start(self) -> TimeWindow:
        if elapsed(self.start, self.end) <= timedelta(0):
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self


def _floor_minute(moment: datetime) -> datetime:
    """The whole minute at or before `moment`, in its zone."""
    utc = moment.astimezone(UTC)
    return (utc - (utc - EPOCH) % MINUTE).astimezone(moment.tzinfo)


def _ceil_minute(moment: datetime) -> datetime:
    """The whole minute at or after `moment`, in its zone."""
    floor = _floor_minute(moment)
    return floor if floor == moment else (floor.astimezone(UTC) + MINUTE).astimezone(moment.tzinfo)


def covering_window(start: datetime, end: datetime) -> TimeWindow:
    """The least window of whole minutes holding [start, end): busy time kept by the store
    (a duty roster export's blocks, times worked) may carry seconds, and a busy minute in part
    is busy."""
    return TimeWindow(start=_floor_minute(start), end=_ceil_minute(end))


def window_inside(start: datetime, end: datetime) -> TimeWindow | None:
    """The largest window of whole minutes inside [start, end), or None where it holds no whole
    minute: an officer available from 10:00:59 is available from 10:01."""
    first, last = _ceil_minute(start), _floor_minute(end)
    return TimeWindow(start=first, end=last) if first < last else None


class InputError(ValueError):
    """A user mistake: names the field at fault and says what is wrong, in one line."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def _id_at(data: Any, loc: tuple[int | str, ...]) -> list[str]:
    """Render a pydantic location, naming the `id` of each list element it passes through."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            parts.append(f"[{key}]")
            node = node[key] if isinstance(node, list) and key < len(node) else None
            named = node.get("id") if isinstance(node, dict) else None
            if isinstance(named, str) and 0 < len(named) <= MAX_ID:
                parts.append(f" ({named})")
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return parts


def describe_validation_error(exc: ValidationError, data: Any = None) -> InputError:
    """Turn a pydantic error into one InputError naming the first bad field (and its id)."""
    first = exc.errors(include_url=False)[0]
    loc = tuple(first.get("loc", ()))
    field = "".join(_id_at(data, loc)) if loc else ""
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if first.get("type") == "string_too_long" and isinstance(first.get("input"), str):
        message = f"{len(first['input'])} characters long; at most {first['ctx']['max_length']}"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(field, message)
