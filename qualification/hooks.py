"""After-qualification hooks: how apps downstream of `qualification` (responses,
learning) learn that a lead was scored, without `qualification` importing them.

Callbacks run inside the qualifying transaction; defer work with on_commit.
"""

from __future__ import annotations

from collections.abc import Callable

QualifiedCallback = Callable[[int], None]
_after_qualified: list[QualifiedCallback] = []


def on_lead_qualified(callback: QualifiedCallback) -> None:
    """Call `callback(lead_id)` whenever a lead's score is stored."""
    if callback not in _after_qualified:
        _after_qualified.append(callback)


def lead_qualified(lead_id: int) -> None:
    for callback in _after_qualified:
        callback(lead_id)
