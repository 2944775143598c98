"""Maintenance scripts run from a checkout (not installed): `readme_outputs.py`."""
