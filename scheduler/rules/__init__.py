"""The rules as code: rule codes, request-level refusals, officer screening and load checks.

Owns the codes every layer reports (`codes`), whether a request may be staffed (`request_rules`),
and the officer-level screening applied before any model is built (`eligibility`, `free_time`,
`rule_layers`). It may import `models`, `scheduler.context`, `scheduler.timeutil` and the
piece index of `scheduler.solve.pieces`; nothing else from `solve/`, and nothing from `validate/`.
"""
