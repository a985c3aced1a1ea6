"""Exception hierarchy.

TrackerError
 ├── ConfigError   a broken config file: names the key and, where known, the line
 ├── DatabaseError the database is unreachable, missing, read-only or its schema is behind
 ├── FetchError    network, HTTP status, size or robots.txt refusal while fetching a source
 └── NotifyError   SMTP delivery problems
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error this application raises on purpose."""


class ConfigError(TrackerError):
    """The configuration file is invalid; the message names the key and line."""


class DatabaseError(TrackerError):
    """The database cannot be used; the message is one line for the operator (Dutch)."""


class FetchError(TrackerError):
    """A source could not be fetched; the run fails and stored data stays as it is."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class NotifyError(TrackerError):
    """An alert could not be delivered."""
