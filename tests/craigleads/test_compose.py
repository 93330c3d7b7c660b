"""There is no Docker engine here, so the compose file is checked against the
project instead: each service runs a command the project has, with the variables
the settings read."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import get_commands

from craigleads.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_web_worker_beat_db_and_redis_with_healthchecks() -> None:
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "scraper", "beat", "db", "redis"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in ("web", "worker", "scraper", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert set(_compose()["volumes"]) >= {"pgdata", "redisdata"}


def test_compose_commands_exist_in_the_project() -> None:
    services = _compose()["services"]
    commands = get_commands()
    web = services["web"]["command"]
    for management_command in ("bootstrap", "serve"):
        assert f"manage.py {management_command}" in web
        assert management_command in commands
    queues: set[str] = set()
    for name in ("worker", "scraper"):
        command = services[name]["command"]
        assert command.startswith("celery -A craigleads worker")
        queues |= set(command.split("--queues ")[1].split()[0].split(","))
    assert queues == {q.name for q in celery_app.conf.task_queues}
    # Politeness is enforced per process: scraping must run in exactly one.
    scraper = services["scraper"]["command"]
    assert "--queues scrape " in scraper and "--concurrency 1" in scraper
    worker_queues = services["worker"]["command"].split("--queues ")[1].split()[0]
    assert "scrape" not in worker_queues.split(",")
    assert services["beat"]["command"].startswith("celery -A craigleads beat")


def test_app_services_point_at_the_compose_database_and_redis() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "scraper", "beat"):
        env = services[name]["environment"]
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@db:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_dockerfile_uses_debian_chromium_and_never_downloads_a_browser() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "apt-get install" in dockerfile and "chromium" in dockerfile
    assert "playwright install" not in dockerfile
