"""Exports of the filtered lead list as CSV or JSON: at most EXPORTS_PER_DAY per
user (counted from the audit log, so the count survives restarts), contact
details masked without `leads.view_contact_details`, each export audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.timesince import timeuntil

from craigleads.audit import record_event
from craigleads.limits import seconds_until_room
from craigleads.models import AuditEvent

from .models import Lead

EXPORTS_PER_DAY = 10
EXPORT_ACTION = "leads.export"
EXPORT_WINDOW = timedelta(days=1)
FIELDS = [
    "id",
    "post_id",
    "url",
    "title",
    "site",
    "category",
    "status",
    "dedup_class",
    "qualification_grade",
    "qualification_score",
    "compensation",
    "salary_min_annual",
    "salary_max_annual",
    "is_remote",
    "company",
    "contact_name",
    "contact_email",
    "contact_phone",
    "hood",
    "price",
    "posted_at",
]


class ExportLimitReached(Exception):
    """The user has used today's exports; the message says when more are allowed
    and `retry_after` in how many seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _seconds_until_next_export(user: Any) -> int | None:
    """None while the user has exports left in the last 24 hours; otherwise
    when the next one is allowed (the audit rows are the count)."""
    now = timezone.now()
    recent = AuditEvent.objects.filter(
        actor=user, action=EXPORT_ACTION, created_at__gt=now - EXPORT_WINDOW
    ).order_by("-created_at")
    return seconds_until_room(
        list(recent.values_list("created_at", flat=True)[:EXPORTS_PER_DAY]),
        limit=EXPORTS_PER_DAY,
        window=EXPORT_WINDOW,
        now=now,
    )


def _row(lead: Lead, *, masked: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in FIELDS:
        if name == "site":
            row[name] = lead.site.code if lead.site else ""
        elif name == "category":
            row[name] = lead.category.code if lead.category else ""
        else:
            value = getattr(lead, name)
            row[name] = value.isoformat() if hasattr(value, "isoformat") else value
    if masked:
        row.update(lead.masked_fields(row))
    for name in ("salary_min_annual", "salary_max_annual", "price"):
        if row[name] is not None:
            row[name] = float(row[name])
    return row


def start_export(
    *, user: Any, leads: QuerySet[Lead], fmt: str, filters: dict[str, Any]
) -> Iterator[str]:
    """Check the daily limit, record the export, and return its content as text
    chunks. Raises ExportLimitReached past EXPORTS_PER_DAY in 24 hours."""
    if fmt not in {"csv", "json"}:
        raise ValueError(f"unknown export format {fmt!r}")
    retry_after = _seconds_until_next_export(user)
    if retry_after is not None:
        when = timeuntil(timezone.now() + timedelta(seconds=retry_after))
        raise ExportLimitReached(
            f"You have used your {EXPORTS_PER_DAY} exports for the last 24 hours; "
            f"the next one is possible in {when}.",
            retry_after=retry_after,
        )
    masked = not user.has_perm("leads.view_contact_details")
    record_event(
        action=EXPORT_ACTION,
        actor=user,
        target=f"{leads.count()} leads as {fmt}",
        data={"filters": {k: str(v) for k, v in filters.items()}, "masked": masked},
    )
    rows = (_row(lead, masked=masked) for lead in leads.iterator(chunk_size=1000))
    return _csv(rows) if fmt == "csv" else _json(rows)


def _csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        # Cells starting with = + - @ would run as formulas in a spreadsheet.
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def _json(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
    yield "]"
