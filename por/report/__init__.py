"""Regulator exports and stress tests."""
