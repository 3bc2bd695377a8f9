"""Tests that run the real speech models end to end (they load in about a second)."""
