"""Benchmark the console's busiest pages with 100,000 leads under concurrent clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \\
    REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python benchmarks/bench_console.py \\
        [--leads 100000] [--clients 20] [--seconds 20] [--workers 2]

Builds a fresh PostgreSQL database (`craigleads_bench_console`, dropped afterwards)
holding `--leads` leads over every site and category with scores, grades, dedup
classes and drafts in every state, then serves it with `manage.py serve` in
production mode (DEBUG off, Redis cache and channel layer, `--workers` HTTP
processes). `--clients` logged-in browsers then load each page group for
`--seconds` after a warm-up: the dashboard, and the lead list with the filters,
searches, sorts and deep pages operators use. Prints, per group, the median, p95
and p99 latency, requests per second and errors. The goal the issue sets is p95
under 100 ms; nothing is asserted, and figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB_NAME", "craigleads_bench_console")

from benchmarks.bench_db import bench_database  # noqa: E402

PASSWORD = "bench-passphrase-for-the-console-42"  # noqa: S105 - a throwaway DB
WORDS = [
    "python",
    "django",
    "developer",
    "designer",
    "logo",
    "bakery",
    "remote",
    "contract",
    "hourly",
    "senior",
    "junior",
    "react",
    "frontend",
    "backend",
    "writer",
    "editor",
    "marketing",
    "photographer",
    "movers",
    "cleaning",
    "bookkeeper",
    "assistant",
    "warehouse",
    "driver",
    "nurse",
    "tutor",
    "video",
    "wordpress",
    "shopify",
    "seo",
    "data",
    "analyst",
    "excel",
    "sql",
    "startup",
    "agency",
    "nonprofit",
    "weekend",
]
PAGES: dict[str, list[str]] = {
    "dashboard": ["/"],
    "lead list": [
        "/leads/",
        "/leads/?sort=score",
        "/leads/?grade=A",
        "/leads/?q=python+developer",
        "/leads/?q=%22logo+designer%22+-agency&sort=relevance",
        "/leads/?category=sof&remote=true",
        "/leads/?min_score=0.7&posted_within_days=7",
        "/leads/?page=40",
        "/leads/?dedup_class=repost&status=active",
    ],
}


_SYLLABLES = [
    "ba",
    "be",
    "ci",
    "do",
    "fu",
    "ga",
    "ke",
    "li",
    "mo",
    "nu",
    "pa",
    "re",
    "si",
    "to",
    "vu",
    "wa",
    "xe",
    "yo",
    "za",
]
# Postings share a few trade words and differ in the rest, so a search for
# "python developer" matches a few per cent of leads, as on Craigslist.
FILLER = sorted(
    {
        "".join(random.Random(i).choices(_SYLLABLES, k=random.Random(-i).randint(2, 4)))
        for i in range(6000)
    }
)


def _sentence(rng: random.Random, n: int) -> str:
    words = [
        rng.choice(WORDS) if rng.random() < 0.08 else rng.choice(FILLER)
        for _ in range(n)
    ]
    return " ".join(words).capitalize() + "."


def seed(total: int, users: int = 20) -> None:
    """`total` leads spread over sites, categories, grades and 60 days."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from craigleads.accounts import create_user
    from leads.models import Category, Lead, Site
    from responses.models import Draft

    call_command("load_defaults", verbosity=0)
    for i in range(users):
        create_user(username=f"bench-{i}", role="operator", password=PASSWORD)
    rng = random.Random(7)
    sites = list(Site.objects.all())
    categories = list(Category.objects.all())
    now = timezone.now()
    grades = "AABBBCCCCDDDF"
    kinds = ["new"] * 7 + ["updated", "repost", "duplicate"]
    batch: list[Lead] = []
    started = time.perf_counter()
    for i in range(total):
        grade = rng.choice(grades)
        score = {"A": 0.85, "B": 0.7, "C": 0.55, "D": 0.4, "F": 0.2}[grade]
        batch.append(
            Lead(
                post_id=str(7_000_000_000 + i),
                url=f"https://bench.craigslist.org/x/{7_000_000_000 + i}.html",
                site=rng.choice(sites),
                category=rng.choice(categories),
                title=_sentence(rng, rng.randint(3, 8))[:-1],
                description=" ".join(_sentence(rng, 12) for _ in range(6)),
                company=rng.choice(["", "Acme", "Crumb & Co", "Studio Nine"]),
                compensation=rng.choice(["", "$25/hr", "$80,000 a year", "DOE"]),
                is_remote=rng.random() < 0.3,
                posted_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 60)),
                dedup_class=rng.choice(kinds),
                qualification_score=round(score + rng.uniform(-0.05, 0.05), 3),
                qualification_grade=grade,
                qualification_passed=grade != "F",
                qualification_reasons=["Pay $25/hr is within your range."],
                contact_email=f"person{i}@example.com" if i % 3 == 0 else "",
            )
        )
        if len(batch) == 5000:
            Lead.objects.bulk_create(batch)
            batch = []
    Lead.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # created_at follows the posting time so the volume chart has history
        cursor.execute(
            "UPDATE leads SET created_at = posted_at, scraped_at = posted_at"
        )
    states = [s for s, _ in Draft.State.choices]
    drafts = [
        Draft(
            lead_id=lead_id,
            subject="About your posting",
            body="Hello, I can help with this.",
            to_email="",
            state=rng.choice(states),
        )
        for lead_id in Lead.objects.filter(qualification_grade__in="AB").values_list(
            "pk", flat=True
        )[: total // 10]
    ]
    Draft.objects.bulk_create(drafts, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {total:,} leads and {len(drafts):,} drafts "
        f"in {time.perf_counter() - started:.0f} s"
    )


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "CRAIGLEADS_CONTACT_EMAIL": "bench@example.com",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("serve exited: " + proc.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        time.sleep(0.3)
    raise SystemExit("serve did not answer /healthz within 60 s")


def logged_in_client(base: str, username: str) -> Any:
    import httpx

    client = httpx.Client(base_url=base, timeout=30)

    def keep_cookies(response: Any) -> None:
        # Production cookies are Secure; this loopback run is plain HTTP.
        for cookie in response.cookies.jar:
            client.cookies.set(cookie.name, cookie.value)

    page = client.get("/login/")
    keep_cookies(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    response = client.post(
        "/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": f"{base}/login/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    keep_cookies(response)
    return client


def load(
    base: str, urls: list[str], clients: int, seconds: float, think: float = 0.0
) -> dict[str, Any]:
    # one operator per client, as in a team: each has their own remembered filters
    sessions = [logged_in_client(base, f"bench-{i}") for i in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    warm_until = time.monotonic() + min(3.0, seconds / 4)

    def run(client: Any, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            url = rng.choice(urls)
            began = time.perf_counter()
            try:
                response = client.get(url)
                ok = response.status_code == 200
                what = f"{response.status_code} {url}"
            except Exception as exc:
                ok, what = False, f"{type(exc).__name__} {url}"
            elapsed = time.perf_counter() - began
            with lock:
                if not ok:
                    errors.append(what)
                elif time.monotonic() > warm_until:
                    latencies.append(elapsed)
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)

    threads = [
        threading.Thread(target=run, args=(client, i))
        for i, client in enumerate(sessions)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - max(began, warm_until - seconds)
    for client in sessions:
        client.close()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": pct(0.95) if latencies else float("nan"),
        "p99": pct(0.99) if latencies else float("nan"),
        "rps": len(latencies) / max(wall - min(3.0, seconds / 4), 0.001),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8190)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (the goal is on it).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: production mode caches and publishes there.")
    with bench_database() as vendor:
        seed(args.leads, users=args.clients)
        server = start_server(args.port, args.workers)
        try:
            base = f"http://127.0.0.1:{args.port}"
            print(
                f"{vendor}, {args.leads:,} leads, {args.clients} clients, "
                f"{args.workers} HTTP workers, {args.seconds:.0f} s per group"
            )
            failed = False
            for (name, urls), think in [
                (group, think) for think in (0.0, 1.0) for group in PAGES.items()
            ]:
                if think == 0.0 and name == next(iter(PAGES)):
                    print(
                        "  back to back (each client sends its next request at once):"
                    )
                elif think and name == next(iter(PAGES)):
                    print(
                        "  operators clicking about once a second (0.5-1.5 s pauses):"
                    )
                result = load(base, urls, args.clients, args.seconds, think)
                print(
                    f"    {name:<10} p50 {result['p50']:6.1f} ms"
                    f"  p95 {result['p95']:6.1f} ms"
                    f"  p99 {result['p99']:6.1f} ms  {result['rps']:6.1f} req/s"
                    f"  {result['requests']:,} requests, {len(result['errors'])} errors"
                )
                for error in sorted(set(result["errors"]))[:5]:
                    print(f"      error: {error}")
                failed = failed or bool(result["errors"])
        finally:
            os.killpg(server.pid, 9)
            server.wait()
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
