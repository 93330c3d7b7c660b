"""Backups round-trip: what was there comes back, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from model_bakery import baker

from leads.models import Lead


def _round_trip(tmp_path: Path) -> dict[str, Any]:
    baker.make(Lead, url="https://sfbay.craigslist.org/sof/d/a/1.html", title="Kept")
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path), stdout=out)
    made = json.loads(out.getvalue())
    assert Path(made["path"]).is_file() and made["bytes"] > 0 and made["entries"] > 10
    Lead.objects.all().delete()
    baker.make(Lead, url="https://sfbay.craigslist.org/sof/d/a/2.html", title="After")
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", made["path"])
    call_command("restore", made["path"], "--yes", stdout=StringIO())
    assert list(Lead.objects.values_list("title", flat=True)) == ["Kept"]
    return made


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_what_was_there(tmp_path: Path, settings: Any) -> None:
    if settings.IS_POSTGRES:
        pytest.skip("the SQLite path")
    database = tmp_path / "live.sqlite3"
    settings.DATABASES["default"]["NAME"] = (
        database  # a file, not the in-memory test db
    )
    from django.db import connections

    connections.close_all()
    call_command("migrate", verbosity=0)
    assert _round_trip(tmp_path)["engine"] == "sqlite"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_what_was_there(tmp_path: Path) -> None:
    assert _round_trip(tmp_path)["engine"] == "postgresql"


def test_restoring_a_missing_file_fails_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "nope.dump"), "--yes")
