"""After-record hooks: how apps downstream of `leads` learn that a lead was stored
or changed, without `leads` importing them (DESIGN.md's arrows point one way).

An app registers a callback in its AppConfig.ready(); `record_posting` calls the
callbacks inside its transaction, so they should defer work with on_commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LeadCallback = Callable[[int], None]
_after_recorded: list[LeadCallback] = []


def on_lead_recorded(callback: LeadCallback) -> None:
    """Call `callback(lead_id)` whenever a lead is created or its content changes."""
    if callback not in _after_recorded:
        _after_recorded.append(callback)


def lead_recorded(lead_id: int) -> None:
    for callback in _after_recorded:
        callback(lead_id)


FeedbackCallback = Callable[[int, str], None]
_on_feedback: list[FeedbackCallback] = []


def on_lead_feedback(callback: FeedbackCallback) -> None:
    """Call `callback(lead_id, kind)` when the team decides about a lead
    (approved, rejected) or hears back (interview, no_response, reply_received)."""
    if callback not in _on_feedback:
        _on_feedback.append(callback)


def lead_feedback(lead_id: int, kind: str) -> None:
    for callback in _on_feedback:
        callback(lead_id, kind)


RequalifyCallback = Callable[[list[int], Any], "int | None"]
_requalify: list[RequalifyCallback] = []


def on_requalify_requested(callback: RequalifyCallback) -> None:
    """Register who re-scores leads chosen in the console: `callback(lead_ids,
    actor)` starts the work and returns an id to follow its progress by."""
    if callback not in _requalify:
        _requalify.append(callback)


def requalify_requested(lead_ids: list[int], actor: Any) -> int | None:
    run_id = None
    for callback in _requalify:
        run_id = callback(lead_ids, actor) or run_id
    return run_id
