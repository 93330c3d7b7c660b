"""Outbound HTTP for scraping: the polite fetcher and its policy pieces.

Import from here (`from scraping.clients import PoliteFetcher, fetch_sync`); the
submodules are an implementation detail.
"""

from .config import CRAIGSLIST_MAX_RATE, UA_TOKEN, FetcherConfig, is_valid_contact_email
from .errors import (
    ContactEmailMissing,
    DisallowedByRobots,
    DisallowedPath,
    FetchError,
    HostNotAllowed,
    ResponseTooLarge,
    TooManyRedirects,
    TransientFetchError,
)
from .fetcher import FetchResult, PoliteFetcher, fetch_sync, parse_retry_after
from .policy import HostPolicy, Target, is_craigslist_host, is_public_address
from .ratelimit import HostRateLimiter, default_rate_limiter
from .robots import RobotsCache, RobotsRules, default_robots_cache

__all__ = [
    "CRAIGSLIST_MAX_RATE",
    "UA_TOKEN",
    "ContactEmailMissing",
    "DisallowedByRobots",
    "DisallowedPath",
    "FetchError",
    "FetchResult",
    "FetcherConfig",
    "HostNotAllowed",
    "HostPolicy",
    "HostRateLimiter",
    "PoliteFetcher",
    "ResponseTooLarge",
    "RobotsCache",
    "RobotsRules",
    "Target",
    "TooManyRedirects",
    "TransientFetchError",
    "default_rate_limiter",
    "default_robots_cache",
    "fetch_sync",
    "is_craigslist_host",
    "is_public_address",
    "is_valid_contact_email",
    "parse_retry_after",
]
