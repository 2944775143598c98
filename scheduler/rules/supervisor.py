"""The supervisor rule of a crew (rules.md section 5), on plain spans.

A request of `supervisor_at` or more positions has a supervisor on it whenever it is staffed.
The rule belongs to the request's crew, not to one (piece, officer) pair, so it is one function
on spans that the greedy and polish checks and the lock checks share.
"""

from __future__ import annotations


def supervisor_covered(spans: list[tuple[int, int, bool]]) -> bool:
    """True when every staffed moment of a request has a supervisor on it (rules.md section 5)."""
    sup = sorted((s, e) for s, e, is_sup in spans if is_sup)
    for s, e, _ in spans:
        cursor = s
        for a, b in sup:
            if a <= cursor < b:
                cursor = b
            if cursor >= e:
                break
        if cursor < e:
            return False
    return True

