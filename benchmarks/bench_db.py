"""A fresh database for a benchmark run: SQLite in a temp folder by default, or,
when DATABASE_URL points at PostgreSQL, a database `craigleads_bench` on that
server, created before and dropped after."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# BENCH_DB_NAME lets two benchmarks run side by side on one server.
BENCH_DB = os.environ.get("BENCH_DB_NAME", "craigleads_bench")


@contextmanager
def bench_database() -> Iterator[str]:
    """Set Django up on a fresh, migrated database; yields its vendor name."""
    sys.path.insert(0, str(ROOT))
    os.environ["CRAIGLEADS_VAR_DIR"] = tempfile.mkdtemp(prefix="craigleads-bench-")
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if postgres:
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/{BENCH_DB}"
        os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craigleads.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if postgres:
        _admin("DROP DATABASE IF EXISTS " + BENCH_DB)
        _admin("CREATE DATABASE " + BENCH_DB)
    call_command("migrate", verbosity=0)
    try:
        yield connection.vendor
    finally:
        if postgres:
            connection.close()
            _admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _admin(sql: str) -> None:
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
        conn.execute(sql)
