"""Subsidy-scheme tracker and alert service."""

__version__ = "0.1.0"
