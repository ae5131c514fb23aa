"""Helpers for the project's own test suite."""
