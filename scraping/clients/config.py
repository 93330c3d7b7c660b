"""Fetcher configuration: one frozen dataclass, built from Django settings or by hand.

`FetcherConfig()` works without Django (pure tests); `FetcherConfig.from_settings()`
reads the SCRAPE_* settings with `getattr(settings, NAME, default)` so it also works
before a setting exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

CRAIGSLIST_MAX_RATE = 1.0  # requests per second per host, whatever the settings say
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
ROBOTS_MAX_TTL = 24 * 3600.0  # RFC 9309 §2.4: cache robots.txt for at most 24 hours
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 §2.5: parse at least 500 KiB
# The product token that robots.txt user-agent groups are matched against.
UA_TOKEN = "craigleads"  # noqa: S105 - a name, not a password

_EMAIL_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _product_version() -> str:
    try:
        return metadata.version("craigleads")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def is_valid_contact_email(value: str) -> bool:
    """True when `value` looks like one plain e-mail address (no display name)."""
    return bool(_EMAIL_RE.match(value.strip()))


@dataclass(frozen=True, slots=True)
class FetcherConfig:
    """Everything the polite fetcher and the browser fetcher need to know.

    `allowed_hosts` holds extra "host" or "host:port" entries (loopback test sites);
    Craigslist domains are always allowed. `rate_per_host` applies to Craigslist
    hosts and is clamped to 1 request/second; listed hosts use `test_host_rate`.
    `backoff_base`/`backoff_cap` shape the retry backoff (tests use ~0.01 s).
    `rate_margin` stretches every interval by that fraction so that network jitter
    cannot make two arrivals land closer than the limit. `live_craigslist=False`
    refuses Craigslist hosts altogether (the console's terms switch).
    """

    contact_email: str = ""
    allowed_hosts: tuple[str, ...] = ()
    rate_per_host: float = CRAIGSLIST_MAX_RATE
    test_host_rate: float = 20.0
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 20.0
    connect_timeout: float = 5.0
    max_retries: int = 4
    chromium_path: str = "/usr/bin/chromium"
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    retry_after_cap: float = 300.0
    robots_ttl: float = ROBOTS_MAX_TTL
    max_redirects: int = 5
    rate_margin: float = 0.02
    live_craigslist: bool = True
    version: str = field(default_factory=_product_version)

    def __post_init__(self) -> None:
        # Frozen dataclass: normalise through object.__setattr__.
        object.__setattr__(self, "allowed_hosts", tuple(self.allowed_hosts))
        object.__setattr__(self, "robots_ttl", min(self.robots_ttl, ROBOTS_MAX_TTL))
        for name in ("rate_per_host", "test_host_rate", "timeout", "backoff_base"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetcherConfig.{name} must be positive")
        if self.max_retries < 0 or self.max_redirects < 0 or self.max_bytes < 1:
            raise ValueError("FetcherConfig limits must not be negative")

    @classmethod
    def from_settings(cls, **overrides: Any) -> FetcherConfig:
        """Build the config from Django settings; keyword overrides win."""
        from django.conf import settings

        values: dict[str, Any] = {
            "contact_email": getattr(settings, "CRAIGLEADS_CONTACT_EMAIL", ""),
            "allowed_hosts": tuple(getattr(settings, "SCRAPE_ALLOWED_HOSTS", ())),
            "rate_per_host": float(getattr(settings, "SCRAPE_RATE_PER_HOST", 1.0)),
            "test_host_rate": float(getattr(settings, "SCRAPE_TEST_HOST_RATE", 20.0)),
            "max_bytes": int(getattr(settings, "SCRAPE_MAX_BYTES", DEFAULT_MAX_BYTES)),
            "timeout": float(getattr(settings, "SCRAPE_TIMEOUT", 20.0)),
            "max_retries": int(getattr(settings, "SCRAPE_MAX_RETRIES", 4)),
            "chromium_path": str(
                getattr(settings, "CHROMIUM_PATH", "/usr/bin/chromium")
            ),
        }
        values.update(overrides)
        return cls(**values)

    def with_overrides(self, **changes: Any) -> FetcherConfig:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def craigslist_rate(self) -> float:
        """The per-host rate used for Craigslist: the setting, never above 1/s."""
        return min(self.rate_per_host, CRAIGSLIST_MAX_RATE)

    @property
    def has_contact(self) -> bool:
        """True when the contact e-mail is usable in the User-Agent."""
        return is_valid_contact_email(self.contact_email)

    @property
    def user_agent(self) -> str:
        """`craigleads/<version> (+mailto:<contact>)`, the contact left out if unset."""
        if self.has_contact:
            return f"{UA_TOKEN}/{self.version} (+mailto:{self.contact_email.strip()})"
        return f"{UA_TOKEN}/{self.version}"
