"""`tracker extract` with no usable input says so on stderr and exits 2 (issue 15)."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import pytest

from tests.conftest import REPO_ROOT
from tracker.cli.extract import run_extract


def extract(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "extract", "--today", "2027-01-01", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        (b"", (), "geen invoer"),
        (b"  \n\t\n", (), "geen invoer"),
        (b"", ("--jsonl",), "geen invoer"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", (), "binair"),
        (b"caf\xe9 van 1 maart 2027", (), "geen UTF-8"),
        (b'{"text": "caf\xe9"}\n', ("--jsonl",), "geen UTF-8"),
    ],
)
def test_unusable_input_exits_2_with_a_dutch_message(
    stdin: bytes, args: tuple[str, ...], message: str
) -> None:
    proc = extract(stdin, *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == b""
    assert message in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_text_still_extracts() -> None:
    proc = extract(b"Aanvragen van 1 maart 2027 tot en met 31 maart 2027.")
    assert proc.returncode == 0, proc.stderr
    assert b'"closes": "2027-03-31"' in proc.stdout


def test_in_memory_streams_report_on_the_given_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_extract(io.StringIO("\x00"), out, date(2027, 1, 1), False, err) == 2
    assert out.getvalue() == "" and "binair" in err.getvalue()
