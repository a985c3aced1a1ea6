"""Staff accounts: create, list, verify. Passwords are hashed with Argon2id (argon2-cffi).

No web code here; the dashboard's login and the ``tracker users`` commands both come through.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from tracker.errors import TrackerError
from tracker.models import StaffSession, User, utcnow

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both paths cost the same time.
    Made on first use: an Argon2 hash takes 64 MiB and a quarter second, which every CLI
    command (scrape, notify) paid at import before (issue 14)."""
    return _HASHER.hash("timing-equaliser-not-a-password")


class UserError(TrackerError):
    """A staff account could not be created (the message is Dutch, for the operator)."""


def check_username(session: Session, username: str) -> str:
    """The normalised name if it is valid and free; checked before a password is asked for."""
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise UserError("gebruikersnaam: 2–64 tekens, kleine letters, cijfers, punt, - of _")
    if session.exec(select(User).where(User.username == name)).first() is not None:
        raise UserError(f"gebruiker {name!r} bestaat al")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"wachtwoord: minimaal {MIN_PASSWORD_LENGTH} tekens")


def create_user(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> User:
    """Add a staff account; the caller commits."""
    name = check_username(session, username)
    check_password(password)
    user = User(username=name, password_hash=_HASHER.hash(password), created_at=now or utcnow())
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> bool:
    """Give an existing account a new password and end all its sessions (the caller commits);
    False when there is no such account."""
    check_password(password)
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        return False
    user.password_hash = _HASHER.hash(password)
    session.add(user)
    revoke_sessions(session, user.username)  # a new password logs the user out everywhere
    return True


def revoke_sessions(session: Session, username: str) -> None:
    """Delete all server-side sessions of ``username``: logged out everywhere at once."""
    session.execute(
        sa.delete(StaffSession).where(col(StaffSession.username) == username.strip().lower())
    )


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def verify_user(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> User | None:
    """The active user whose password matches, else None; rehashes outdated hashes."""
    name = username.strip().lower()
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        _check(_dummy_hash(), password)
        return None
    if not _check(user.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    user.last_login_at = now or utcnow()
    session.add(user)
    return user


def _check(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
