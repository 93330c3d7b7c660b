"""Exceptions raised by the polite fetcher.

Everything the fetcher refuses or gives up on is a `FetchError`, so a caller can
catch one type; the subclasses say why, and only `TransientFetchError` is worth
retrying later.
"""

from __future__ import annotations


class FetchError(Exception):
    """The fetcher refused a URL or could not fetch it."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class HostNotAllowed(FetchError):
    """The URL's host (or a redirect's) is outside the allowlist; nothing was sent."""


class DisallowedByRobots(FetchError):
    """robots.txt forbids the URL (or robots.txt was unreachable: disallow all)."""


class DisallowedPath(FetchError):
    """The path is never fetched whatever robots.txt says (`/reply`)."""


class ContactEmailMissing(FetchError):
    """A Craigslist request needs CRAIGLEADS_CONTACT_EMAIL in the User-Agent."""


class ResponseTooLarge(FetchError):
    """The body grew past SCRAPE_MAX_BYTES; the download was aborted."""


class TooManyRedirects(FetchError):
    """More redirect hops than the configured maximum."""


class TransientFetchError(FetchError):
    """429/5xx/timeouts outlasted the retries; try again later.

    `status` is the last HTTP status (None after a timeout or transport error) and
    `retry_after` the server's requested wait in seconds when it asked for more
    than the fetcher is willing to sleep in-process.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
