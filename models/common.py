"""Shared building blocks: aware time windows, money as Decimal strings, and input errors.

Every datetime that enters offduty must carry a UTC offset (pydantic's `AwareDatetime` rejects
naive input); money is `Decimal`, serialized as a string with two places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    ValidationError,
    model_validator,
)

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount half-up to whole cents (the only rounding money ever gets)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{to_cents(d):.2f}", return_type=str, when_used="json"),
]


class StrictModel(BaseModel):
    """Base for input types: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class OutputModel(BaseModel):
    """Base for result types: fields may be added freely by later versions."""

    model_config = ConfigDict(frozen=True)


class TimeWindow(StrictModel):
    """A half-open interval [start, end) of aware datetimes."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _end_after_start(self) -> TimeWindow:
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self


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
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                parts.append(f" ({node['id']})")
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
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(field, message)
