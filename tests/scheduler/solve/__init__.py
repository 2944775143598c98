"""Tests of scheduler/solve, mirroring its modules."""
