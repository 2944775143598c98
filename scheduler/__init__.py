"""The scheduler: rules, rate engine, CP-SAT model and solver, validator and reports.

Imports flow one way: `models` <- `scheduler` <- `scenarios`, `store`, `api`, `cli`.
"""
