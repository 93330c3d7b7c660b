"""Load benchmark: 50 concurrent API clients for 60 s against `manage.py serve`
in production mode (DEBUG off, PostgreSQL, Redis cache and channel layer).

Prepares a fresh PostgreSQL database (`craigleads_bench_load`, or BENCH_DB_NAME)
with a few thousand scored leads, their text embeddings and one token user per
client, starts `manage.py serve` on a free port, runs locust headless against it
(benchmarks/locustfile.py) and prints p50/p95/p99, requests per second and the
error count per endpoint. Exits non-zero if any request failed; the latency goal
(p95 < 200 ms) is reported, not enforced, since it depends on the machine.

The API throttle (API_RATE_PER_USER, 1000/hour by default) would refuse a busy
client after a minute, so the server under test runs with a much higher rate;
each client also has its own user and token, as separate scripts would.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
      REDIS_URL=redis://127.0.0.1:6379/5 \\
      .venv/bin/python benchmarks/bench_load.py [--users 50] [--duration 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("BENCH_DB_NAME", "craigleads_bench_load")

from bench_db import ROOT, bench_database

GOAL_P95_MS = 200.0
TITLES = [
    "Senior Python Developer",
    "Django backend engineer (remote)",
    "React front-end developer",
    "Data engineer, Airflow and dbt",
    "Full-stack developer for a nonprofit",
    "Night shift registered nurse",
    "Line cook, weekends",
    "DevOps engineer, Kubernetes",
]
WORDS = [
    *("python", "django", "react", "api", "remote", "team", "startup", "salary"),
    *("benefits", "postgres", "redis", "kubernetes", "docker", "aws", "data"),
    *("pipelines", "healthcare", "nonprofit", "weekends", "hourly", "contract"),
    *("full-time", "part-time", "junior", "senior", "lead", "mentor", "testing"),
    # Filler, so that a search word matches a share of the leads, not all of them.
    *(f"word{n}" for n in range(300)),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--leads", type=int, default=3000)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="DATABASE_CONN_MAX_AGE for the server (default 0: under ASGI each "
        "request runs on a new thread, so persistent connections pile up until "
        "PostgreSQL refuses more)",
    )
    parser.add_argument(
        "--think",
        default="0.5,1.5",
        help="each client's pause between calls, min,max seconds (a script "
        "polling about once a second); 0,0 saturates the server",
    )
    parser.add_argument("--workers", type=int, default=2, help="serve worker processes")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("DATABASE_URL must point at PostgreSQL (postgres://...)")
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        parser.error("REDIS_URL must point at Redis (redis://...)")
    if args.users < 1 or args.duration < 1 or args.leads < 10:
        parser.error("--users and --duration must be positive, --leads at least 10")
    try:
        think = [float(part) for part in args.think.split(",")]
    except ValueError:
        think = []
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error(
            f"--think must be min,max seconds with min <= max, not {args.think!r}"
        )

    with bench_database() as vendor:
        setup = {**populate(leads=args.leads, users=args.users), "think_seconds": think}
        with tempfile.TemporaryDirectory(prefix="craigleads-load-") as tmp:
            setup_file = Path(tmp) / "setup.json"
            setup_file.write_text(json.dumps(setup))
            server, base, workers = start_server(
                Path(tmp), args.workers, args.conn_max_age
            )
            try:
                print(
                    f"database: {vendor}; leads: {args.leads}; clients: {args.users}; "
                    f"duration: {args.duration} s; "
                    f"think time: {think[0]}-{think[1]} s; "
                    f"serve workers: {workers}; cores: {os.cpu_count()}; "
                    f"load average before: {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                with ConnectionCounter() as connections:
                    code, rows = run_locust(base, setup_file, Path(tmp), args)
                print(
                    "PostgreSQL connections to the bench database during the run: "
                    f"max {connections.most}",
                    flush=True,
                )
            finally:
                stop(server)
                from django.db import connection

                connection.close()
            server_errors = (Path(tmp) / "serve.log").read_text(errors="replace")
    return report(code, rows, server_errors)


def populate(*, leads: int, users: int) -> dict[str, Any]:
    """Scored leads with embeddings, and one API user (with a token) per client."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from craigleads.accounts import create_user
    from leads.models import Category, Lead, Site
    from memory import services as memory
    from memory.embeddings import to_bytes
    from memory.models import MemoryStore

    rng = random.Random(7)
    # Token clients never log in with a password; skip the slow hashing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_defaults", verbosity=0)
    sites = list(Site.objects.all()[:20])
    categories = list(Category.objects.filter(section="jjj")[:10]) or list(
        Category.objects.all()[:10]
    )
    now = timezone.now()
    rows = []
    for n in range(leads):
        score = round(rng.random(), 3)
        low = rng.choice([40, 60, 80, 100, 120]) * 1000
        rows.append(
            Lead(
                post_id=str(7_800_000_000 + n),
                url=f"https://example.craigslist.org/d/load/{7_800_000_000 + n}.html",
                site=rng.choice(sites),
                category=rng.choice(categories),
                title=rng.choice(TITLES),
                description=" ".join(rng.choices(WORDS, k=40)),
                compensation=f"${low:,} - ${low + 20000:,}",
                salary_min_annual=low,
                salary_max_annual=low + 20000,
                is_remote=rng.random() < 0.4,
                company=f"Company {n % 400}",
                contact_email=f"jobs{n}@example.com",
                contact_phone="415-555-0100",
                qualification_score=score,
                qualification_grade="ABCDF"[min(4, int((1 - score) * 5))],
                qualification_passed=score >= 0.4,
                qualified_at=now,
                posted_at=now - timezone.timedelta(hours=rng.randint(1, 24 * 30)),
            )
        )
    created = Lead.objects.bulk_create(rows, batch_size=500)
    embedder = memory.embedder()
    MemoryStore.objects.bulk_create(
        [
            MemoryStore(
                memory_type=MemoryStore.Kind.SEMANTIC,
                session_id=memory.SEMANTIC_SESSION,
                key=f"lead:{lead.pk}",
                embedding=to_bytes(embedder.embed(f"{lead.title}\n{lead.description}")),
                content={"lead_id": lead.pk, "chars": len(lead.description)},
                importance=0.5,
            )
            for lead in created
        ],
        batch_size=500,
    )
    tokens = []
    for n in range(users):
        role = "viewer" if n % 10 == 9 else "reviewer" if n % 10 == 8 else "operator"
        user, _ = create_user(
            username=f"load-{n}", role=role, password=f"load-client-pass-{n:04d}"
        )
        tokens.append(Token.objects.create(user=user).key)
    ids = [lead.pk for lead in created]
    from django.db import connection

    # Statistics, as autovacuum would gather them on a live database: without
    # them the planner takes the fresh table for empty and never uses the
    # full-text index (a sequential scan made every search 70 ms).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"tokens": tokens, "first_lead_id": min(ids), "last_lead_id": max(ids)}


class ConnectionCounter:
    """Samples how many server connections the bench database has, once a second
    (ASGI plus persistent connections can pile them up)."""

    def __init__(self) -> None:
        import threading

        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ConnectionCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg
        from django.conf import settings

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            while not self._stop.wait(1.0):
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                    (db["NAME"],),
                ).fetchone()
                self.most = max(self.most, int(row[0]) if row else 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_supports_workers() -> bool:
    out = subprocess.run(
        [sys.executable, "manage.py", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return "--workers" in out


def start_server(
    tmp: Path, workers: int, conn_max_age: int
) -> tuple[subprocess.Popen[bytes], str, int]:
    port = _free_port()
    command = [sys.executable, "manage.py", "serve", "--port", str(port)]
    if workers > 1 and _serve_supports_workers():
        command += ["--workers", str(workers)]
    else:
        workers = 1
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        API_RATE_PER_USER="1000000/hour",
        CRAIGLEADS_VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
        DATABASE_CONN_MAX_AGE=str(conn_max_age),
    )
    env.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    log = (tmp / "serve.log").open("wb")
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("serve exited:\n" + (tmp / "serve.log").read_text())
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base, workers
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(server)
    raise SystemExit(
        "serve did not become healthy:\n" + (tmp / "serve.log").read_text()
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def run_locust(
    base: str, setup_file: Path, tmp: Path, args: argparse.Namespace
) -> tuple[int, list[dict[str, str]]]:
    prefix = tmp / "load"
    env = dict(os.environ, LOCUST_SETUP=str(setup_file))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            f"{args.duration}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        return result.returncode or 1, []
    with stats.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        lines = failures.read_text().splitlines()[1:]
        for line in lines[:10]:
            print(f"failure: {line}")
    return result.returncode, rows


def report(code: int, rows: list[dict[str, str]], server_log: str) -> int:
    if not rows:
        print("locust produced no statistics")
        return 1
    print(
        f"{'endpoint':<34}{'requests':>9}{'errors':>8}{'req/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
    )
    total: dict[str, str] = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        _line(row["Type"] + " " + row["Name"], row)
    _line("all requests", total)
    requests = int(total.get("Request Count", 0))
    errors = int(total.get("Failure Count", 0))
    p95 = float(total.get("95%", "nan") or "nan")
    print(
        f"p50 {total.get('50%')} ms, p95 {total.get('95%')} ms, "
        f"p99 {total.get('99%')} ms; {float(total.get('Requests/s', 0)):.1f} "
        f"requests/s; {errors} errors of {requests} requests"
    )
    print(
        f"goal p95 < {GOAL_P95_MS:.0f} ms: "
        + ("met" if p95 < GOAL_P95_MS else "NOT met")
    )
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        print(f"server log has {tracebacks} tracebacks")
    problems = [
        line
        for line in server_log.splitlines()
        if '"level": "ERROR"' in line or "database unavailable" in line
    ]
    for line in problems[:5]:
        print(f"server: {line[:600]}")
    if errors or code or requests == 0 or tracebacks:
        print(f"FAILED: {errors} errors, locust exit code {code}")
        return 1
    return 0


def _line(name: str, row: dict[str, str]) -> None:
    print(
        f"{name[:33]:<34}{row.get('Request Count', ''):>9}"
        f"{row.get('Failure Count', ''):>8}{float(row.get('Requests/s', 0)):>8.1f}"
        f"{row.get('50%', ''):>8}{row.get('95%', ''):>8}{row.get('99%', ''):>8}"
    )


if __name__ == "__main__":
    sys.exit(main())
