"""Subsidy-scheme tracker and alert service."""

__version__ = "0.1.0"

# every Session bumps the data generation when it changes what feeds show (issue 14)
from tracker import generation as _generation  # noqa: E402,F401
