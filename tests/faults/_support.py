"""Helpers of the fault suite: subprocesses of the real CLI, kill counts and the figures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPO_ROOT

KILLS_ENV = "TRACKER_FAULT_KILLS"
SEED_ENV = "TRACKER_FAULT_SEED"
FIGURES: list[str] = []


def kill_count() -> int:
    """How many kill -9 rounds a loop runs (≥ 10 in CI; $TRACKER_FAULT_KILLS overrides)."""
    return max(1, int(os.environ.get(KILLS_ENV, "10")))


def seed() -> int:
    return int(os.environ.get(SEED_ENV, "13"))


def report(line: str) -> None:
    """Keep one line of figures for the summary at the end of the test run."""
    FIGURES.append(line)


def start_cli(*args: str) -> subprocess.Popen[bytes]:
    """``tracker …`` as cron would start it, from this checkout."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_when(
    proc: subprocess.Popen[bytes],
    ready: Callable[[], bool],
    *,
    delay: float = 0.0,
    timeout: float = 30.0,
) -> bool:
    """kill -9 the process ``delay`` s after ``ready()`` holds; False when it ended first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            if ready():
                break
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is not None:
            return False
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        return True
    finally:
        proc.wait(timeout=60)
        proc.stderr_text = proc.stderr.read().decode(errors="replace") if proc.stderr else ""  # type: ignore[attr-defined]
        if proc.stderr:
            proc.stderr.close()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
