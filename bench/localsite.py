"""A local site of scheme pages on 20 loopback hosts, for the scrape benchmark.

Each host (127.0.0.1 … 127.0.0.20, one port) serves its share of N scheme pages of 30–58 KB,
written like a provincial or RVO scheme page: navigation, a title "Subsidie <onderwerp> <jaar>
(regeling i)", an application window sentence, a budget and a long footer. Every response waits
`latency` seconds first, like a remote server. Pages carry an ETag and answer 304 to a matching
If-None-Match, so a watcher that sends conditional requests can skip unchanged bodies.

The server counts requests in flight per host, so the benchmark can show that a client kept
within its per-host limit. `generation` changes the dates of every tenth page.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.read.timefmt import format_date_nl as nl_date  # noqa: E402

HOSTS = 20
TOPICS = [
    "scholing",
    "leven lang ontwikkelen",
    "praktijkleren",
    "innovatie",
    "energiebesparing",
    "cultureel erfgoed",
    "sportaccommodaties",
    "arbeidsmarkt",
    "vrijwilligerswerk",
    "dorpshuizen",
]
FILLER = (
    "De provincie ondersteunt initiatieven die bijdragen aan een sterke regionale economie en "
    "een goed opgeleide beroepsbevolking. Lees voor het aanvragen de voorwaarden en de "
    "veelgestelde vragen. Neem bij twijfel contact op met het subsidieloket. "
)


@dataclass(frozen=True)
class PageTruth:
    """What a correct scraper stores for one page."""

    index: int
    title: str
    opens: date
    closes: date


def page_truth(index: int, generation: int) -> PageTruth:
    year = 2026 + index % 3
    topic = TOPICS[index % len(TOPICS)]
    opens = date(year, 1 + index % 9, 1 + index % 25)
    if generation and index % 10 == 0:
        opens += timedelta(days=7 * generation)
    closes = opens + timedelta(days=28 + index % 30)
    return PageTruth(index, f"Subsidie {topic} {year} (regeling {index})", opens, closes)


def page_html(index: int, generation: int) -> bytes:
    truth = page_truth(index, generation)
    budget = f"€ {1 + index % 9}.{index % 10}00.000"
    size = 30_000 + (index * 977) % 28_000
    nav = "".join(f'<li><a href="/onderwerp/{i}">Onderwerp {i}</a></li>' for i in range(40))
    body = (
        f"<h1>{truth.title}</h1>"
        f"<p>Met deze regeling ondersteunen wij projecten op het gebied van "
        f"{TOPICS[index % len(TOPICS)]}.</p>"
        f"<h2>Aanvragen</h2><p>U kunt de subsidie aanvragen van {nl_date(truth.opens)} tot en met "
        f"{nl_date(truth.closes)}. Het subsidieplafond bedraagt {budget}.</p>"
        f"<p>Het besluit volgt binnen 13 weken na sluiting van de aanvraagperiode.</p>"
    )
    head = (
        f"<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>{truth.title} | "
        f"Provincie</title></head><body><header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article>{body}</article></main><footer>"
    )
    tail = "</footer></body></html>"
    filler = (FILLER * (size // len(FILLER) + 1))[: max(0, size - len(head) - len(tail))]
    return (head + f"<p>{filler}</p>" + tail).encode()


def host_of(index: int) -> str:
    return f"127.0.0.{1 + index % HOSTS}"


@dataclass
class Site:
    """N pages over 20 loopback hosts on one port; counts requests in flight per host."""

    pages: int
    latency: float = 0.05
    generation: int = 0
    port: int = 0
    requests: int = 0
    not_modified: int = 0
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)

    def url(self, index: int) -> str:
        return f"http://{host_of(index)}:{self.port}/regelingen/{index}"

    def start(self) -> Site:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                host = self.server.server_address[0]
                with site._lock:
                    site.requests += 1
                    site.in_flight[host] = site.in_flight.get(host, 0) + 1
                    site.max_in_flight[host] = max(
                        site.max_in_flight.get(host, 0), site.in_flight[host]
                    )
                self._counted = True
                try:
                    time.sleep(site.latency)
                    self._answer()
                finally:
                    self._leave()

            def _leave(self) -> None:
                # before the response leaves: once the client has it, it may send the next
                # request, which must not overlap this one in the count
                if getattr(self, "_counted", False):
                    self._counted = False
                    host = self.server.server_address[0]
                    with site._lock:
                        site.in_flight[host] -= 1

            def _answer(self) -> None:
                if self.path == "/robots.txt":
                    body = b"User-agent: *\nAllow: /\n"
                    self._send(200, body, "text/plain", '"robots"')
                    return
                try:
                    index = int(self.path.rsplit("/", 1)[1])
                except ValueError:
                    self._send(404, b"niet gevonden", "text/plain", None)
                    return
                body = page_html(index, site.generation)
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    with site._lock:
                        site.not_modified += 1
                    self._send(304, b"", None, etag)
                    return
                self._send(200, body, "text/html; charset=utf-8", etag)

            def _send(self, code: int, body: bytes, ctype: str | None, etag: str | None) -> None:
                self.send_response(code)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self._leave()
                self.end_headers()
                if body:
                    self.wfile.write(body)

        first = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = first.server_address[1]
        self._servers = [first]
        for i in range(2, HOSTS + 1):
            self._servers.append(ThreadingHTTPServer((f"127.0.0.{i}", self.port), Handler))
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def reset_counters(self) -> None:
        with self._lock:
            self.requests = 0
            self.not_modified = 0
            self.max_in_flight = {}
