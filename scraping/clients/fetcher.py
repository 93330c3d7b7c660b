"""The polite fetcher: every outbound request to Craigslist (or a listed test site).

One `fetch` = allowlist and `/reply` check → robots.txt (cached) → per-host rate
limit → GET with a size cap → retries with backoff on 429/5xx/timeouts → redirects
followed by hand, each hop checked again before it is requested.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

import anyio
import httpx

from .config import ROBOTS_MAX_BYTES, FetcherConfig
from .errors import (
    DisallowedByRobots,
    FetchError,
    ResponseTooLarge,
    TooManyRedirects,
    TransientFetchError,
)
from .policy import GuardedTransport, HostPolicy, Resolver, Target
from .ratelimit import HostRateLimiter, default_rate_limiter
from .robots import RobotsCache, RobotsRules, default_robots_cache

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "retry-after",
    "location",
    "cache-control",
    "date",
    "expires",
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetched URL. 404/410 and other non-retryable statuses are results too.

    `not_modified` is True after a 304 answer to a conditional request: `content`
    is then empty and the caller's stored copy stands (`from_cache`).
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    encoding: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed: float
    attempts: int
    redirects: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 otherwise), BOM dropped."""
        return self.content.decode(self.encoding or "utf-8", errors="replace").lstrip(
            "\ufeff"
        )

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """True when the server says the page does not exist (404/410)."""
        return self.status in (404, 410)

    @property
    def from_cache(self) -> bool:
        """True when the caller's cached copy is still valid (a 304)."""
        return self.not_modified


@dataclass(frozen=True, slots=True)
class _Raw:
    status: int
    headers: httpx.Headers
    content: bytes
    encoding: str | None


def parse_retry_after(
    value: str | None, *, now: datetime | None = None
) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PoliteFetcher:
    """Async fetcher that keeps to the allowlist, robots.txt and the rate limit.

    Use as `async with PoliteFetcher(config) as fetcher: await fetcher.fetch(url)`.
    The rate limiter and robots cache default to process-wide instances, so every
    fetcher in the process shares one schedule per host; tests inject fresh ones.
    """

    def __init__(
        self,
        config: FetcherConfig | None = None,
        *,
        rate_limiter: HostRateLimiter | None = None,
        robots_cache: RobotsCache | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.config = config or FetcherConfig.from_settings()
        self.policy = HostPolicy(self.config, resolver)
        self.rate_limiter = rate_limiter or default_rate_limiter
        self.robots_cache = robots_cache or default_robots_cache
        self._client: httpx.AsyncClient | None = None
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._rng = random.Random()  # noqa: S311 - jitter, not cryptography

    async def __aenter__(self) -> PoliteFetcher:
        # httpcore's backend loads anyio's asyncio support on first use, which
        # takes tens of milliseconds; do it now rather than inside the first
        # request, where it would push that request past its rate-limit slot.
        await anyio.sleep(0)
        cfg = self.config
        limits = httpx.Limits(
            max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0
        )
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self.policy, limits=limits),
            timeout=httpx.Timeout(
                cfg.timeout, connect=min(cfg.connect_timeout, cfg.timeout)
            ),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": cfg.user_agent,
                "Accept": _ACCEPT,
                "Accept-Language": "en-US,en;q=0.8",
            },
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def ensure_allowed(self, url: str) -> Target:
        """Check allowlist, `/reply` and robots.txt for `url` (may fetch robots.txt)."""
        target = self.policy.check(url)
        rules = await self.robots_rules(target)
        if not rules.can_fetch(target.url):
            reason = "robots.txt unreachable" if rules.disallow_all else "robots.txt"
            raise DisallowedByRobots(f"{target.path} is disallowed ({reason})", url=url)
        return target

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url` politely; conditional when `etag`/`last_modified` are given.

        Raises a FetchError subclass when the URL is refused or retries run out;
        any other status (200, 304, 404, 410, 403 …) comes back as a result.
        """
        started = time.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current, redirects, attempts = url, [], 0
        for _hop in range(self.config.max_redirects + 1):
            target = await self.ensure_allowed(current)
            raw, used = await self._get_with_retries(target, headers)
            attempts += used
            location = raw.headers.get("location")
            if raw.status in REDIRECT_STATUSES and location:
                current = urljoin(target.url, location)
                redirects.append(current)
                continue
            kept = {k: raw.headers[k] for k in KEPT_HEADERS if k in raw.headers}
            return FetchResult(
                url=url,
                final_url=target.url,
                status=raw.status,
                headers=kept,
                content=raw.content,
                encoding=raw.encoding,
                etag=raw.headers.get("etag"),
                last_modified=raw.headers.get("last-modified"),
                not_modified=raw.status == 304,
                elapsed=time.monotonic() - started,
                attempts=attempts,
                redirects=tuple(redirects),
            )
        raise TooManyRedirects(
            f"more than {self.config.max_redirects} redirects", url=url
        )

    async def robots_rules(self, target: Target) -> RobotsRules:
        """The robots rules for the target's origin, fetched once per TTL."""
        ttl = self.config.robots_ttl
        rules = self.robots_cache.get(target.origin, ttl=ttl)
        if rules is not None:
            return rules
        lock = self._robots_locks.setdefault(target.origin, asyncio.Lock())
        async with lock:  # concurrent first requests share one robots.txt fetch
            rules = self.robots_cache.get(target.origin, ttl=ttl)
            if rules is None:
                rules = await self._fetch_robots(target)
                self.robots_cache.put(target.origin, rules)
        return rules

    async def _fetch_robots(self, target: Target) -> RobotsRules:
        now = self.robots_cache.clock
        hop = self.policy.check(f"{target.origin}/robots.txt")
        try:
            for _ in range(self.config.max_redirects + 1):
                raw, _used = await self._get_with_retries(
                    hop, {}, limit=ROBOTS_MAX_BYTES, truncate=True
                )
                location = raw.headers.get("location")
                if raw.status not in REDIRECT_STATUSES or not location:
                    break
                try:
                    hop = self.policy.check(urljoin(hop.url, location))
                except FetchError as exc:
                    logger.warning(
                        "robots.txt of %s redirects off-list: %s", target.origin, exc
                    )
                    return RobotsRules.unreachable(status=raw.status, fetched_at=now())
            else:
                return RobotsRules.unreachable(status=raw.status, fetched_at=now())
        except TransientFetchError as exc:
            logger.warning(
                "robots.txt of %s unreachable, disallowing all: %s", target.origin, exc
            )
            return RobotsRules.unreachable(status=exc.status, fetched_at=now())
        if 200 <= raw.status < 300:
            text = raw.content.decode("utf-8", errors="replace")
            return RobotsRules.parse(text, status=raw.status, fetched_at=now())
        if 400 <= raw.status < 500:
            return RobotsRules.allow_all(status=raw.status, fetched_at=now())
        logger.warning(
            "robots.txt of %s answered %s, disallowing all", target.origin, raw.status
        )
        return RobotsRules.unreachable(status=raw.status, fetched_at=now())

    def _interval(self, target: Target) -> float:
        rules = self.robots_cache.get(target.origin, ttl=self.config.robots_ttl)
        delay = rules.crawl_delay() if rules is not None else None
        return self.policy.interval_for(target, delay)

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^attempt)]."""
        ceiling = min(self.config.backoff_cap, self.config.backoff_base * 2**attempt)
        return self._rng.uniform(0.0, ceiling)

    async def _get_with_retries(
        self,
        target: Target,
        headers: dict[str, str],
        *,
        limit: int | None = None,
        truncate: bool = False,
    ) -> tuple[_Raw, int]:
        cfg = self.config
        status: int | None = None
        error: Exception | None = None
        for attempt in range(cfg.max_retries + 1):
            await self.rate_limiter.wait(target.key, self._interval(target))
            retry_after: float | None = None
            try:
                raw = await self._send(
                    target, headers, limit=limit or cfg.max_bytes, truncate=truncate
                )
            except (httpx.TransportError, TimeoutError) as exc:
                status, error = None, exc
                logger.info(
                    "GET %s failed (%r), attempt %s", target.url, exc, attempt + 1
                )
            else:
                if raw.status not in RETRY_STATUSES:
                    return raw, attempt + 1
                status, error = raw.status, None
                retry_after = parse_retry_after(raw.headers.get("retry-after"))
                if retry_after is not None and retry_after > cfg.retry_after_cap:
                    # Retrying sooner than asked would be rude: hand it to the caller.
                    raise TransientFetchError(
                        f"{raw.status}: server asks to wait {retry_after:.0f} s",
                        url=target.url,
                        status=raw.status,
                        retry_after=retry_after,
                    )
                logger.info(
                    "GET %s answered %s, attempt %s",
                    target.url,
                    raw.status,
                    attempt + 1,
                )
            if attempt < cfg.max_retries:
                delay = (
                    retry_after if retry_after is not None else self._backoff(attempt)
                )
                # The pause holds the whole host, not just this coroutine.
                self.rate_limiter.pause(target.key, delay)
        what = f"status {status}" if status is not None else repr(error)
        raise TransientFetchError(
            f"gave up after {cfg.max_retries + 1} attempts ({what})",
            url=target.url,
            status=status,
        )

    async def _send(
        self, target: Target, headers: dict[str, str], *, limit: int, truncate: bool
    ) -> _Raw:
        if self._client is None:
            raise RuntimeError("use PoliteFetcher as `async with PoliteFetcher(...)`")
        try:
            async with asyncio.timeout(self.config.timeout):
                async with self._client.stream(
                    "GET", target.url, headers=headers
                ) as resp:
                    declared = resp.headers.get("content-length", "")
                    if not truncate and declared.isdigit() and int(declared) > limit:
                        raise ResponseTooLarge(
                            f"Content-Length {declared} exceeds {limit} bytes",
                            url=target.url,
                        )
                    body = bytearray()
                    async for chunk in resp.aiter_bytes():
                        body += chunk
                        if len(body) > limit:
                            if truncate:
                                del body[limit:]
                                break
                            raise ResponseTooLarge(
                                f"body exceeds {limit} bytes", url=target.url
                            )
                    return _Raw(
                        resp.status_code,
                        resp.headers,
                        bytes(body),
                        resp.charset_encoding,
                    )
        except httpx.DecodingError as exc:
            raise FetchError(f"undecodable response: {exc}", url=target.url) from exc


def fetch_sync(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    config: FetcherConfig | None = None,
) -> FetchResult:
    """`PoliteFetcher.fetch` for synchronous code (tasks, commands).

    Runs its own event loop, so it must not be called from async code. The rate
    limiter and robots cache are the process-wide ones, so repeated calls stay polite.
    """

    async def _run() -> FetchResult:
        async with PoliteFetcher(config) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(_run())
