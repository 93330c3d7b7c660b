"""Real processes for the fault tests: Celery workers, a private redis-server, a
`manage.py serve`, and an SMTP server whose handler can be held mid-conversation.

Every process is started in its own session and killed by its process group id,
never by name, so a test can only ever kill what it started.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """The test database as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll until `predicate()` is truthy; fail naming `what` after `timeout` s.

    The timeout bounds a hang; it is not a speed assertion.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def start_worker(
    env: dict[str, str],
    log_dir: Path,
    name: str,
    queues: str = "default,scrape,send",
) -> subprocess.Popen[bytes]:
    """A real prefork `celery worker` (one child, prefetch 1 from celery.py), as in
    tests/scraping/test_jobs.py."""
    log = (log_dir / f"{name}.log").open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "craigleads",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            queues,
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """kill -9 the process and every child in its group (the whole worker)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def worker_ready(log_dir: Path, name: str) -> bool:
    path = log_dir / f"{name}.log"
    return path.exists() and " ready." in path.read_text(errors="replace")


def log_tail(log_dir: Path, name: str, chars: int = 3000) -> str:
    path = log_dir / f"{name}.log"
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


class RedisServer:
    """A private, unpersisted redis-server on its own port (never the shared one
    on 6379), which a test may SIGKILL and start again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = (self.workdir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.ping, 20, f"redis-server on port {self.port}")
        return self

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: everything queued in it is gone (no persistence)."""
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None


class HoldingInbox:
    """An aiosmtpd handler that keeps every message it receives in full and can
    hold the first conversation at EHLO (before any of the message is handed
    over) or at DATA (the whole message received, the answer not yet given)
    until released."""

    def __init__(self, hold_at: str | None = None) -> None:
        if hold_at not in {None, "ehlo", "data"}:
            raise ValueError(f"hold_at must be None, 'ehlo' or 'data', not {hold_at!r}")
        self.hold_at = hold_at
        self.messages: list[Any] = []
        self.held = threading.Event()  # a conversation is being held
        self.release = threading.Event()
        self._holding_done = False
        self._lock = threading.Lock()

    async def _hold_if_first(self, stage: str) -> None:
        with self._lock:
            hold = self.hold_at == stage and not self._holding_done
            self._holding_done = self._holding_done or hold
        if hold:
            self.held.set()
            # Wait off the event loop so other conversations carry on meanwhile.
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: Any
    ) -> Any:
        await self._hold_if_first("ehlo")
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Kept before the hold: a real server may queue a message whose client
        # vanished before the reply, and that is the case a resend would double.
        self.messages.append(envelope)
        await self._hold_if_first("data")
        return "250 Message accepted for delivery"

    def count_to(self, address: str) -> int:
        return sum(1 for m in self.messages if address in m.rcpt_tos)


def start_serve(
    env: dict[str, str], log_dir: Path, name: str = "serve"
) -> tuple[subprocess.Popen[bytes], str]:
    """`manage.py serve` (uvicorn, ASGI) on a free port; returns it and its URL
    once it accepts connections."""
    port = free_port()
    log = (log_dir / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--no-worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def accepting() -> bool:
        if proc.poll() is not None:
            raise AssertionError(log_tail(log_dir, name))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False

    wait_for(accepting, 60, f"{name} to accept connections")
    return proc, f"http://127.0.0.1:{port}"
