"""The rules as code: rule codes, request-level refusals, officer screening and load checks.

Owns the codes every layer reports (`codes`), whether a request may be staffed (`request_rules`),
the officer-level screening applied before any model is built (`eligibility`, `free_time`,
`rule_layers`), an officer's load and its rules (`load`) and the crew's supervisor rule
(`supervisor`). It may import `models`, `scheduler.context` and `scheduler.timeutil`; nothing of
`solve/` (the screening reads pieces through the protocols of `piece_view`) and nothing of
`validate/`.
"""
