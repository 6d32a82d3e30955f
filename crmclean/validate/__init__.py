"""Validators: one registry of checks; each returns its findings as a frame (see findings.py)."""
