"""Ingest benchmark: how many parsed postings per second reach the database.

Downloads every generated posting page from the fixture site once (outside the
timing), then for several rounds parses each page and records it as a lead
(dedup classification included) into a fresh database. SQLite in a temp folder
by default; set DATABASE_URL to measure PostgreSQL (a database named
`craigleads_bench` is created and dropped).

    .venv/bin/python benchmarks/bench_ingest.py [--rounds 3] [--count 400]
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench_db import bench_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=400)
    args = parser.parse_args()

    with bench_database():
        run(args.rounds, args.count)


def run(rounds: int, count: int) -> None:
    import httpx
    from django.db import connection

    from leads import services as lead_services
    from leads.models import Lead
    from scraping.fixture_site import FixtureSite
    from scraping.parsing import parse_posting

    with FixtureSite(port=0, count=count) as site:
        urls = [site.posting_url(p) for p in site.postings if p.status == "active"]
        with httpx.Client() as client:
            pages = [(url, client.get(url).text) for url in urls]

    rates, parse_ms, store_ms = [], [], []
    for _ in range(rounds):
        Lead.objects.all().delete()
        parse_total = store_total = 0.0
        for url, html in pages:
            t0 = time.perf_counter()
            parsed = parse_posting(html, url=url).to_dict()
            t1 = time.perf_counter()
            lead_services.record_posting(parsed=parsed, url=url, body_html=html)
            t2 = time.perf_counter()
            parse_total += t1 - t0
            store_total += t2 - t1
        rates.append(len(pages) / (parse_total + store_total))
        parse_ms.append(1000 * parse_total / len(pages))
        store_ms.append(1000 * store_total / len(pages))
    kinds = dict(
        Lead.objects.values_list("dedup_class")
        .order_by()
        .distinct()
        .values_list("dedup_class", "dedup_class")
    )

    print(
        f"database: {connection.vendor}; postings per round: {len(pages)}; "
        f"rounds: {rounds}; dedup classes seen: {sorted(kinds)}"
    )
    print(f"{'measure':<34}{'median':>12}{'min':>12}{'max':>12}")
    for name, values in (
        ("postings stored per second", rates),
        ("parse ms per posting", parse_ms),
        ("store ms per posting (dedup+insert)", store_ms),
    ):
        print(
            f"{name:<34}{statistics.median(values):>12.1f}{min(values):>12.1f}"
            f"{max(values):>12.1f}"
        )


if __name__ == "__main__":
    main()
