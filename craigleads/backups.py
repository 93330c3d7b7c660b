"""Backups that are checked, not assumed (RELIABILITY_CHECKLIST BAK-1).

PostgreSQL: `pg_dump -Fc`, refused when pg_dump's major version differs from the
server's (the GitLab 2017 failure), then checked with `pg_restore --list`.
SQLite: the online backup API (never a copy of a live WAL file), then
`PRAGMA integrity_check`. Restores replace the whole database.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone


class BackupError(Exception):
    """A backup or restore that failed or could not be verified; says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    engine: str
    size: int
    entries: int  # tables in the SQLite copy, or TOC entries in the dump


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = [
        "-h",
        str(db.get("HOST") or "localhost"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
    ]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed (apt-get install postgresql-client)"
        )
    return path


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if not match:
        raise BackupError(f"cannot read a version from {text!r}")
    return int(match.group(1))


def backup(*, directory: Path | None = None) -> Backup:
    """Write a verified backup under `directory` (default var/backups)."""
    directory = directory or Path(settings.VAR_DIR) / "backups"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "postgresql":
        return _backup_postgres(directory / f"craigleads-{stamp}.dump")
    return _backup_sqlite(directory / f"craigleads-{stamp}.sqlite3")


def _backup_postgres(target: Path) -> Backup:
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = _major(cursor.fetchone()[0])
    client = _major(
        subprocess.run(
            [pg_dump, "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    if client != server:
        raise BackupError(
            f"pg_dump {client} cannot safely dump a PostgreSQL {server} server"
        )
    env, args = _pg_env_args()
    name = str(settings.DATABASES["default"]["NAME"])
    done = subprocess.run(
        [pg_dump, "-Fc", *args, "-f", str(target), name],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    listing = subprocess.run(
        [pg_restore, "--list", str(target)], capture_output=True, text=True
    )
    entries = sum(
        1 for line in listing.stdout.splitlines() if line and line[0].isdigit()
    )
    if listing.returncode != 0 or entries == 0:
        raise BackupError("the dump could not be read back; it is not a usable backup")
    return Backup(target, "postgresql", target.stat().st_size, entries)


def _backup_sqlite(target: Path) -> Backup:
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy failed SQLite's integrity check")
        tables = copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    finally:
        copy.close()
        source.close()
    if tables == 0:
        raise BackupError("the copy holds no tables")
    return Backup(target, "sqlite", target.stat().st_size, int(tables))


def restore(*, path: Path) -> None:
    """Replace the database with a backup made by `backup`."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    connections.close_all()
    if connection.vendor == "postgresql":
        pg_restore = _tool("pg_restore")
        env, args = _pg_env_args()
        name = str(settings.DATABASES["default"]["NAME"])
        done = subprocess.run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                name,
                str(path),
            ],
            capture_output=True,
            text=True,
            env={**env, "PATH": "/usr/bin:/bin"},
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
        return
    source = sqlite3.connect(str(path))
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} failed SQLite's integrity check")
        live = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            source.backup(live)
        finally:
            live.close()
    finally:
        source.close()
