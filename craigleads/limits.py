"""Sliding-window limits counted from rows that already carry a timestamp (the
user's scrape jobs, their export audit rows): exact over any window, shared by
every process through the database, and a refused attempt leaves no row."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta


def seconds_until_room(
    newest_first: Sequence[datetime], *, limit: int, window: timedelta, now: datetime
) -> int | None:
    """None while fewer than `limit` of the times fall in the window ending at
    `now`; otherwise the whole seconds until the `limit`-th newest leaves it.
    `newest_first` needs to hold only the newest `limit` times."""
    recent = [at for at in newest_first[:limit] if at > now - window]
    if len(recent) < limit:
        return None
    return max(1, math.ceil((recent[limit - 1] + window - now).total_seconds()))
