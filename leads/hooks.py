"""After-record hooks: how apps downstream of `leads` learn that a lead was stored
or changed, without `leads` importing them (DESIGN.md's arrows point one way).

An app registers a callback in its AppConfig.ready(); `record_posting` calls the
callbacks inside its transaction, so they should defer work with on_commit.
"""

from __future__ import annotations

from collections.abc import Callable

LeadCallback = Callable[[int], None]
_after_recorded: list[LeadCallback] = []


def on_lead_recorded(callback: LeadCallback) -> None:
    """Call `callback(lead_id)` whenever a lead is created or its content changes."""
    if callback not in _after_recorded:
        _after_recorded.append(callback)


def lead_recorded(lead_id: int) -> None:
    for callback in _after_recorded:
        callback(lead_id)
