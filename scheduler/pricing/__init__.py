"""The rate engine (rules.md 1-3): rate card, shift pricing, cancellation, payroll, holidays.

Owns every money figure the project produces. It may import `models`, `scheduler.timeutil` and
`scheduler.agencies`; nothing from `rules/`, `solve/` or `validate/`. Its public functions are
re-exported here.
"""

from scheduler.pricing.rates import (
    invoice_lines,
    price_request,
    price_roster,
    quote,
    quote_cancellation,
    quote_request,
)

__all__ = [
    "invoice_lines",
    "price_request",
    "price_roster",
    "quote",
    "quote_cancellation",
    "quote_request",
]
