"""The fixture HTTP server: routing, fault injection and the request log."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import pages, posting_page
from .data import (
    CATEGORIES,
    SECTIONS,
    SITES,
    Posting,
    generate_postings,
    shift_to_recent,
)

_POSTING_RE = re.compile(
    r"^/(?P<site>[a-z]+)/(?:(?P<sub>[a-z]{3})/)?(?P<cat>[a-z]{3})/d/"
    r"(?P<slug>[a-z0-9-]+)/(?P<pid>\d+)\.html$"
)
_SEARCH_RE = re.compile(
    r"^/(?P<site>[a-z]+)/search/(?:(?P<sub>[a-z]{3})/)?(?P<cat>[a-z]{3})/?$"
)
_CANONICAL_RE = re.compile(r'<link rel="canonical" href="([^"]+)"')
_CL_URL_RE = re.compile(r"https?://([a-z0-9-]+)\.craigslist\.org")
_REAL_SUFFIXES = {".html": "text/html; charset=utf-8", ".json": "application/json",
                  ".xml": "application/xml"}  # fmt: skip
_MAX_DELAY = 30.0


def default_shared_dir() -> Path | None:
    """The folder of real Craigslist pages: $CRAIGLEADS_SHARED_DIR or ../shared."""
    env = os.environ.get("CRAIGLEADS_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[3] / "shared"
    for candidate in (base / "craigslist", base):
        if candidate.is_dir() and any(candidate.glob("*.html")):
            return candidate
    return None


@dataclass
class RequestRecord:
    """One request as the server saw it; `at` is time.monotonic() on arrival."""

    at: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int | None = None

    @property
    def target(self) -> str:
        """path?query as requested."""
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class FixtureFaults:
    """Faults set from Python (tests); query-string faults need no setup.

    `gone_ids`: posting ids answered with the "deleted by its author" page.
    `scripted`: path → statuses to answer, one per request, before behaving.
    """

    gone_ids: set[int] = field(default_factory=set)
    scripted: dict[str, list[int]] = field(default_factory=dict)
    retry_after: str = "1"

    def fail_next(self, path: str, *statuses: int) -> None:
        """Answer the next requests for `path` with `statuses`, in order."""
        self.scripted.setdefault(path, []).extend(statuses)


@dataclass(frozen=True, slots=True)
class _RealPage:
    name: str
    body: bytes
    content_type: str
    natural: tuple[str, str] | None  # (path, query) on the fixture site


def _load_real_pages(folder: Path | None) -> dict[str, _RealPage]:
    if folder is None:
        return {}
    found: dict[str, _RealPage] = {}
    for path in sorted(folder.iterdir()):
        content_type = _REAL_SUFFIXES.get(path.suffix)
        if content_type is None:
            continue
        body = path.read_bytes()
        natural = None
        match = _CANONICAL_RE.search(body.decode("utf-8", errors="replace"))
        if match:
            parts = urlsplit(match.group(1))
            host = parts.hostname or ""
            if host.endswith(".craigslist.org"):
                sub = host.removesuffix(".craigslist.org")
                natural = (f"/{sub}{parts.path}", parts.query)
        found[path.name] = _RealPage(path.name, body, content_type, natural)
    return found


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: FixtureSite

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.site._count_connection()
        return True


class FixtureSite:
    """A Craigslist look-alike on 127.0.0.1, in a background thread.

    `with FixtureSite(port=0, seed=1) as site:` serves until the block ends;
    `site.base_url` is e.g. "http://127.0.0.1:43817"; `site.requests` is the log.
    `robots_txt`/`robots_status`/`robots_delay` replace robots.txt for tests.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        seed: int = 1,
        count: int = 400,
        host: str = "127.0.0.1",
        page_size: int = pages.PAGE_SIZE,
        robots_txt: str | None = None,
        robots_status: int = 200,
        robots_delay: float = 0.0,
        faults: FixtureFaults | None = None,
        shared_dir: Path | None = None,
        use_shared_pages: bool = True,
        recent: bool = False,
    ) -> None:
        self.seed, self.count, self.page_size = seed, count, page_size
        self.robots_txt = pages.ROBOTS_TXT if robots_txt is None else robots_txt
        self.robots_status = robots_status
        self.robots_delay = robots_delay
        self.faults = faults or FixtureFaults()
        self.postings: tuple[Posting, ...] = generate_postings(seed, count)
        if recent:
            self.postings = shift_to_recent(self.postings)
        self._by_pid = {p.pid: p for p in self.postings}
        folder = (shared_dir or default_shared_dir()) if use_shared_pages else None
        self.real_pages = _load_real_pages(folder)
        self._natural = {p.natural: p for p in self.real_pages.values() if p.natural}
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._hits: dict[str, int] = {}
        self._connections = 0
        self._stopping = threading.Event()
        self._host = host
        self._server = _Server((host, port), _Handler)
        self._server.site = self
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (useful with port=0)."""
        return int(self._server.server_address[1])

    @property
    def host_port(self) -> str:
        """Host and port as SCRAPE_ALLOWED_HOSTS takes them, e.g. 127.0.0.1:8765."""
        return f"{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://{self.host_port}"

    def start(self) -> FixtureSite:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fixture-site-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` or KeyboardInterrupt."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def stop(self) -> None:
        """Stop serving and close the socket; stalled requests are released."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FixtureSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- helpers for tests ------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, in arrival order."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path_prefix: str) -> list[RequestRecord]:
        """Logged requests whose path starts with `path_prefix`."""
        return [r for r in self.requests if r.path.startswith(path_prefix)]

    @property
    def connection_count(self) -> int:
        """TCP connections accepted so far."""
        with self._lock:
            return self._connections

    def clear_log(self) -> None:
        """Forget logged requests, connection count and fault counters."""
        with self._lock:
            self._log.clear()
            self._hits.clear()
            self._connections = 0

    def posting(self, pid: int) -> Posting:
        """The generated posting with this id."""
        return self._by_pid[pid]

    def search_url(
        self,
        site: str,
        category: str,
        query: str | None = None,
        offset: int = 0,
        subarea: str | None = None,
    ) -> str:
        """`pages.search_url` on this site."""
        return pages.search_url(self.base_url, site, category, query, offset, subarea)

    def posting_url(self, posting: Posting | int) -> str:
        """The URL of a generated posting (or of its id)."""
        if isinstance(posting, int):
            posting = self._by_pid[posting]
        return pages.posting_url(self.base_url, posting)

    def search_results(
        self,
        site: str,
        category: str,
        query: str | None = None,
        subarea: str | None = None,
    ) -> list[Posting]:
        """All matches for a search, newest first (what the pages paginate)."""
        words = (query or "").lower().split()
        found = []
        for p in self.postings:
            if p.site != site or category not in (p.category, p.section):
                continue
            if subarea and p.subarea != subarea:
                continue
            haystack = f"{p.title}\n{' '.join(p.body_paragraphs)}".lower()
            if all(w in haystack for w in words):
                found.append(p)
        return sorted(found, key=lambda p: p.pid, reverse=True)

    # -- used by the handler ----------------------------------------------------------

    def _count_connection(self) -> None:
        with self._lock:
            self._connections += 1

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self._log.append(record)

    def _hit(self, key: str) -> int:
        with self._lock:
            self._hits[key] = self._hits.get(key, 0) + 1
            return self._hits[key]

    def _scripted_status(self, path: str) -> int | None:
        with self._lock:
            queue = self.faults.scripted.get(path)
            return queue.pop(0) if queue else None

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(min(seconds, _MAX_DELAY))


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = False  # ETag/Last-Modified handling applies
    last_modified: str | None = None
    content_length: bool = True
    stall: bool = False  # answer nothing; close when the server stops


_STALL = _Response(0, b"", stall=True)


def _html(status: int, text: str, **kwargs: Any) -> _Response:
    return _Response(status, text.encode("utf-8"), **kwargs)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "cl-fixture"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is in FixtureSite.requests."""

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        site = self.server.site
        parts = urlsplit(self.path)
        record = RequestRecord(
            at=time.monotonic(),
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        control = parts.path.startswith("/__fixture__/")
        if not control:
            site._record(record)
        response = self._route(site, parts.path, parts.query)
        if response.stall:
            self.close_connection = True
            return
        if response.conditional and response.status == 200:
            etag = (
                '"'
                + hashlib.sha1(response.body, usedforsecurity=False).hexdigest()[:20]
                + '"'
            )
            response.headers["ETag"] = etag
            if response.last_modified:
                response.headers["Last-Modified"] = response.last_modified
            if self._not_modified(etag, response.last_modified):
                response = _Response(304, b"", headers=response.headers)
        record.status = response.status
        self.send_response(response.status)
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.content_length:
            self.send_header("Content-Length", str(len(response.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head and response.status != 304:
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    def _not_modified(self, etag: str, last_modified: str | None) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [t.strip() for t in if_none_match.split(",")] or (
                if_none_match.strip() == "*"
            )
        since = self.headers.get("If-Modified-Since")
        if since and last_modified:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(
                    since
                )
            except (TypeError, ValueError):
                return False
        return False

    def _route(self, site: FixtureSite, path: str, query: str) -> _Response:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path.startswith("/__fixture__/"):
            return self._control(site, path)
        scripted = site._scripted_status(path)
        if scripted is not None:
            return self._status_page(site, scripted, params)
        if "fault" in params:
            faulted = self._fault(site, path, query, params)
            if faulted is not None:
                return faulted
        if path == "/robots.txt":
            return self._robots(site)
        return self._page(site, path, query, params)

    def _control(self, site: FixtureSite, path: str) -> _Response:
        if path == "/__fixture__/requests":
            rows = [
                {"at": r.at, "method": r.method, "path": r.path, "query": r.query,
                 "status": r.status, "user_agent": r.headers.get("user-agent")}
                for r in site.requests
            ]  # fmt: skip
            return _Response(200, json.dumps(rows).encode(), "application/json")
        if path == "/__fixture__/reset":
            site.clear_log()
            return _Response(200, b"{}", "application/json")
        return _html(404, pages.render_not_found())

    def _robots(self, site: FixtureSite) -> _Response:
        if site.robots_delay:
            site._sleep(site.robots_delay)
            if site._stopping.is_set():
                return _STALL
        if site.robots_status != 200:
            return _html(site.robots_status, pages.render_not_found())
        return _Response(200, site.robots_txt.encode(), "text/plain; charset=utf-8")

    def _status_page(
        self, site: FixtureSite, status: int, params: dict[str, str]
    ) -> _Response:
        headers = {}
        if status in (429, 503):
            headers["Retry-After"] = params.get("retry_after", site.faults.retry_after)
        if status == 403:
            return _html(403, pages.render_blocked("fixture-403"))
        if status in (404, 410):
            return _html(status, pages.render_not_found())
        body = f"<html><body><h1>{status}</h1><p>fixture fault</p></body></html>\n"
        return _html(status, body, headers=headers)

    def _fault(
        self, site: FixtureSite, path: str, query: str, params: dict[str, str]
    ) -> _Response | None:
        """A faulty answer (maybe a stall), or None to serve the page normally."""
        fault = params["fault"]
        times = int(params.get("times", "1"))
        if fault.isdigit():
            if site._hit(f"{path}?{query}") <= times:
                return self._status_page(site, int(fault), params)
            return None
        if fault == "slow":
            site._sleep(float(params.get("delay", "1")))
            return None
        if fault == "stall":
            site._sleep(_MAX_DELAY)
            return _STALL
        if fault == "big":
            size = int(params.get("size", str(6 * 1024 * 1024)))
            return _Response(
                200,
                b"x" * size,
                "text/plain",
                content_length=params.get("cl", "1") != "0",
            )
        if fault == "redirect":
            to = params.get("to") or f"{path}?{query}"  # no target: a loop
            code = int(params.get("code", "302"))
            return _Response(code, b"", headers={"Location": to})
        if fault == "blocked":
            return _html(403, pages.render_blocked("fixture-blocked"))
        if fault == "gone":
            return _html(200, posting_page.render_gone(site.base_url, None, "deleted"))
        return None

    def _page(
        self, site: FixtureSite, path: str, query: str, params: dict[str, str]
    ) -> _Response:
        base = site.base_url
        if path in ("/", ""):
            return _html(200, pages.render_index(base))
        if path == "/jsapp":
            return _html(200, pages.render_js_app(params.get("ext")))
        if path.startswith("/gone/"):
            return _html(200, posting_page.render_gone(base, None, "deleted"))
        match = _SEARCH_RE.match(path)
        if match and self._known(match["site"], match["sub"], match["cat"]):
            offset = int(params["s"]) if params.get("s", "").isdigit() else 0
            query_text = params.get("query") or None
            results = site.search_results(
                match["site"], match["cat"], query_text, match["sub"]
            )
            text = pages.render_search(
                base,
                site=match["site"],
                category=match["cat"],
                subarea=match["sub"],
                query=query_text,
                offset=offset,
                results=results,
                page_size=site.page_size,
            )
            return _html(200, text, conditional=True)
        match = _POSTING_RE.match(path)
        if match:
            posting = site._by_pid.get(int(match["pid"]))
            if posting is not None and posting.site == match["site"]:
                status = (
                    "deleted" if posting.pid in site.faults.gone_ids else posting.status
                )
                if status != "active":
                    return _html(200, posting_page.render_gone(base, posting, status))
                modified = posting.updated or posting.posted
                return _html(
                    200,
                    posting_page.render_posting(base, posting),
                    conditional=True,
                    last_modified=format_datetime(
                        modified.astimezone(UTC), usegmt=True
                    ),
                )
        if "/reply/" in path:
            return _html(200, "<html><body><h1>reply</h1></body></html>\n")
        real = site._natural.get((path, query))
        if real is not None:
            text = real.body.decode("utf-8", errors="surrogateescape")
            text = _CL_URL_RE.sub(lambda m: f"{base}/{m.group(1)}", text)
            body = text.encode("utf-8", errors="surrogateescape")
            return _Response(200, body, real.content_type, conditional=True)
        if path.startswith("/real/"):
            page = site.real_pages.get(path.removeprefix("/real/"))
            if page is not None:
                return _Response(200, page.body, page.content_type, conditional=True)
        return _html(404, pages.render_not_found())

    @staticmethod
    def _known(site: str, subarea: str | None, category: str) -> bool:
        info = SITES.get(site)
        if info is None or (category not in CATEGORIES and category not in SECTIONS):
            return False
        return subarea is None or any(a == subarea for a, _n, _h in info.subareas)
