"""Configuration: config.toml → frozen pydantic models.

Loaded once by the CLI and passed explicitly; no import-time settings. Unknown keys are errors,
and every error names the key and, where it can be found, the line in the file. Secrets never
live in the file: keys ending in ``_env`` name an environment variable.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from scrapers._regions import PROVINCES
from scrapers.base import DEFAULT_LOOK_BACK_DAYS, DEFAULT_MAX_PAGES
from tracker.errors import ConfigError
from tracker.windows.confidence import CALIBRATION

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = "config.toml"
CONFIG_ENV = "TRACKER_CONFIG"
DATABASE_ENV = "TRACKER_DATABASE_URL"

Level = Literal["rijk", "provincie", "eu"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseConfig(_Model):
    url: str = "sqlite:///data/tracker.db"


class HttpConfig(_Model):
    user_agent: str = "subsidie-tracker/0.1 (+mailto:platform@example.org)"
    timeout: float = Field(default=20.0, gt=0)
    connect_timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=1.0, ge=0)
    max_backoff: float = Field(default=60.0, ge=0)
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    min_delay: float = Field(default=0.5, ge=0)
    max_bytes: int = Field(default=10_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    respect_robots: bool = True
    run_budget: float = Field(default=600.0, gt=0)
    allow_private_hosts: bool = False
    # raw bodies of pages not fetched for this many days are dropped (0: keep them all);
    # bodies that carry an ETag or Last-Modified are kept, conditional requests need them
    body_retention_days: int = Field(default=90, ge=0)


def _web_address(url: str) -> str:
    """An absolute http(s) address; a typo (htps://, a missing scheme) fails the config check
    instead of every run of the source."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url != url.strip():
        raise ValueError(f"{url!r} is not an http(s) address such as https://www.rvo.nl/…")
    return url


class WebConfig(_Model):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    base_url: str = "http://127.0.0.1:8000"
    secret_key_env: str = "TRACKER_SECRET_KEY"
    # GET /readyz also requires a live scheduler (tracker run); false when cron drives the jobs
    readyz_scheduler: bool = True
    # seconds between checks of the data generation; after a scrape's writes settle, the
    # scheme lists requests used are built before the next request (0: off)
    warm_interval: float = Field(default=1.0, ge=0)

    # every link in feeds, calendar and mail starts with it
    _base_url = field_validator("base_url")(_web_address)


class FeedsConfig(_Model):
    max_items: int = Field(default=100, ge=1, le=5000)
    title: str = "Subsidieregelingen: signalen"
    cache_seconds: int = Field(default=300, ge=0)


class ReviewConfig(_Model):
    """Review queue (issue 6): which extractions wait for a staff member.

    The default threshold is the extractor's own publishing threshold (calibration.json), so a
    stored window is below it exactly when its extraction said ``review: true`` (issue 10).
    """

    confidence_threshold: float = Field(default=CALIBRATION.threshold, ge=0, le=1)
    hold_low_confidence: bool = True


class StaffConfig(_Model):
    """Staff dashboard (issue 6): sessions, login throttling, paging."""

    session_hours: int = Field(default=8, ge=1, le=24 * 30)
    login_attempts: int = Field(default=5, ge=1, le=100)
    login_window_seconds: int = Field(default=300, ge=1)
    page_size: int = Field(default=50, ge=5, le=500)


class SmtpConfig(_Model):
    """Outgoing mail (issue 5); the password comes from the variable ``password_env`` names."""

    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    password_env: str = "TRACKER_SMTP_PASSWORD"
    from_address: str = "signalen@example.org"
    from_name: str = "Subsidie-tracker"
    timeout: float = Field(default=30.0, gt=0)
    batch_size: int = Field(default=200, ge=1, le=10_000)
    max_attempts: int = Field(default=8, ge=1, le=100)

    @field_validator("from_address")
    @classmethod
    def _check_from(cls, value: str) -> str:
        # the shape only (a full check would import email_validator into every command)
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+", value):
            raise ValueError(f"{value!r} is not a mail address such as signalen@example.org")
        return value


class AlertsConfig(_Model):
    """Lifecycle events, digests and subscribe limits (issue 5)."""

    opening_soon_days: int = Field(default=14, ge=0, le=365)
    closing_soon_days: int = Field(default=7, ge=0, le=365)
    digest_hour: int = Field(default=7, ge=0, le=23)
    digest_weekday: int = Field(default=0, ge=0, le=6, description="0 = Monday")
    notify_minutes: int = Field(default=5, ge=1, le=1440)
    subscribe_per_client: int = Field(default=10, ge=1)
    subscribe_per_address: int = Field(default=3, ge=1)
    subscribe_window_minutes: int = Field(default=60, ge=1)
    confirm_days: int = Field(default=7, ge=1)


# the province list has one owner, scrapers._regions (scrapers may not import tracker)
PROVINCE_CODES = tuple(PROVINCES)


class RegionsConfig(_Model):
    """Region groups by name; the default is the four CBS landsdelen."""

    groups: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: {
            "noord": ("NL-GR", "NL-FR", "NL-DR"),
            "oost": ("NL-OV", "NL-FL", "NL-GE"),
            "west": ("NL-UT", "NL-NH", "NL-ZH", "NL-ZE"),
            "zuid": ("NL-NB", "NL-LI"),
        }
    )

    @field_validator("groups")
    @classmethod
    def _check_groups(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, codes in value.items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
                raise ValueError(f"group name {name!r}: use lowercase letters, digits, - and _")
            unknown = [c for c in codes if c not in PROVINCE_CODES]
            if unknown or not codes:
                raise ValueError(f"group {name!r}: unknown province codes {unknown}")
        return value


def _label_name(name: str) -> str:
    # lowercase, as feeds, forms and the API take them
    if not re.fullmatch(r"[a-z0-9][a-z0-9 _-]*", name):
        raise ValueError(f"name {name!r}: use lowercase letters, digits, -, _ and spaces")
    return name


def _keywords(keywords: tuple[str, ...]) -> tuple[str, ...]:
    # a theme or doelgroep is assigned by its keywords: none never tags, a blank one tags all
    if not keywords:
        raise ValueError("no keywords: it would never be assigned")
    if blank := [k for k in keywords if not k.strip()]:
        raise ValueError(f"blank keyword {blank[0]!r}: it would match every scheme")
    return keywords


LabelName = Annotated[str, AfterValidator(_label_name)]
Keywords = Annotated[tuple[str, ...], AfterValidator(_keywords)]

DEFAULT_THEMES: dict[str, tuple[str, ...]] = {
    "scholing": ("scholing", "opleiding", "leerwerk", "bbl", "leven lang ontwikkelen", "vakkracht"),
    "techniek": ("techniek", "technologie", "technisch", "maakindustrie", "digitalisering"),
    "arbeidsmarkt": ("arbeidsmarkt", "werkgelegenheid", "personeel", "werkzoekenden", "krapte"),
    "innovatie": ("innovatie", "onderzoek en ontwikkeling", "r&d", "mit-regeling", "kennis"),
    "energie": ("energie", "duurzame", "klimaat", "waterstof", "zonne", "warmte", "co2"),
}

DEFAULT_DOELGROEPEN: dict[str, tuple[str, ...]] = {
    "opleiders": ("opleider", "opleidingsinstituut", "scholingsaanbieder", "o&o-fonds"),
    "werkgevers": ("werkgever",),
    "samenwerkingsverbanden": ("samenwerkingsverband", "consortium", "regionale samenwerking"),
    "gemeenten": ("gemeente",),
    "onderwijsinstellingen": (
        "onderwijsinstelling",
        "mbo-instelling",
        "hogeschool",
        "universiteit",
    ),
    "mkb": ("mkb", "midden- en kleinbedrijf", "kleine ondernemingen", "ondernemer"),
}


def _check_cron(value: str | None) -> str | None:
    """The crontab line ``tracker run`` will use, parsed by the same code now (issue 13)."""
    if value is not None:
        from tracker.ops.cron import cron_trigger  # local: keeps APScheduler out of imports

        cron_trigger(value)
    return value


class DefaultsConfig(_Model):
    schedule: str = "0 6 * * *"
    _cron = field_validator("schedule")(_check_cron)
    look_back_days: int = Field(default=DEFAULT_LOOK_BACK_DAYS, ge=1)
    max_failures: int = Field(default=3, ge=1)
    # a run finding at most this share of the source's healthy baseline (``Source.
    # last_healthy_items``) is degraded: flagged, and no item counts as absent
    degraded_ratio: float = Field(default=0.5, ge=0, le=1)
    # a scheme is removed once every publication of it was absent from this many healthy runs
    # that read a changed listing (a 304 or identical page is no new absence) ...
    removal_runs: int = Field(default=3, ge=1)
    # ... and at least this many days have passed since its first absence
    removal_days: float = Field(default=2, ge=0)
    # a lower item count becomes the baseline only once every run for this many days (and at
    # least ``removal_runs`` runs) found fewer items than the baseline; a higher count at once
    baseline_days: float = Field(default=14, ge=0)
    max_pages: int = Field(default=DEFAULT_MAX_PAGES, ge=1)
    # true: a run with much to store stores it in a forked worker on a second core (issue 14:
    # tracker.ingest.storeproc), ~30% faster from a few thousand new pages on, ~20 MB more
    store_process: bool = False


class SourceConfig(_Model):
    scraper: str = ""
    title: str = ""
    url: str = ""
    urls: tuple[str, ...] = ()
    level: Level
    regions: tuple[str, ...] = ()
    schedule: str | None = None
    _cron = field_validator("schedule")(_check_cron)
    enabled: bool = True
    look_back_days: int | None = Field(default=None, ge=1)
    max_pages: int | None = Field(default=None, ge=1)
    scheme: str | None = None
    themes: tuple[str, ...] = ()
    # the body behind a page that does not name itself (RVO, a province), for html scrapers
    publisher: str = ""
    # last day the source's request and selectors were checked against the live service
    # (`tracker check`); None: never verified
    verified: date | None = None
    # what that check covered and what is still open, in a sentence
    verified_note: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return _web_address(value) if value else value

    @field_validator("urls")
    @classmethod
    def _check_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_web_address(url) for url in value)

    @field_validator("regions")
    @classmethod
    def _check_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # a code of the right shape but no province (NL-GL for Gelderland) would silently keep
        # the source's schemes out of every regional feed and digest
        for region in value:
            if region not in PROVINCE_CODES:
                raise ValueError(
                    f"region {region!r} is not a province code; use one of "
                    + ", ".join(PROVINCE_CODES)
                )
        return value

    def all_urls(self) -> tuple[str, ...]:
        return ((self.url,) if self.url else ()) + self.urls


class Config(_Model):
    database: DatabaseConfig = DatabaseConfig()
    http: HttpConfig = HttpConfig()
    web: WebConfig = WebConfig()
    feeds: FeedsConfig = FeedsConfig()
    defaults: DefaultsConfig = DefaultsConfig()
    review: ReviewConfig = ReviewConfig()
    staff: StaffConfig = StaffConfig()
    smtp: SmtpConfig = SmtpConfig()
    alerts: AlertsConfig = AlertsConfig()
    regions: RegionsConfig = RegionsConfig()
    themes: dict[LabelName, Keywords] = Field(default_factory=lambda: dict(DEFAULT_THEMES))
    doelgroepen: dict[LabelName, Keywords] = Field(
        default_factory=lambda: dict(DEFAULT_DOELGROEPEN)
    )
    sources: dict[str, SourceConfig] = Field(default_factory=dict)
    path: str = ""

    def scraper_name(self, source_id: str) -> str:
        return self.sources[source_id].scraper or source_id

    def enabled_sources(self) -> list[str]:
        return [sid for sid, src in self.sources.items() if src.enabled]


def resolve_path(path: str | Path | None) -> Path:
    """--config, else $TRACKER_CONFIG, else ./config.toml."""
    if path:
        return Path(path)
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | Path | None = None, *, check_scrapers: bool = True) -> Config:
    """Read, validate and return the configuration; raise ConfigError naming key and line."""
    file = resolve_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read config file ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from exc
    if env_url := os.environ.get(DATABASE_ENV):
        data.setdefault("database", {})
        if isinstance(data["database"], dict):
            data["database"]["url"] = env_url
    data["path"] = str(file)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(file, text, exc)) from exc
    if check_scrapers:
        _check_sources(file, text, config)
    return config


def _check_sources(file: Path, text: str, config: Config) -> None:
    import scrapers  # local: config must stay importable without loading every scraper

    for source_id, source in config.sources.items():
        name = config.scraper_name(source_id)
        try:
            scraper = scrapers.get(name)
        except KeyError:
            key = f"sources.{source_id}.scraper"
            raise ConfigError(
                f"{_where(file, text, key)}: {key}: unknown scraper {name!r} "
                f"(known: {', '.join(scrapers.all_scrapers())})"
            ) from None
        if not source.all_urls():
            key = f"sources.{source_id}.url"
            raise ConfigError(f"{_where(file, text, f'sources.{source_id}')}: {key}: missing")
        # a provincial scheme without a province would reach every province's feeds
        if source.level == "provincie" and not source.regions and not scraper.regions_from_items:
            key = f"sources.{source_id}.regions"
            raise ConfigError(
                f"{_where(file, text, f'sources.{source_id}')}: {key}: missing: a provincial "
                f'source of scraper {name!r} needs its province, such as regions = ["NL-GE"]'
            )
        # a theme no feed knows (a typo) would keep the source's schemes out of its theme feed
        if unknown := [t for t in source.themes if t not in config.themes]:
            key = f"sources.{source_id}.themes"
            raise ConfigError(
                f"{_where(file, text, key)}: {key}: unknown theme {unknown[0]!r} "
                f"(known: {', '.join(config.themes)})"
            )
        try:
            scraper.Options.model_validate(source.options)
        except ValidationError as exc:
            raise ConfigError(
                _describe(file, text, exc, prefix=f"sources.{source_id}.options")
            ) from exc


def _describe(file: Path, text: str, exc: ValidationError, prefix: str = "") -> str:
    lines = []
    for error in exc.errors():
        # "[key]": pydantic's mark of a dict key that failed, not a key of the file
        parts = [str(p) for p in error["loc"] if p != "[key]"]
        key = ".".join(([prefix] if prefix else []) + parts)
        msg = error["msg"]
        if error["type"] == "extra_forbidden":
            msg = "unknown key"
        lines.append(f"{_where(file, text, key)}: {key}: {msg}")
    return "\n".join(lines)


def _where(file: Path, text: str, key: str) -> str:
    line = find_line(text, key)
    return f"{file}:{line}" if line else str(file)


def find_line(text: str, key: str) -> int | None:
    """Best-effort line number of a dotted key in TOML text (tables, dotted and inline keys)."""
    parts = key.split(".")
    table: list[str] = []
    best: int | None = None
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    assign = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if m := header.match(line):
            table = [p.strip().strip('"') for p in m.group(1).split(".")]
            if table == parts[: len(table)] and best is None and len(table) == len(parts):
                best = number
            continue
        if m := assign.match(line):
            full = table + [p.strip().strip('"') for p in m.group(1).split(".")]
            if full == parts:
                return number
            if full == parts[: len(full)]:
                # inline table such as options = { item = "…" }: look for the inner key
                inner = parts[len(full) :]
                if not inner or re.search(rf"\b{re.escape(inner[0])}\s*=", line):
                    return number
    if best is None and len(parts) > 1:
        return find_line(text, ".".join(parts[:-1]))
    return best


def secret(name_env: str) -> str | None:
    """Value of the environment variable a ``*_env`` key names."""
    return os.environ.get(name_env) if name_env else None


def masked_dump(config: Config) -> dict[str, Any]:
    """The effective configuration for display, with credentials in URLs masked."""
    data = config.model_dump(mode="json")
    url = data["database"]["url"]
    data["database"]["url"] = re.sub(r"://([^:/@]+):([^@]+)@", r"://\1:***@", url)
    return data
