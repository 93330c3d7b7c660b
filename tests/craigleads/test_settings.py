"""Settings come from the environment; a malformed value stops start-up with an
error naming the variable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-settings-test-secret-key-0123456789abcdef"


def _django_check(
    env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG"}
    }
    clean.update({"CRAIGLEADS_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "postgres://host:notaport/db"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "smtp-ish:nothing"),
        ("DEBUG", "maybe"),
        ("SESSION_COOKIE_AGE", "a fortnight"),
        ("SCRAPE_RATE_PER_HOST", "fast"),
        ("SCRAPE_MAX_BYTES", "-5"),
        ("CRAIGLEADS_CONTACT_EMAIL", "not-an-address"),
        ("CSRF_TRUSTED_ORIGINS", "leads.example.com"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_malformed_variable_stops_start_up_naming_it(
    variable: str, value: str, tmp_path: Path
) -> None:
    result = _django_check({variable: value, "SECRET_KEY": GOOD_KEY}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_production_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _django_check({"REDIS_URL": "redis://127.0.0.1:6379/9"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_embedded_run_keeps_a_generated_secret_key_between_starts(
    tmp_path: Path,
) -> None:
    assert _django_check({}, tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _django_check({}, tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_deploy_check_is_clean_with_production_values(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECURE_SSL_REDIRECT"}
    }
    env.update(
        {
            "CRAIGLEADS_VAR_DIR": str(tmp_path),
            "SECRET_KEY": GOOD_KEY + "Zq8!",
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "ALLOWED_HOSTS": "leads.example.com",
            "CRAIGLEADS_CONTACT_EMAIL": "ops@example.com",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def _settings_variables() -> set[str]:
    source = (ROOT / "craigleads" / "settings.py").read_text()
    pattern = r'(?:_bool|_int|_float|_list|_url|os\.environ\.get)\(\s*"([A-Z_]+)"'
    return set(re.findall(pattern, source))


def test_env_example_lists_every_variable_the_settings_read() -> None:
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    read = _settings_variables()
    assert read, "the settings scan found no variables"
    assert sorted(read - listed) == []
