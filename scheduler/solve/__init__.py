"""The roster solver: pieces, greedy, CP-SAT model and stages, window search, relaxation, bounds,
polish, locks, explanations and the assembled result. `mip.py` is the same rules as a MIP
(numpy only; the benchmark's harness solves it with HiGHS), beside `model.py` to read together.

Owns the search for a roster. It may import everything in `scheduler` (`rules/`, `pricing/`,
`validate/` for the result's own check) and `models`; nothing imports it except `scheduler`'s
own entry point and the callers outside the package.
"""
