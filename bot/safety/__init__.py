"""Deterministic recognition of safety cases (crisis, danger, disclosure, material)."""
