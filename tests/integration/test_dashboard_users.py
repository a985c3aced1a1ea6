"""`tracker users add` and `tracker users list`, and that the stored hash is Argon2id."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.db import make_engine
from tracker.models import User
from tracker.staff.users import verify_user


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "t.db"}"\n', encoding="utf-8")
    return path


def test_users_add_prompts_hidden_and_hashes(tmp_path: Path) -> None:
    config = _config(tmp_path)
    runner = CliRunner()
    password = "een lang wachtwoord 42"
    result = runner.invoke(
        app, ["users", "add", "Anna", "-c", str(config)], input=f"{password}\n{password}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Medewerker anna aangemaakt." in result.output
    assert password not in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    with Session(engine) as session:
        user = session.exec(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert verify_user(session, "anna", password) is not None
        assert verify_user(session, "anna", "fout") is None
    listed = runner.invoke(app, ["users", "list", "-c", str(config)])
    assert listed.exit_code == 0 and "anna" in listed.output and "argon2" not in listed.output
    again = runner.invoke(
        app, ["users", "add", "anna", "-c", str(config)], input=f"{password}\n{password}\n"
    )
    assert again.exit_code == 2 and "bestaat al" in again.output
    short = runner.invoke(app, ["users", "add", "bob", "-c", str(config)], input="kort\nkort\n")
    assert short.exit_code == 2 and "minimaal 12 tekens" in short.output
    engine.dispose()
