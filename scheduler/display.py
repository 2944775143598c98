"""How a shift's day and times read to a person, in one place for every command that prints one.

Times are shown in the agency's zone, converted from the aware datetimes (never from wall-clock
arithmetic), so a shift across a DST change shows the clock times people saw. A shift that ends
on a later local date than it starts carries "+1" (or "+2"...) after its end: "19:30-07:30+1".
Hours are real elapsed time, so the fall-back night's 00:00-06:00 is 7 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

# Said once, where a fractional count of positions is first printed (rules.md section 6).
FRACTIONAL_POSITIONS = "a split position counts the share of its hours that is covered"


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name}: naive datetime {moment.isoformat()}; a UTC offset is required")


def local_span(start: datetime, end: datetime, tz: tzinfo) -> str:
    """`HH:MM-HH:MM` in local time, `+N` after the end when it falls N local dates later."""
    _aware(start, "start")
    _aware(end, "end")
    first, last = start.astimezone(tz), end.astimezone(tz)
    days = (last.date() - first.date()).days
    return f"{first:%H:%M}-{last:%H:%M}" + (f"+{days}" if days else "")


def local_day(start: datetime, tz: tzinfo) -> str:
    """The local weekday and date a shift starts on: `Fri 03 Jul`."""
    _aware(start, "start")
    return f"{start.astimezone(tz):%a %d %b}"


def local_when(start: datetime, end: datetime, tz: tzinfo) -> str:
    """Day and times together: `Fri 03 Jul 19:30-07:30+1`."""
    return f"{local_day(start, tz)} {local_span(start, end, tz)}"


def elapsed_hours(start: datetime, end: datetime) -> float:
    """Real elapsed hours between two aware datetimes (DST nights are 23 or 25 hours long)."""
    _aware(start, "start")
    _aware(end, "end")
    # In UTC: Python subtracts two times of the same zone on the wall clock, ignoring the change.
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


def hours_text(hours: float) -> str:
    """Hours as a person writes them: `12 h`, `7.5 h`, `0.25 h`."""
    return f"{round(hours, 2):g} h"


def clip(text: str, width: int) -> str:
    """Text cut to `width` characters, the last one an ellipsis when cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


LINE_WIDTH = 100
_EMPLOYER_WIDTH = 22


def packed(pieces: list[str], first: str, indent: str | None = None, sep: str = "; ") -> list[str]:
    """Pieces joined by `sep` into lines of at most 100 characters, a piece never split: the first
    line starts with `first`, the others with `indent` (as many spaces as `first` by default)."""
    lead = " " * len(first) if indent is None else indent
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(sep) + len(piece) <= LINE_WIDTH:
            lines[-1] += sep + piece
        else:
            lines.append((lead if lines else first) + piece)
    return lines


def unfilled_line(request_id: str, employer: str, start: datetime, end: datetime,
                  positions: int, codes: list[str], tz: tzinfo) -> str:
    """One unfilled piece in under 100 characters: request, employer, local day and times, open
    positions and the reason codes (as many as fit, then `+N`)."""
    head = (f"{request_id:<10} {clip(employer, _EMPLOYER_WIDTH):<{_EMPLOYER_WIDTH}} "
            f"{local_when(start, end, tz):<24} {positions} open ")
    shown: list[str] = []
    for i, code in enumerate(codes):
        rest = len(codes) - i - 1
        more = f" +{rest}" if rest else ""
        if len(head) + len(", ".join([*shown, code])) + len(more) > LINE_WIDTH:
            break
        shown.append(code)
    hidden = len(codes) - len(shown)
    return (head + ", ".join(shown) + (f" +{hidden}" if hidden else "")).rstrip()


def fractional_note(counts: list[float]) -> list[str]:
    """The one line explaining fractional positions, when any of `counts` is one (else none)."""
    if any(not float(c).is_integer() for c in counts):
        return [f"positions: {FRACTIONAL_POSITIONS}"]
    return []
