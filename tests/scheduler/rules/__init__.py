"""Tests of scheduler/rules, mirroring its modules."""
