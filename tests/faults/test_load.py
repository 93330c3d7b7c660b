"""50 concurrent API clients for 60 s against `manage.py serve` on PostgreSQL and
Redis (benchmarks/bench_load.py, locust): zero failed requests.

Latency is printed (p50/p95/p99, requests per second), never asserted: it depends
on the machine. The figures also go to $TEST_ARTIFACTS/load.txt when set.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .harness import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def test_fifty_api_clients_for_a_minute_get_no_errors(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres",
        # Its own database, named after this run's, so parallel runs never meet.
        BENCH_DB_NAME=f"{db['NAME']}_load",
        REDIS_URL=settings.REDIS_URL,
        SECRET_KEY=settings.SECRET_KEY,
    )
    result = subprocess.run(
        [sys.executable, "bench_load.py", "--users", "50", "--duration", "60"],
        cwd=ROOT / "benchmarks",
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    output = result.stdout + result.stderr
    with capsys.disabled():  # the figures belong in the test log, pass or fail
        sys.stdout.write(f"\n{result.stdout}")
    if artifacts := os.environ.get("TEST_ARTIFACTS"):
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        (Path(artifacts) / "load.txt").write_text(output)

    assert result.returncode == 0, output[-4000:]
    summary = re.search(
        r"p50 (\d+) ms, p95 (\d+) ms, p99 (\d+) ms; ([\d.]+) requests/s; "
        r"0 errors of (\d+) requests",
        output,
    )
    assert summary, f"the figures were not printed:\n{output[-4000:]}"
    assert int(summary.group(5)) > 0
