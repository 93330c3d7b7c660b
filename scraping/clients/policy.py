"""Which URLs the fetcher may touch, checked before a request and again at connect.

`HostPolicy.check(url)` is the validate step: http/https only, no userinfo, the host
must be a Craigslist domain or listed in SCRAPE_ALLOWED_HOSTS, IP literals only when
listed, `/reply` never, and a contact e-mail for Craigslist. `GuardedBackend` is the
connect step: httpx hands it every (host, port) it is about to open; Craigslist names
are resolved there and refused if any address is private, loopback, link-local,
reserved or multicast, and the socket is opened to the address that was checked, so
a DNS answer cannot change between the check and the connection.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from .config import FetcherConfig
from .errors import ContactEmailMissing, DisallowedPath, HostNotAllowed

Resolver = Callable[[str, int], Awaitable[list[str]]]

# Registrable two-label suffixes under which Craigslist runs sites (craigslist.com.cn
# and friends). A single-label TLD is accepted as is; anything else, such as
# craigslist.evil.com, is someone else's domain.
_TWO_LABEL_SUFFIXES = frozenset(
    {
        "com.cn", "com.au", "co.uk", "co.nz", "co.in", "co.jp", "co.kr", "co.za",
        "com.mx", "com.br", "com.ar", "com.hk", "com.ph", "com.sg", "com.tr", "com.tw",
    }
)  # fmt: skip
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_craigslist_host(host: str) -> bool:
    """True for craigslist.<tld> and its subdomains (sfbay.craigslist.org, …)."""
    labels = host.lower().rstrip(".").split(".")
    if not all(_LABEL_RE.match(label) for label in labels):
        return False
    for suffix_len in (1, 2):
        if len(labels) < suffix_len + 1 or labels[-suffix_len - 1] != "craigslist":
            continue
        suffix = labels[-suffix_len:]
        if suffix_len == 1 and suffix[0].isalpha():
            return True
        if suffix_len == 2 and ".".join(suffix) in _TWO_LABEL_SUFFIXES:
            return True
    return False


def is_public_address(address: str) -> bool:
    """True when `address` is a globally routable unicast IP."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def _parse_allowed_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if "://" in entry:
        entry = urlsplit(entry).netloc
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:
        host, port = entry, ""
    return host.rstrip("."), int(port) if port else None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve `host` with getaddrinfo in the loop's thread pool."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed `HostPolicy.check`, with what the fetcher needs from it."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    is_craigslist: bool

    @property
    def key(self) -> str:
        """Rate-limit key: one bucket per host and port."""
        return f"{self.host}:{self.port}"

    @property
    def origin(self) -> str:
        """scheme://host[:port] as robots.txt is scoped (RFC 9309 §2.3)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"


class HostPolicy:
    """The allowlist, the `/reply` rule and the per-host request interval."""

    def __init__(self, config: FetcherConfig, resolver: Resolver | None = None) -> None:
        self.config = config
        self._resolver = resolver or system_resolver
        self._listed = [_parse_allowed_entry(e) for e in config.allowed_hosts if e]

    def is_listed(self, host: str, port: int) -> bool:
        """True when SCRAPE_ALLOWED_HOSTS names this host (and its port, if given)."""
        host = host.lower().rstrip(".")
        return any(h == host and p in (None, port) for h, p in self._listed)

    def check(self, url: str) -> Target:
        """Validate `url` before any connection; raise a FetchError if refused."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise HostNotAllowed(f"not a valid URL: {exc}", url=url) from None
        scheme = parsed.scheme
        if scheme not in _DEFAULT_PORTS:
            raise HostNotAllowed(f"scheme {scheme!r} is not http/https", url=url)
        if parsed.userinfo:
            raise HostNotAllowed("URLs with user info are refused", url=url)
        host = parsed.raw_host.decode("ascii").lower().rstrip(".")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not host:
            raise HostNotAllowed("URL has no host", url=url)
        port = parsed.port or _DEFAULT_PORTS[scheme]
        path = parsed.path or "/"
        if "/reply" in path.lower():
            raise DisallowedPath(f"{path} is never fetched (reply form)", url=url)
        target = Target(str(parsed), scheme, host, port, path, is_craigslist=False)
        if self.is_listed(host, port):
            return target
        if self._is_ip_literal(host):
            raise HostNotAllowed(
                f"IP literal {host} is refused unless listed in SCRAPE_ALLOWED_HOSTS",
                url=url,
            )
        if not is_craigslist_host(host):
            raise HostNotAllowed(f"{host} is not a Craigslist host", url=url)
        if not self.config.live_craigslist:
            raise HostNotAllowed("live Craigslist fetching is switched off", url=url)
        if not self.config.has_contact:
            raise ContactEmailMissing(
                "set CRAIGLEADS_CONTACT_EMAIL to a valid address before fetching "
                "from Craigslist (it goes in the User-Agent)",
                url=url,
            )
        return Target(str(parsed), scheme, host, port, path, is_craigslist=True)

    def interval_for(self, target: Target, crawl_delay: float | None = None) -> float:
        """Seconds between two requests to the target's host, margin included."""
        if target.is_craigslist:
            rate = self.config.craigslist_rate
        elif self.is_listed(target.host, target.port):
            rate = self.config.test_host_rate
        else:  # unreachable after check(); be as slow as Craigslist
            rate = self.config.craigslist_rate
        interval = max(1.0 / rate, crawl_delay or 0.0)
        return interval * (1.0 + self.config.rate_margin)

    async def connect_address(self, host: str, port: int) -> str:
        """The address to open for (host, port), refusing anything off the allowlist."""
        host = host.lower().rstrip(".")
        if self.is_listed(host, port):
            return host
        if self._is_ip_literal(host) or not is_craigslist_host(host):
            raise HostNotAllowed(f"refusing to connect to {host}:{port}")
        try:
            addresses = await self._resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no addresses")
        bad = [a for a in addresses if not is_public_address(a)]
        if bad:
            raise HostNotAllowed(f"{host} resolves to non-public address {bad[0]}")
        return addresses[0]

    @staticmethod
    def _is_ip_literal(host: str) -> bool:
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return False
        return True


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that asks the policy where to connect."""

    def __init__(
        self, policy: HostPolicy, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self._policy.connect_address(host, port)
        # TLS server_hostname comes from the request origin, not from `address`,
        # so certificates are still checked against the Craigslist name.
        return await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise HostNotAllowed("unix sockets are never used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs milliseconds; one context serves every fetcher.
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connection pool connects only through `GuardedBackend`."""

    def __init__(self, policy: HostPolicy, *, limits: httpx.Limits) -> None:
        super().__init__(verify=_ssl_context(), limits=limits, trust_env=False)
        # httpx does not take a network backend, so build the pool it would have
        # built (public httpcore API) with ours; handle_async_request uses _pool.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(policy),
        )
