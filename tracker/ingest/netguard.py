"""SSRF guard for URLs that staff type into the dashboard and for every request a scrape makes.

Only http(s) URLs whose host resolves exclusively to public addresses pass, unless the
configuration explicitly allows private hosts (``[http] allow_private_hosts``, used by the demo
and the tests, which serve everything on loopback). ``HopGuard`` applies the same rule to every
request of a scrape, redirect hops included, except to the origins of the sources in the
configuration file (the operator's choice; not those staff typed): it returns the checked
address, and the fetcher connects to exactly that address, so DNS cannot point the connection
elsewhere between check and connect. Pure apart from name resolution, which is injected so
tests never touch DNS. No fetching happens here.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tracker.errors import TrackerError

logger = logging.getLogger(__name__)

Resolver = Callable[[str], Iterable[str]]
ALLOWED_SCHEMES = ("http", "https")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class UnsafeUrlError(TrackerError):
    """The URL is not an http(s) URL on a public host; the message is Dutch, for staff."""


def resolve_host(host: str) -> list[str]:
    """Every address the host name resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052, the IPv4 address in the last 32 bits
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215, local use
_IPV4_COMPATIBLE = ipaddress.IPv6Network(
    "::/96"
)  # deprecated, the IPv4 address in the last 32 bits


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and reaches (mapped, NAT64, 6to4, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True for globally routable unicast addresses only. An IPv6 address that embeds an IPv4
    address (``::ffff:a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``, 6to4 ``2002:aabb:ccdd::``,
    ``::a.b.c.d``) is judged by that IPv4 address: ``is_global`` of Python 3.11 called
    ``64:ff9b::a9fe:a9fe`` (the metadata address) public. Site-local ``fec0::/10`` and
    local-use NAT64 are never public."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in _NAT64_LOCAL:
            return False
        if (embedded := _embedded_ipv4(ip)) is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def check_source_url(
    url: str, *, allow_private: bool = False, resolve: Resolver = resolve_host
) -> str:
    """Return the URL, stripped, when it is safe to fetch; raise UnsafeUrlError otherwise."""
    text = url.strip()
    if _CONTROL.search(text):
        # urlsplit would silently drop a tab or newline; the URL is refused instead
        raise UnsafeUrlError("de URL bevat een spatie of een stuurteken")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrlError(f"ongeldige URL: {exc}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeUrlError("alleen http- en https-adressen zijn toegestaan")
    host = parts.hostname
    if not host:
        raise UnsafeUrlError("de URL mist een hostnaam")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrlError("gebruikersnaam of wachtwoord in de URL is niet toegestaan")
    if port == 0:
        raise UnsafeUrlError("poort 0 is ongeldig")
    if allow_private:
        return text
    addresses = _addresses(host, resolve)
    for address in addresses:
        if not is_public_address(address):
            logger.warning("refused staff URL %s: %s resolves to %s", text, host, address)
            raise UnsafeUrlError(
                f"host {host!r} wijst naar een intern adres ({address}); dat is niet toegestaan"
            )
    return text


def _addresses(host: str, resolve: Resolver) -> list[str]:
    """The host's addresses (an IP literal is its own); raise UnsafeUrlError when there are none."""
    try:
        addresses = [host] if _is_ip_literal(host) else list(resolve(host))
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrlError(f"host {host!r} is niet te vinden ({exc})") from None
    if not addresses:
        raise UnsafeUrlError(f"host {host!r} is niet te vinden")
    return addresses


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def origin(url: str) -> str:
    """scheme://host:port of a URL, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


@dataclass(frozen=True)
class HopGuard:
    """The SSRF rule for each request of a scrape (redirect hops included)."""

    allow_private: bool = False
    trusted_origins: frozenset[str] = frozenset()
    resolve: Resolver = field(default=resolve_host)

    def address_for(self, url: str) -> str | None:
        """The address to connect to (None: connect as usual); raise UnsafeUrlError."""
        if self.allow_private or origin(url) in self.trusted_origins:
            return None
        host = urlsplit(url).hostname or ""
        addresses = _addresses(host, self.resolve)
        for address in addresses:
            if not is_public_address(address):
                logger.warning("refused request to %s: %s resolves to %s", url, host, address)
                raise UnsafeUrlError(
                    f"{url}: host {host!r} wijst naar een intern adres ({address}); geweigerd"
                )
        return addresses[0]
