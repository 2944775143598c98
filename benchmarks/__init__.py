"""Benchmarks: the HiGHS MIP baseline and the harness that compares it with the offduty solver."""
