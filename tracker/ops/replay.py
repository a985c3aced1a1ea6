"""A loopback HTTP server that replays recorded or modelled source payloads.

Used by ``tracker demo`` and by the integration tests, so both exercise the real fetch path
(headers, robots.txt, conditional requests, errors) without touching the internet. Each real
origin is mirrored under its host name: ``https://repository.overheid.nl/sru`` is served as
``http://127.0.0.1:PORT/repository.overheid.nl/sru``, and absolute links inside payloads are
rewritten the same way. It binds to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)

TEXT_TYPES = ("xml", "html", "json", "text", "rss", "atom")


@dataclass
class Route:
    url: str
    file: str = ""
    query: dict[str, str] = field(default_factory=dict)
    # substring matches on query parameters, for long values such as CQL queries
    query_contains: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    content_type: str = "application/xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    truncate: bool = False
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # answer ``status`` this many times, then 200 (for retry tests); 0 means always ``status``
    fail_first: int = 0
    served: int = 0

    @property
    def host_path(self) -> str:
        parts = urlsplit(self.url)
        return f"/{parts.netloc}{parts.path or '/'}"


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    status: int


def load_routes(manifest: Path) -> list[Route]:
    """Read a replay manifest (``[[route]]`` tables) next to its payload files."""
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    routes = []
    for item in data.get("route", []):
        routes.append(Route(**{k: v for k, v in item.items() if k != "note"}))
    return routes


_ROOT_RELATIVE = re.compile(rb"""(\s(?:href|src|action)\s*=\s*["'])/(?!/)""", re.IGNORECASE)


def absolutise(body: bytes, page_url: str) -> bytes:
    """Root-relative links (``href="/pad"``) made absolute on the page's real origin.

    The mirror serves a page under ``/host/…``, so a browser or scraper would resolve ``/pad``
    to the loopback root and lose the host: the demo then stored ``https://pad`` as the
    scheme's URL. :meth:`ReplayServer.rewrite` then points the links it serves at the mirror.
    """
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}".encode()
    return _ROOT_RELATIVE.sub(lambda m: m.group(1) + origin + b"/", body)


class ReplayServer:
    """Serve ``routes`` from ``root``; start() in a thread, stop() when done."""

    def __init__(self, root: Path, routes: list[Route], *, port: int = 0) -> None:
        self.root = root
        self.routes = routes
        self.hits: list[Hit] = []
        self.robots = "User-agent: *\nAllow: /\n"
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def mirror(self, url: str) -> str:
        """The loopback URL that serves the real ``url``."""
        parts = urlsplit(url)
        local = f"{self.base_url}/{parts.netloc}{parts.path}"
        return f"{local}?{parts.query}" if parts.query else local

    def unmirror(self, url: str) -> str:
        """The real URL behind a loopback ``url`` (others unchanged): what users may follow.

        The scheme comes from the route serving that host (https when none does).
        """
        prefix = f"{self.base_url}/"
        if not url.startswith(prefix):
            return url
        rest = url[len(prefix) :]
        host = rest.split("/", 1)[0].split("?", 1)[0]
        schemes = {urlsplit(r.url).scheme for r in self.routes if urlsplit(r.url).netloc == host}
        scheme = "http" if schemes == {"http"} else "https"
        return f"{scheme}://{rest}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _origins(self) -> list[str]:
        return sorted({urlsplit(r.url).netloc for r in self.routes}, key=len, reverse=True)

    def rewrite(self, body: bytes) -> bytes:
        """Point absolute links at the mirror, but only links to resources it serves.

        Links to other pages of a mirrored host (an official publication's HTML page, say)
        stay real, so what is stored and shown is the real URL.
        """
        served = {r.host_path for r in self.routes}
        hosts = "|".join(re.escape(h) for h in self._origins())
        if not hosts:
            return body
        pattern = re.compile(rb"https?://(" + hosts.encode() + rb")(/[^\s\"'<>?#]*)?")

        def swap(match: re.Match[bytes]) -> bytes:
            host = match.group(1).decode()
            path = (match.group(2) or b"/").decode()
            if f"/{host}{path}" in served:
                return f"{self.base_url}/{host}".encode() + (match.group(2) or b"")
            return match.group(0)

        return pattern.sub(swap, body)

    def find(self, method: str, path: str, query: dict[str, str]) -> Route | None:
        for route in self.routes:
            if route.method != method or route.host_path != path:
                continue
            if not all(query.get(k) == v for k, v in route.query.items()):
                continue
            if all(v in query.get(k, "") for k, v in route.query_contains.items()):
                return route
        return None

    def _body(self, route: Route) -> bytes:
        raw = route.body if route.body is not None else (self.root / route.file).read_bytes()
        if "html" in route.content_type:
            raw = absolutise(raw, route.url)
        if any(t in route.content_type for t in TEXT_TYPES):
            raw = self.rewrite(raw)
        return raw

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                logger.debug("replay: " + format, *args)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                self._serve("POST")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if parts.path == "/robots.txt":
                    self._send(200, server.robots.encode(), "text/plain", {})
                    server.hits.append(Hit(method, self.path, headers, 200))
                    return
                route = server.find(method, parts.path, dict(parse_qsl(parts.query)))
                if route is None:
                    server.hits.append(Hit(method, self.path, headers, 404))
                    self._send(404, b"not found", "text/plain", {})
                    return
                if route.delay:
                    time.sleep(route.delay)
                body = server._body(route)
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                extra = {"ETag": etag, "Last-Modified": "Wed, 25 Nov 2026 09:00:00 GMT"}
                extra.update(route.headers)
                route.served += 1
                status = route.status
                if route.fail_first and route.served > route.fail_first:
                    status = 200
                if status == 200 and headers.get("if-none-match") == etag:
                    status = 304
                server.hits.append(Hit(method, self.path, headers, status))
                if status == 304:
                    self._send(304, b"", route.content_type, extra)
                    return
                self._send(status, body, route.content_type, extra, truncate=route.truncate)

            def _send(
                self,
                status: int,
                body: bytes,
                ctype: str,
                extra: dict[str, str],
                truncate: bool = False,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                length = len(body) + (1000 if truncate else 0)
                self.send_header("Content-Length", str(length) if status != 304 else "0")
                for key, value in extra.items():
                    self.send_header(key, value)
                if truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
                if truncate:
                    self.close_connection = True

        return Handler
