"""Operations endpoints: ``GET /readyz`` for load balancers and ``GET /metrics`` for Prometheus.

/readyz answers 200 with JSON when the database answers, its schema is current and the
scheduler (``tracker run``) has beaten within ``SCHEDULER_STALE``; otherwise 503 with the
reason. Deployments that drive everything from cron set ``[web] readyz_scheduler = false``.

/metrics reads what the database knows (scrape runs, events, outbox) at scrape time, so every
instance on one PostgreSQL database reports the same numbers; feed requests and 304 answers are
counted per process by a middleware.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.db import describe_error, schema_revisions
from tracker.models import Event, Heartbeat, OutboxMessage, OutboxStatus, ScrapeRun
from tracker.web.deps import now_utc

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
SCHEDULER_STALE = timedelta(minutes=3)  # the scheduler beats every minute


def install_ops(app: FastAPI) -> None:
    """Add /readyz, /metrics and the feed request counters to the app."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(DatabaseCollector(lambda: app.state.engine))
    requests = Counter("tracker_feed_requests", "Feed and calendar requests answered by this "
                       "process", ["feed"], registry=registry)  # fmt: skip
    not_modified = Counter("tracker_feed_not_modified", "Feed and calendar requests answered "
                           "304 by this process", ["feed"], registry=registry)  # fmt: skip
    app.state.metrics_registry = registry
    app.state.feed_counters = (requests, not_modified)
    app.include_router(router)


class FeedCounter:
    """Counts feed requests and 304s; outermost, so feeds answered from the cache count too."""

    def __init__(self, app: ASGIApp, counters: tuple[Counter, Counter]) -> None:
        self.app = app
        self.requests, self.not_modified = counters

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        feed = feed_name(scope["path"]) if scope["type"] == "http" else ""
        if not feed:
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.requests.labels(feed).inc()
                if message["status"] == 304:
                    self.not_modified.labels(feed).inc()
            await send(message)

        await self.app(scope, receive, counting_send)


def feed_name(path: str) -> str:
    """``alerts``, ``schemes`` or ``calendar`` for a feed path, else empty (a fixed label set)."""
    if path == "/calendar.ics":
        return "calendar"
    for name in ("alerts", "schemes"):
        if path.startswith(f"/feeds/{name}."):
            return name
    return ""


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    engine: Engine = request.app.state.engine
    need_scheduler: bool = request.app.state.config.web.readyz_scheduler
    now = now_utc(request)
    try:
        current, head = schema_revisions(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(col(Heartbeat.name), col(Heartbeat.beat_at))).all()
        beats: dict[str, datetime] = {row[0]: row[1] for row in rows}
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        logger.warning("readyz: %s", exc)
        return _not_ready(describe_error(exc, engine.url.render_as_string()), {})
    body: dict[str, object] = {
        "database": "ok",
        "schema": current,
        "scheduler_beat_at": _iso(beats.get("scheduler")),
        "last_tick_at": _iso(beats.get("tick")),
    }
    if current != head:
        return _not_ready(
            f"databaseschema {current or 'leeg'}, nodig {head}: voer `tracker db upgrade` uit", body
        )
    beat = beats.get("scheduler")
    if need_scheduler and beat is None:
        return _not_ready("de planner (tracker run) heeft nog nooit gedraaid", body)
    if need_scheduler and beat is not None and now - beat > SCHEDULER_STALE:
        minutes = int((now - beat).total_seconds() // 60)
        return _not_ready(f"de planner (tracker run) geeft al {minutes} minuten geen teken", body)
    return JSONResponse({"ready": True, **body})


def _not_ready(reason: str, body: dict[str, object]) -> JSONResponse:
    return JSONResponse({"ready": False, "reason": reason, **body}, status_code=503)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@router.get("/metrics")
def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class DatabaseCollector(Collector):
    """Metrics whose truth is the database, read at every scrape of /metrics."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self.engine = engine  # the app's engine, looked up at every scrape

    def describe(self) -> Iterable[Metric]:
        return []  # collected lazily: registering must not touch the database

    def collect(self) -> Iterable[Metric]:
        runs = CounterMetricFamily(
            "tracker_scrape_runs", "Scrape runs by source and status", labels=["source", "status"]
        )
        seconds = CounterMetricFamily(
            "tracker_scrape_run_seconds",
            "Total duration of finished scrape runs",
            labels=["source"],
        )
        last = GaugeMetricFamily(
            "tracker_scrape_last_run_seconds",
            "Duration of the newest finished scrape run",
            labels=["source"],
        )
        events = CounterMetricFamily("tracker_events", "Events created, by kind", labels=["kind"])
        sent = CounterMetricFamily("tracker_mails_sent", "Mails accepted by the SMTP server")
        failed = CounterMetricFamily(
            "tracker_mails_failed", "Mails given up on (refused or too many temporary failures)"
        )
        pending = GaugeMetricFamily("tracker_mails_pending", "Mails waiting to be sent")
        beat = GaugeMetricFamily(
            "tracker_heartbeat_timestamp_seconds",
            "Last sign of life (unix time) of the scheduler and the tick",
            labels=["name"],
        )
        try:
            with self.engine().connect() as conn:
                self._runs(conn, runs, seconds, last)
                for kind, count in conn.execute(
                    sa.select(col(Event.kind), sa.func.count()).group_by(col(Event.kind))
                ).all():
                    events.add_metric([kind], count)
                mails = dict(
                    conn.execute(
                        sa.select(col(OutboxMessage.status), sa.func.count())
                        .where(col(OutboxMessage.kind) != "item")
                        .group_by(col(OutboxMessage.status))
                    ).all()
                )
                for name, at in conn.execute(
                    sa.select(col(Heartbeat.name), col(Heartbeat.beat_at))
                ).all():
                    beat.add_metric([name], at.timestamp())
        except sa.exc.SQLAlchemyError as exc:
            logger.warning("metrics: database not readable: %s", exc)
            up = GaugeMetricFamily("tracker_database_up", "1 when the database answered")
            up.add_metric([], 0)
            yield up
            return
        sent.add_metric([], mails.get(OutboxStatus.SENT, 0))
        failed.add_metric(
            [], mails.get(OutboxStatus.FAILED, 0) + mails.get(OutboxStatus.REJECTED, 0)
        )
        pending.add_metric([], mails.get(OutboxStatus.PENDING, 0))
        up = GaugeMetricFamily("tracker_database_up", "1 when the database answered")
        up.add_metric([], 1)
        yield from (up, runs, seconds, last, events, sent, failed, pending, beat)

    def _runs(
        self,
        conn: sa.Connection,
        runs: CounterMetricFamily,
        seconds: CounterMetricFamily,
        last: GaugeMetricFamily,
    ) -> None:
        for source, status, count in conn.execute(
            sa.select(col(ScrapeRun.source_id), col(ScrapeRun.status), sa.func.count()).group_by(
                col(ScrapeRun.source_id), col(ScrapeRun.status)
            )
        ).all():
            runs.add_metric([source, status], count)
        duration = _duration_seconds(conn.dialect.name)
        finished = col(ScrapeRun.finished_at).is_not(None)
        for source, total in conn.execute(
            sa.select(col(ScrapeRun.source_id), sa.func.sum(duration))
            .where(finished)
            .group_by(col(ScrapeRun.source_id))
        ).all():
            seconds.add_metric([source], float(total or 0))
        newest = (
            sa.select(col(ScrapeRun.source_id), sa.func.max(col(ScrapeRun.id)).label("id"))
            .where(finished)
            .group_by(col(ScrapeRun.source_id))
            .subquery()
        )
        for source, value in conn.execute(
            sa.select(newest.c.source_id, duration).join(newest, newest.c.id == ScrapeRun.id)
        ).all():
            last.add_metric([source], float(value or 0))


def _duration_seconds(dialect: str) -> sa.ColumnElement[float]:
    """finished_at - started_at in seconds, in the database's own date arithmetic."""
    started, finished = col(ScrapeRun.started_at), col(ScrapeRun.finished_at)
    if dialect == "sqlite":
        return (sa.func.julianday(finished) - sa.func.julianday(started)) * 86400.0
    return sa.cast(sa.extract("epoch", finished - started), sa.Float)
