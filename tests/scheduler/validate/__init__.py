"""Tests of scheduler/validate, mirroring its modules."""
