"""Render pages that need JavaScript with the system Chromium, politely.

Chromium never touches the network itself. Every request it makes (the page, its
scripts, its XHR) is intercepted with `context.route` and answered by the same
`PoliteFetcher` the httpx path uses, so the allowlist, the connect-time address
check, `/reply`, robots.txt, the per-host rate limit, retries and the size cap all
apply to it. Requests the fetcher refuses are aborted; images, media, fonts and
stylesheets are aborted without asking (a lead needs text, and each would cost a
rate-limited request). Service workers are blocked (they would bypass routing) and
WebSockets are closed. As a second wall, Chromium is pointed at a dead proxy and a
resolver that resolves nothing, so a request that somehow escaped routing fails.

Playwright drives the Chromium at `CHROMIUM_PATH` (Debian's `chromium` package);
`playwright install` is never used.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Literal

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Route, WebSocketRoute, async_playwright

from .clients import FetcherConfig, FetchError, FetchResult, PoliteFetcher

logger = logging.getLogger(__name__)

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing may leave Chromium except through the route handler.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--dns-prefetch-disable",
)
SKIPPED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet"})
WaitUntil = Literal["commit", "domcontentloaded", "load", "networkidle"]


class BrowserUnavailable(FetchError):
    """The Chromium executable named by CHROMIUM_PATH does not exist."""


def chromium_available(config: FetcherConfig | None = None) -> bool:
    """True when the configured Chromium executable exists."""
    path = (config or FetcherConfig()).chromium_path
    return Path(path).is_file()


class _Router:
    """Answers every browser request through the polite fetcher."""

    def __init__(self, fetcher: PoliteFetcher, skipped_types: frozenset[str]) -> None:
        self.fetcher = fetcher
        self.skipped_types = skipped_types
        self.page: Page | None = None
        self.document: FetchResult | None = None
        self.document_error: FetchError | None = None
        self.blocked: list[str] = []

    def _is_main_document(self, request: Request) -> bool:
        return (
            self.page is not None
            and request.is_navigation_request()
            and request.frame == self.page.main_frame
        )

    async def handle(self, route: Route, request: Request) -> None:
        main = self._is_main_document(request)
        if request.method != "GET" or request.resource_type in self.skipped_types:
            self.blocked.append(request.url)
            await route.abort("blockedbyclient")
            return
        try:
            result = await self.fetcher.fetch(request.url)
        except FetchError as exc:
            logger.info("browser request to %s refused: %s", request.url, exc)
            self.blocked.append(request.url)
            if main:
                self.document_error = exc
            await route.abort("blockedbyclient")
            return
        if main and self.document is None:
            self.document = result
        content_type = result.headers.get("content-type", "application/octet-stream")
        await route.fulfill(
            status=result.status,
            headers={"content-type": content_type},
            body=result.content,
        )


async def _close_websocket(ws: WebSocketRoute) -> None:
    await ws.close(code=1008, reason="blocked by craigleads")


async def fetch_rendered_async(
    url: str,
    *,
    config: FetcherConfig | None = None,
    fetcher: PoliteFetcher | None = None,
    wait_until: WaitUntil = "load",
    timeout: float = 30.0,
    skipped_resource_types: frozenset[str] = SKIPPED_RESOURCE_TYPES,
) -> FetchResult:
    """Load `url` in headless Chromium and return the rendered DOM as a FetchResult.

    `status`, headers and `final_url` describe the page's own HTTP response;
    `content` is the HTML after scripts ran. Raises the fetcher's errors for the
    page itself (nothing is launched for a URL the fetcher refuses) and
    `BrowserUnavailable` when Chromium is missing. Pass an open `fetcher` to share
    its rate limiter and robots cache; otherwise one is made from `config`.
    """
    config = config or (fetcher.config if fetcher else FetcherConfig.from_settings())
    chromium = Path(config.chromium_path)
    if not chromium.is_file():
        raise BrowserUnavailable(
            f"no Chromium at {chromium} (set CHROMIUM_PATH)", url=url
        )
    started = time.monotonic()
    async with AsyncExitStack() as stack:
        if fetcher is None:
            fetcher = await stack.enter_async_context(PoliteFetcher(config))
        await fetcher.ensure_allowed(url)  # refuse before launching anything
        router = _Router(fetcher, skipped_resource_types)
        playwright = await stack.enter_async_context(async_playwright())
        profile = stack.enter_context(
            tempfile.TemporaryDirectory(prefix="craigleads-chromium-")
        )
        context = await playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium),
            headless=True,
            args=list(CHROMIUM_ARGS),
            service_workers="block",
            user_agent=config.user_agent,
            accept_downloads=False,
        )
        stack.push_async_callback(context.close)
        await context.route("**/*", router.handle)
        await context.route_web_socket("**/*", _close_websocket)
        page = context.pages[0] if context.pages else await context.new_page()
        router.page = page
        try:
            await page.goto(url, wait_until=wait_until, timeout=timeout * 1000)
        except PlaywrightError as exc:
            if router.document_error is not None:
                raise router.document_error from exc
            raise FetchError(
                f"the browser could not load the page: {exc}", url=url
            ) from exc
        if router.document_error is not None:
            raise router.document_error
        html = await page.content()
        document = router.document
        if document is None:
            raise FetchError("the browser loaded nothing through the fetcher", url=url)
        if router.blocked:
            logger.info("rendering %s blocked %d requests", url, len(router.blocked))
        return FetchResult(
            url=url,
            final_url=document.final_url,
            status=document.status,
            headers=document.headers,
            content=html.encode("utf-8"),
            encoding="utf-8",
            etag=document.etag,
            last_modified=document.last_modified,
            not_modified=False,
            elapsed=time.monotonic() - started,
            attempts=document.attempts,
            redirects=document.redirects,
        )


def fetch_rendered(
    url: str,
    *,
    config: FetcherConfig | None = None,
    wait_until: WaitUntil = "load",
    timeout: float = 30.0,
) -> FetchResult:
    """`fetch_rendered_async` for synchronous code; not callable from async code."""
    return asyncio.run(
        fetch_rendered_async(url, config=config, wait_until=wait_until, timeout=timeout)
    )
