"""Benchmark the pure qualification engine: vectorised scoring versus a loop.

    .venv/bin/python benchmarks/bench_scoring.py [--sizes 10000 100000] [--runs 5]

Generates realistic synthetic `LeadFeatures` (a pool of postings read with
`extract_features`, then varied in pay, place, age and cues per lead) and a
profile that uses every factor and hard filter. For each size it prints the
median of the runs for: building the arrays (including the keyword look-up
loop), scoring (factors, filters, grades as array operations), the whole
`score_batch`, and writing the sentences of every lead. Then it times
`score_one` in a plain loop over 1,000 leads for comparison. No database.
Timings are machine-dependent; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualification import factors as fx  # noqa: E402
from qualification import scoring  # noqa: E402
from qualification.features import (  # noqa: E402
    LeadArrays,
    LeadFeatures,
    extract_features,
)

NOW = datetime(2025, 6, 1, tzinfo=UTC)
TITLES = [
    "Senior Python Developer",
    "Junior Django engineer (remote)",
    "Lead Backend Engineer - FastAPI",
    "Barista wanted",
    "Warehouse associate, night shift",
    "Data analyst (SQL, Tableau)",
    "Frontend developer React/TypeScript",
    "Bookkeeper for family-owned business",
    "DevOps engineer - Kubernetes, AWS",
    "Delivery driver, own vehicle",
    "Marketing coordinator",
    "Staff Software Engineer, Payments",
    "Medical receptionist",
    "Sales rep - commission only",
    "Personal assistant needed ASAP",
]
SENTENCES = [
    "We build APIs in Python with FastAPI and Django and deploy on AWS.",
    "Small team, fast pace; you will own features end to end.",
    "Experience with Docker, Postgres, SQL and CI/CD pipelines is a plus.",
    "This is a fully remote position; work from home anywhere in the US.",
    "Hybrid: three days in the office in San Francisco.",
    "Must be able to work on-site in Oakland; no remote work.",
    "Requirements: 5+ years of professional experience, or 3-5 years with a degree.",
    "Our client, a Fortune 500 company, is hiring through our staffing agency.",
    "We are a 501(c)(3) non-profit serving families in the county.",
    "Benefits: medical, dental, vision, 401(k) match and paid time off.",
    "Payment by cashier's check; deposit and send the balance by Western Union.",
    "Busy restaurant near downtown; weekend availability required.",
    "You will mentor junior engineers and review machine learning pipelines.",
    "Apply in person with your resume; entry level, we train.",
    "Startup of 12 employees building healthcare software for clinics.",
]
COMPENSATION = [
    "$120,000 - $140,000",
    "$25/hr",
    "DOE",
    "$60k-$80k",
    "commission only",
    "$18-22/hour",
    "",
    "$150k+ equity",
    "unpaid internship",
]
CATEGORIES = ["sof", "sof", "sof", "web", "web", "sad", "hea", "fbh", "trp", "sls"]
PLACES = [(37.77, -122.42), (37.80, -122.27), (38.58, -121.49), (40.71, -74.0)]

PROFILE = scoring.ProfileConfig.from_rows(
    [
        ("salary", {"min_annual": 100000, "max_annual": 160000}, 30, True),
        (
            "keywords",
            {
                "required": ["python", "fastapi"],
                "nice_to_have": ["django", "api", "machine learning"],
                "synonyms": {"python": ["py", "django"]},
            },
            25,
            True,
        ),
        (
            "location",
            {
                "prefer_remote": True,
                "home": {"latitude": 37.77, "longitude": -122.42},
                "max_commute_km": 40,
            },
            20,
            True,
        ),
        (
            "experience",
            {
                "seniority": ["mid", "senior"],
                "max_years_required": 8,
                "skills": ["sql", "docker", "ci/cd"],
            },
            15,
            True,
        ),
        (
            "company",
            {
                "avoid_recruiters": True,
                "preferred_size": "small",
                "industries": ["tech", "healthcare"],
            },
            10,
            True,
        ),
        ("pay_floor", {"min_annual": 50000}, 0, True),
        ("remote_required", {"allow_hybrid": True}, 0, True),
        ("categories", {"allowed": ["sof", "web", "sad", "hea"]}, 0, True),
        ("blocked_words", {"words": ["commission only", "western union"]}, 0, True),
        (
            "blocked_posters",
            {"emails": ["@spam.example"], "companies": ["acme"]},
            0,
            True,
        ),
        ("max_age", {"days": 30}, 0, True),
    ]
)


def pool(rng: random.Random, size: int = 300) -> list[LeadFeatures]:
    """Postings read from generated text, to be varied per lead."""
    out = []
    for _ in range(size):
        body = " ".join(rng.sample(SENTENCES, rng.randint(3, 8)))
        lat, lon = rng.choice(PLACES)
        out.append(
            extract_features(
                title=rng.choice(TITLES),
                description=body,
                compensation=rng.choice(COMPENSATION),
                latitude=lat,
                longitude=lon,
                posted_at=NOW - timedelta(days=rng.uniform(0, 60)),
                category=rng.choice(CATEGORIES),
                company=rng.choice(["", "Acme", "Initech", "Globex", "Hooli"]),
                contact_email=rng.choice(["", "hr@initech.com", "x@spam.example"]),
            )
        )
    return out


def synthetic(n: int, seed: int = 7) -> list[LeadFeatures]:
    rng = random.Random(seed)
    base = pool(rng)
    leads = []
    for _ in range(n):
        f = rng.choice(base)
        low = rng.choice([None, rng.uniform(40e3, 200e3)])
        high = None if low is None else low * rng.uniform(1.0, 1.5)
        lat, lon = rng.choice(PLACES)
        leads.append(
            replace(
                f,
                salary_min=low if low is not None else f.salary_min,
                salary_max=high if high is not None else f.salary_max,
                latitude=lat + rng.gauss(0, 0.2),
                longitude=lon + rng.gauss(0, 0.2),
                posted_at=NOW.timestamp() - rng.uniform(0, 35) * 86_400,
            )
        )
    return leads


def median_seconds(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_size(n: int, runs: int, now: float) -> None:
    """Print one row of the table, and the verdicts, for n leads."""
    factors = fx.build_factors(PROFILE.settings)
    filters = scoring.build_filters(PROFILE.settings)
    terms = [t for f in factors for t in f.terms()]
    terms += [t for f in filters for t in f.terms()]
    weights = [PROFILE.weights[name] for name in scoring.FACTORS]
    leads = synthetic(n)
    arrays = LeadArrays(leads, terms)
    t_arrays = median_seconds(lambda: LeadArrays(leads, terms), runs)
    t_scoring = median_seconds(
        lambda: scoring.BatchResult(
            arrays=arrays,
            factors=factors,
            filters=filters,
            weights=weights,
            nominal=weights,
            thresholds=PROFILE.thresholds,
            now=now,
        ),
        runs,
    )
    t_batch = median_seconds(lambda: scoring.score_batch(leads, PROFILE, now=now), runs)
    batch = scoring.score_batch(leads, PROFILE, now=now)
    t_reasons = median_seconds(lambda: [batch.result(i) for i in range(n)], runs)
    print(
        f"{n:>8,} {t_arrays * 1e3:>9.1f} {t_scoring * 1e3:>9.1f} "
        f"{t_batch * 1e3:>12.1f} {t_reasons * 1e3:>14.1f} "
        f"{t_batch / n * 1e6:>11.2f}"
    )
    grades = {g: int((batch.grades == g).sum()) for g in "ABCDF"}
    failed = Counter(name for name in batch.failed_filter if name)
    print(f"{'':>8} passed {batch.passed.mean():.0%}, grades {grades}")
    print(f"{'':>8} failed filters {dict(failed.most_common())}")


def bench_loop(n: int, runs: int, now: float) -> None:
    """Print score_one in a plain loop against score_batch on the same leads."""
    leads = synthetic(n)
    t_loop = median_seconds(
        lambda: [scoring.score_one(f, PROFILE, now=now) for f in leads], runs
    )
    t_vector = median_seconds(
        lambda: scoring.score_batch(leads, PROFILE, now=now), runs
    )
    print(
        f"\nscore_one in a loop over {n:,} leads: {t_loop * 1e3:.1f} ms "
        f"({t_loop / n * 1e6:.0f} us a lead, sentences included); "
        f"score_batch on the same: {t_vector * 1e3:.1f} ms "
        f"({t_loop / t_vector:.0f}x faster, no sentences)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loop", type=int, default=1_000)
    args = parser.parse_args()
    now = NOW.timestamp()
    print(f"median of {args.runs} runs, milliseconds (last column microseconds)")
    print(
        f"{'leads':>8} {'arrays':>9} {'scoring':>9} {'score_batch':>12} "
        f"{'reasons (all)':>14} {'us a lead':>11}"
    )
    for n in args.sizes:
        bench_size(n, args.runs, now)
    bench_loop(args.loop, args.runs, now)


if __name__ == "__main__":
    main()
