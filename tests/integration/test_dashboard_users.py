"""`tracker users add` and `tracker users list`, and that the stored hash is Argon2id.

The name is checked before a password is asked for; prompts are Dutch; from a pipe the
password comes with --password-stdin (no getpass, so no GetPassWarning); on a terminal it is
asked twice without echo (driven through a real pseudo-terminal).
"""

from __future__ import annotations

import os
import pty
import select as io_select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.conftest import REPO_ROOT
from tracker.cli.main import app
from tracker.db import make_engine
from tracker.models import User
from tracker.staff.users import verify_user

PASSWORD = "een lang wachtwoord 42"


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "t.db"}"\n', encoding="utf-8")
    return path


def test_users_add_from_stdin_hashes_and_lists(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    add = ["users", "add", "Anna", "--password-stdin", "-c", str(config)]
    result = runner.invoke(app, add, input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Medewerker anna aangemaakt." in result.output
    assert PASSWORD not in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    with Session(engine) as session:
        user = session.exec(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert verify_user(session, "anna", PASSWORD) is not None
        assert verify_user(session, "anna", "fout") is None
    engine.dispose()
    listed = runner.invoke(app, ["users", "list", "-c", str(config)])
    assert listed.exit_code == 0 and "anna" in listed.output and "argon2" not in listed.output
    # the name is refused before any password is read
    again = runner.invoke(app, ["users", "add", "anna", "-c", str(config)], input="")
    assert again.exit_code == 2 and "bestaat al" in again.output
    bad = runner.invoke(app, ["users", "add", "A B", "-c", str(config)], input="")
    assert bad.exit_code == 2 and "gebruikersnaam" in bad.output
    short = runner.invoke(
        app, ["users", "add", "bob", "--password-stdin", "-c", str(config)], input="kort\n"
    )
    assert short.exit_code == 2 and "minimaal 12 tekens" in short.output
    no_tty = runner.invoke(app, ["users", "add", "bob", "-c", str(config)], input=PASSWORD)
    assert no_tty.exit_code == 2 and "--password-stdin" in no_tty.output


def test_password_from_a_pipe_gives_no_getpass_warning(tmp_path: Path) -> None:
    config = _config(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-m", "tracker", "users", "add", "carla",
         "--password-stdin", "-c", str(config)],
        input=f"{PASSWORD}\n", capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and PASSWORD not in proc.stdout + proc.stderr
    assert "Medewerker carla aangemaakt." in proc.stdout


def _converse(args: list[str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal; answer each expected prompt; return code and output."""
    pid, fd = pty.fork()
    if pid == 0:  # child: the terminal is its controlling tty, as for a person typing
        os.chdir(REPO_ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "tracker", *args])
    output = ""
    deadline = time.monotonic() + 60
    pending = list(answers)
    while True:
        if pending and pending[0][0] in output:
            prompt, answer = pending.pop(0)
            output = output.replace(prompt, f"<{prompt.strip()}>", 1)
            os.write(fd, answer.encode() + b"\n")
        ready, _, _ = io_select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk.decode(errors="replace")
        assert time.monotonic() < deadline, output
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output


@pytest.mark.skipif(not hasattr(pty, "fork"), reason="needs a POSIX pseudo-terminal")
def test_terminal_prompts_are_dutch_and_re_ask(tmp_path: Path) -> None:
    config = _config(tmp_path)
    code, output = _converse(
        ["users", "add", "dirk", "-c", str(config)],
        [
            ("Wachtwoord: ", "kort"),
            ("Wachtwoord: ", PASSWORD),
            ("Herhaal het wachtwoord: ", "iets anders dan dat"),
            ("Wachtwoord: ", PASSWORD),
            ("Herhaal het wachtwoord: ", PASSWORD),
        ],
    )
    assert code == 0, output
    assert "Te kort: wachtwoord: minimaal 12 tekens." in output
    assert "De wachtwoorden komen niet overeen" in output
    assert "Medewerker dirk aangemaakt." in output
    assert PASSWORD not in output and "Warning" not in output
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    with Session(engine) as session:
        assert verify_user(session, "dirk", PASSWORD) is not None
    engine.dispose()
