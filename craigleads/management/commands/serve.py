"""`python manage.py serve`: the console in one process.

HTTP and websockets through uvicorn (ASGI), static files through whitenoise, and
when no REDIS_URL is set an in-process Celery worker and beat, so scraping,
qualification and live updates work with no other service. With REDIS_URL it
serves only the web; run `celery -A craigleads worker` and `beat` beside it.
`--demo` also starts the Craigslist look-alike site on loopback and lets the
console crawl it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from craigleads import events
from craigleads.celery import app as celery_app
from craigleads.recovery import run_recovery_sweep

logger = logging.getLogger(__name__)


class EmbeddedWorker:
    """A Celery worker (solo pool) and beat running on threads of this process,
    consuming the in-memory broker."""

    def __init__(self) -> None:
        from celery.beat import EmbeddedService

        self.worker = celery_app.WorkController(
            pool_cls="solo",
            concurrency=1,
            queues=["default", "scrape", "send"],
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            loglevel="INFO",
        )
        schedule = settings.VAR_DIR / "celerybeat-schedule"
        self.beat: Any = EmbeddedService(
            celery_app, thread=True, schedule_filename=str(schedule)
        )
        self.thread = threading.Thread(
            target=self.worker.start, name="celery-worker", daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        self.beat.start()

    def stop(self) -> None:
        self.beat.stop()
        self.worker.stop(in_sighandler=False)
        self.thread.join(timeout=10)


class Command(BaseCommand):
    help = "Serve the console (HTTP + websockets) and, when embedded, a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the in-process worker",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also serve the Craigslist look-alike site on loopback for scraping",
        )
        parser.add_argument("--demo-port", type=int, default=8001)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="HTTP worker processes (with REDIS_URL only; about one per core)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import uvicorn
        import uvicorn.supervisors

        if not 0 < options["port"] < 65536:
            raise CommandError(
                f"--port must be between 1 and 65535, not {options['port']}"
            )
        workers = options["workers"]
        if not 1 <= workers <= 64:
            raise CommandError(f"--workers must be between 1 and 64, not {workers}")
        if workers > 1 and settings.EMBEDDED:
            raise CommandError(
                "--workers above 1 needs REDIS_URL: in embedded mode the worker, "
                "the beat and live updates live inside this one process."
            )
        demo_site = self._start_demo(options["demo_port"]) if options["demo"] else None
        recovered = run_recovery_sweep(force=settings.EMBEDDED)
        if any(recovered.values()):
            self.stdout.write(f"Re-queued unfinished work: {recovered}")

        worker = None
        if settings.EMBEDDED and not options["no_worker"]:
            worker = EmbeddedWorker()
            worker.start()
            self.stdout.write("In-process worker and beat started (embedded mode).")
        elif not settings.EMBEDDED:
            self.stdout.write(
                "REDIS_URL is set: run `celery -A craigleads worker` and "
                "`celery -A craigleads beat` beside this process."
            )

        config = uvicorn.Config(
            "craigleads.asgi:application",
            host=options["host"],
            port=options["port"],
            lifespan="off",
            ws="websockets-sansio",
            log_level="warning",
            proxy_headers=True,
            server_header=False,
            workers=workers,
        )
        self.stdout.write(
            f"craigleads console on http://{options['host']}:{options['port']}/ "
            "(Ctrl-C to stop)"
        )
        if workers > 1:
            # Events travel through channels-redis, so each process publishes on
            # its own; uvicorn supervises the processes and restarts dead ones.
            self.stdout.flush()
            sock = config.bind_socket()
            uvicorn.supervisors.Multiprocess(config, sockets=[sock]).run()
            return
        server = uvicorn.Server(config)

        async def run() -> None:
            events.register_server_loop(asyncio.get_running_loop())
            try:
                await server.serve()
            finally:
                events.register_server_loop(None)

        try:
            asyncio.run(run())
        finally:
            if worker is not None:
                worker.stop()
            if demo_site is not None:
                demo_site.stop()

    def _start_demo(self, port: int) -> Any:
        from scraping.fixture_site import FixtureSite

        site = FixtureSite(port=port, recent=True)
        site.start()
        host = f"127.0.0.1:{site.port}"
        # The demo site joins the scraping allowlist for this process only.
        if host not in settings.SCRAPE_ALLOWED_HOSTS:
            settings.SCRAPE_ALLOWED_HOSTS = [*settings.SCRAPE_ALLOWED_HOSTS, host]
        settings.DEMO_SITE_URL = site.base_url
        if not settings.CRAIGLEADS_CONTACT_EMAIL:
            settings.CRAIGLEADS_CONTACT_EMAIL = "demo@craigleads.invalid"
        self.stdout.write(f"Demo Craigslist look-alike on {site.base_url}")
        return site
