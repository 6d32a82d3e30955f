"""Benchmarks for crmclean: a reproducible generator of messy CRM exports with ground truth.

Run ``python -m benchmarks.generate --help``; see ``benchmarks/README.md``.
"""
