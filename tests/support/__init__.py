"""Helpers the tests share (imported by tests and conftest files; no fixtures here)."""
