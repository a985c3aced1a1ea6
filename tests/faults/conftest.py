"""The fault suite prints its figures (lost, duplicate, split) at the end of the run."""

from __future__ import annotations

from typing import Any

from tests.faults._support import FIGURES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("fault suite figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
