"""Learning and memory benchmark: advice (predict) latency, one replay batch,
top-10 similarity over 100,000 vectors, consolidation of 10,000 memories.

Runs in a fresh SQLite database in a temp folder (or PostgreSQL when
DATABASE_URL is set; a database `craigleads_bench` is created and dropped).

    .venv/bin/python benchmarks/bench_learning.py
"""

from __future__ import annotations

import statistics
import time

from bench_db import bench_database


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - start))
    return out


def main() -> None:
    with bench_database():
        run()


def run() -> None:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from leads.models import Category, Lead, Site
    from learning import services as learning
    from memory import embeddings
    from memory import services as memory
    from memory.models import MemoryStore
    from qualification.services import qualify_lead

    call_command("load_defaults", verbosity=0)
    site, category = Site.objects.get(code="sfbay"), Category.objects.get(code="sof")
    leads = [
        Lead.objects.create(
            url=f"https://sfbay.craigslist.org/sof/d/x/{i}.html",
            title="Python developer",
            description="Django and FastAPI, remote. $120,000 - $140,000.",
            site=site,
            category=category,
            is_remote=bool(i % 2),
        )
        for i in range(40)
    ]
    for lead in leads:
        qualify_lead(lead_id=lead.pk)
    for i, lead in enumerate(leads):
        learning.record_feedback(
            lead_id=lead.pk, kind="approved" if i % 3 else "rejected"
        )
    lead = Lead.objects.select_related("site", "category").get(pk=leads[0].pk)
    learning.advise(lead=lead)  # warm the feature snapshot
    predict = timed(lambda: learning.advise(lead=lead), 200)
    raw = {"salary_range": 130000, "keyword_match_ratio": 0.8, "location_type": 1.0}
    predict_raw = timed(lambda: learning.advise(raw=raw), 200)
    replay = timed(lambda: learning.replay(seed=1), 20)

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((100_000, embeddings.DIMENSIONS)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    query = matrix[123]
    search = timed(lambda: embeddings.most_similar(query, matrix, 10), 50)
    embed = timed(
        lambda: embeddings.embed("Senior Python developer, remote, Django " * 20), 200
    )

    MemoryStore.objects.bulk_create(
        [
            MemoryStore(
                session_id=f"user:{i % 50}",
                memory_type="short_term",
                key=f"lead:{i}",
                content={"decision": "approved"},
                importance=float(rng.uniform(0, 1)),
            )
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    consolidation = timed(memory.consolidate, 1)

    print(f"database: {connection.vendor}")
    print(f"{'measure':<52}{'median ms':>12}{'p95 ms':>10}")
    for name, values in (
        ("predict for a lead (features cached, Q-table read)", predict),
        ("predict for raw features", predict_raw),
        ("one replay batch (32 experiences) + version", replay),
        ("embed one posting (hashing, 256 dims)", embed),
        ("top-10 similarity over 100,000 vectors", search),
        ("consolidate 10,000 short-term memories", consolidation),
    ):
        p95 = sorted(values)[max(0, int(0.95 * len(values)) - 1)]
        print(f"{name:<52}{statistics.median(values):>12.2f}{p95:>10.2f}")


if __name__ == "__main__":
    main()
