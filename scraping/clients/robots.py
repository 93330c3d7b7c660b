"""robots.txt rules per origin, parsed with Protego and cached for at most 24 hours.

RFC 9309 §2.3.1: a 4xx robots.txt means "no rules" (allow all); a 5xx, a timeout or
an unreachable host means "disallow all" until the entry expires and is fetched
again. The standard library's parser is not used because it ignores wildcards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

from .config import UA_TOKEN


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt allows, and when it was fetched."""

    fetched_at: float
    status: int | None
    parser: Protego | None = None
    disallow_all: bool = False

    @classmethod
    def parse(cls, text: str, *, status: int, fetched_at: float) -> RobotsRules:
        """Rules from a robots.txt body."""
        return cls(fetched_at=fetched_at, status=status, parser=Protego.parse(text))

    @classmethod
    def allow_all(cls, *, status: int | None, fetched_at: float) -> RobotsRules:
        """No robots.txt (4xx): everything is allowed."""
        return cls(fetched_at=fetched_at, status=status)

    @classmethod
    def unreachable(cls, *, status: int | None, fetched_at: float) -> RobotsRules:
        """robots.txt could not be read (5xx, timeout, network): nothing is allowed."""
        return cls(fetched_at=fetched_at, status=status, disallow_all=True)

    def can_fetch(self, url: str, token: str = UA_TOKEN) -> bool:
        """True when `url` may be fetched by `token`."""
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, token))

    def crawl_delay(self, token: str = UA_TOKEN) -> float | None:
        """The Crawl-delay for `token`, if the file names one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(token)
        return float(delay) if delay is not None else None


class RobotsCache:
    """Process-wide robots rules keyed by origin, thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._rules: dict[str, RobotsRules] = {}

    def get(self, origin: str, *, ttl: float) -> RobotsRules | None:
        """The cached rules for `origin`, or None when absent or older than `ttl`."""
        with self._lock:
            rules = self._rules.get(origin)
        if rules is None or self.clock() - rules.fetched_at >= ttl:
            return None
        return rules

    def put(self, origin: str, rules: RobotsRules) -> None:
        """Store the rules fetched for `origin`."""
        with self._lock:
            self._rules[origin] = rules

    def clear(self) -> None:
        """Forget every origin (tests, or after changing the contact address)."""
        with self._lock:
            self._rules.clear()


default_robots_cache = RobotsCache()
