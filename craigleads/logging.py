"""Logging helpers: a request id on every record, JSON lines in production, and
contact details masked wherever they slip into a message (RELIABILITY_CHECKLIST
PRIV-1), in both formats."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from .masking import mask_contact_details

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)

# The same rule RequestIdMiddleware applies to an incoming X-Request-ID.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id_of(request: Any) -> str | None:
    """The id RequestIdMiddleware gave `request`, for records logged after the
    middleware has returned (Django logs 4xx/5xx responses outside it)."""
    if request is None:
        return None
    given = getattr(request, "request_id", None)
    if isinstance(given, str):
        return given
    incoming = getattr(request, "META", {}).get("HTTP_X_REQUEST_ID", "")
    return incoming if _SAFE_REQUEST_ID.match(incoming) else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            request_id = _request_id_of(getattr(record, "request", None)) or "-"
        record.request_id = request_id
        return True


class PlainFormatter(logging.Formatter):
    """Human-readable lines (the embedded run), contact details masked too."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"  # a handler without RequestIdFilter
        return mask_contact_details(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id and masked contact details."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_contact_details(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            payload["status"] = status_code
        if record.exc_info:
            payload["exc"] = mask_contact_details(self.formatException(record.exc_info))
        if record.stack_info:
            payload["stack"] = mask_contact_details(self.formatStack(record.stack_info))
        return json.dumps(payload, ensure_ascii=False)
