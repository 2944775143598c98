"""Tests of scheduler/pricing, mirroring its modules."""
