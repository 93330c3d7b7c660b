"""Qualification benchmark: one qualification including database reads and
writes, and the bulk re-score of 10,000 and 100,000 leads.

Leads are generated (realistic titles, bodies and pay) into a fresh database:
SQLite in a temp folder by default, or PostgreSQL when DATABASE_URL is set (a
database named `craigleads_bench` is created and dropped). The bulk figures split
the vectorised scoring step from loading features and writing results.

    .venv/bin/python benchmarks/bench_qualify.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench_db import bench_database

TITLES = [
    "Senior Python Developer",
    "Django engineer",
    "Barista",
    "Warehouse associate",
    "Data analyst (SQL)",
    "Frontend developer React",
    "Bookkeeper",
    "DevOps engineer",
    "Delivery driver",
    "Marketing coordinator",
]
BODIES = [
    "We build APIs in Python with FastAPI and Django. Remote friendly. 3+ years.",
    "Small team, fast pace. Experience with Docker, Postgres and AWS. Hybrid in SF.",
    "Our client, a Fortune 500 company, seeks a contractor. Staffing agency.",
    "Make coffee, greet guests, keep the shop clean. Weekends required.",
    "Lift 50 lbs, forklift certificate a plus. On site only.",
]
PAY = [
    "$120,000 - $140,000",
    "$25/hr",
    "DOE",
    "$60k-$80k",
    "up to $45 per hour",
    "",
    "$500/week",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--single-runs", type=int, default=50)
    args = parser.parse_args()

    with bench_database():
        run(args)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from leads.models import Category, Lead, Site
    from qualification import selectors, services
    from qualification.models import FeatureSnapshot
    from qualification.scoring import score_batch

    call_command("load_defaults", verbosity=0)
    profile = selectors.default_profile()
    config = selectors.profile_config(profile)
    sites, categories = (
        list(Site.objects.all()),
        list(Category.objects.filter(section="jjj")),
    )
    rng = random.Random(7)

    def make(n: int, start: int) -> None:
        Lead.objects.bulk_create(
            [
                Lead(
                    url=f"https://bench.craigslist.org/sof/d/x/{start + i}.html",
                    post_id=str(7_000_000_000 + start + i),
                    title=rng.choice(TITLES),
                    description=" ".join(rng.sample(BODIES, 2)),
                    compensation=rng.choice(PAY),
                    is_remote=rng.choice([True, False, None]),
                    site=rng.choice(sites),
                    category=rng.choice(categories),
                )
                for i in range(n)
            ],
            batch_size=2000,
        )

    make(args.single_runs, 0)
    ids = list(Lead.objects.values_list("pk", flat=True))
    single = []
    for lead_id in ids:
        t0 = time.perf_counter()
        services.qualify_lead(lead_id=lead_id, profile=profile)
        single.append(1000 * (time.perf_counter() - t0))
    print(f"database: {connection.vendor}")
    print(
        "one qualification incl. DB reads and writes: "
        f"median {statistics.median(single):.2f} ms, "
        f"p95 {sorted(single)[int(0.95 * len(single)) - 1]:.2f} ms "
        f"({len(single)} leads; the first call per lead extracts and caches features)"
    )
    print()
    print(
        f"{'leads':>8} {'features (cold)':>16} {'features (cached)':>18} "
        f"{'score step':>11} {'reasons':>9} {'write':>8} {'total re-score':>15}"
    )
    made = len(ids)
    for size in args.sizes:
        make(size - made, made + 1_000_000)
        made = size
        leads = list(
            Lead.objects.select_related("site", "category").order_by("pk")[:size]
        )
        FeatureSnapshot.objects.all().delete()
        t0 = time.perf_counter()
        services.features_for(leads)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        features = services.features_for(leads)
        cached = time.perf_counter() - t0
        scores = []
        for _ in range(5):
            t0 = time.perf_counter()
            batch = score_batch(features, config, now=time.time())
            scores.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        results = [batch.result(i) for i in range(len(leads))]
        reasons = time.perf_counter() - t0
        run = services.start_rescore(profile=profile)
        t0 = time.perf_counter()
        while services.run_rescore_chunk(run_id=run.pk):
            pass
        total = time.perf_counter() - t0
        write = max(0.0, total - cached - statistics.median(scores) - reasons)
        print(
            f"{size:>8} {cold:>15.2f}s {cached:>17.2f}s "
            f"{statistics.median(scores):>10.3f}s {reasons:>8.2f}s "
            f"{write:>7.2f}s {total:>14.2f}s"
        )
        if len(results) != size:
            raise SystemExit("reasons were not built for every lead")


if __name__ == "__main__":
    main()
