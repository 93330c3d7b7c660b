"""The Celery settings that make "kill -9 and lose nothing" true (CEL-1, CEL-5)."""

from __future__ import annotations

import ast
from pathlib import Path

from craigleads.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _project_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {
        name: task for name, task in app.tasks.items() if not name.startswith("celery.")
    }


def test_delivery_is_late_acked_and_requeued_when_a_worker_dies() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == conf.result_serializer == "json"
    assert conf.broker_connection_retry_on_startup is True


def test_every_task_has_limits_below_half_the_visibility_timeout() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    tasks = _project_tasks()
    assert {"scraping.run_scrape_job", "craigleads.recovery_sweep"} <= set(tasks)
    for name, task in tasks.items():
        hard = task.time_limit or app.conf.task_time_limit
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert hard and soft, f"{name} has no time limits"
        assert soft <= hard, f"{name}: soft limit {soft} above hard limit {hard}"
        assert hard < visibility / 2, f"{name}: {hard}s limit too close to the VT"


def test_beat_entries_name_real_tasks() -> None:
    tasks = _project_tasks()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in tasks


def test_no_task_is_scheduled_further_ahead_than_the_visibility_timeout() -> None:
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for path in ROOT.glob("*/tasks.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg in {"countdown", "eta"}
                and isinstance(node.value, ast.Constant)
            ):
                assert node.value.value < visibility, f"{path}: {node.arg}"
