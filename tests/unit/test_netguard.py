"""The SSRF guard for staff-entered source URLs, with an injected resolver (no DNS)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from tracker.ingest.netguard import UnsafeUrlError, check_source_url, is_public_address

PUBLIC = {"repository.overheid.nl": ["145.21.1.10"], "www.rvo.nl": ["2a00:1450:400e:80d::2004"]}
PRIVATE = {
    "localhost": ["127.0.0.1", "::1"],
    "intranet.example": ["10.1.2.3"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": ["145.21.1.10", "192.168.1.5"],
    "cgnat.example": ["100.64.0.1"],
}


def fake_resolve(host: str) -> Iterable[str]:
    table = {**PUBLIC, **PRIVATE}
    if host not in table:
        raise OSError("Name or service not known")
    return table[host]


@pytest.mark.parametrize(
    "url",
    [
        "https://repository.overheid.nl/sru?query=x",
        "http://www.rvo.nl/subsidies",
        "  https://repository.overheid.nl/  ",
        "https://145.21.1.10:8443/",
    ],
)
def test_public_http_urls_pass(url: str) -> None:
    assert check_source_url(url, resolve=fake_resolve) == url.strip()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "alleen http"),
        ("javascript:alert(1)", "alleen http"),
        ("gopher://repository.overheid.nl/", "alleen http"),
        ("ftp://repository.overheid.nl/", "alleen http"),
        ("https:///pad-zonder-host", "hostnaam"),
        ("http://localhost:8000/", "intern adres"),
        ("http://127.0.0.1/", "intern adres"),
        ("http://[::1]/", "intern adres"),
        ("http://[::ffff:127.0.0.1]/", "intern adres"),
        ("http://0.0.0.0/", "intern adres"),
        ("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "intern adres"),
        ("http://169.254.169.254/latest/meta-data/", "intern adres"),
        ("http://metadata.example/", "intern adres"),
        ("http://intranet.example/", "intern adres"),
        ("http://mixed.example/", "intern adres"),
        ("http://cgnat.example/", "intern adres"),
        ("http://224.0.0.1/", "intern adres"),
        ("http://user:pw@repository.overheid.nl/", "wachtwoord"),
        ("http://does-not-exist.example/", "niet te vinden"),
        ("http://repository.overheid.nl:99999/", "ongeldige URL"),
        # urlsplit drops tab/CR/LF, so the stored URL would differ from the checked one
        ("https://repository.overheid.nl/a\nATTACH:x", "stuurteken"),
        ("https://repository.overheid.nl/a b", "spatie"),
    ],
)
def test_unsafe_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeUrlError, match=reason):
        check_source_url(url, resolve=fake_resolve)


def test_private_hosts_pass_only_when_config_allows() -> None:
    url = "http://127.0.0.1:8765/repository.overheid.nl/sru"
    with pytest.raises(UnsafeUrlError):
        check_source_url(url, resolve=fake_resolve)
    assert check_source_url(url, allow_private=True, resolve=fake_resolve) == url
    # the scheme rule holds even when private hosts are allowed
    with pytest.raises(UnsafeUrlError):
        check_source_url("file:///etc/passwd", allow_private=True, resolve=fake_resolve)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("145.21.1.10", True),
        ("8.8.8.8", True),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("240.0.0.1", False),
        ("2a00:1450:400e:80d::2004", True),
        # IPv6 forms that carry an IPv4 address are judged by it (is_global did not)
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::808:808", True),
        ("64:ff9b:1::808:808", False),  # local-use NAT64 prefix
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:808:808::1", True),
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1
        ("::a9fe:a9fe", False),
        ("::ffff:169.254.169.254", False),
        ("fec0::1", False),  # site-local
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public
