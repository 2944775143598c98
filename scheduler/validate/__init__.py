"""The solver-independent validator: every hard rule checked on its own index, metrics recomputed.

Owns the second opinion on any roster, whoever produced it. It may import `models`,
`scheduler.timeutil`, `scheduler.agencies` and `scheduler.rules.request_rules`; it imports nothing
from `solve/` (tests/test_import_rules.py holds it to that).
"""

from scheduler.validate.validator import validate

__all__ = ["validate"]
