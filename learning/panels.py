"""Dashboard panel for the advisor: its learning curve and its versions.

Registered with `leads.panels` (found by autodiscovery), so the dashboard in
`leads` shows it without importing this app.
"""

from __future__ import annotations

from typing import Any

from leads.panels import register

from . import services

# The chart and its table show this many of the latest blocks; beyond a few
# dozen points a curve is no easier to read and the table only gets longer.
CURVE_POINTS = 24
VERSIONS_SHOWN = 5


@register("learning", order=40, template="learning/panels/learning_curve.html")
def learning_panel(user: Any) -> dict[str, Any] | None:
    """Agreement of the advice with the team's decisions, block by block of
    `services.CURVE_BLOCK` decisions, and the agreement each version had."""
    if not user.has_perm("learning.view_agentversion"):
        return None
    metrics = services.metrics()
    curve: list[float] = metrics["learning_curve"]
    block = services.CURVE_BLOCK
    first = max(0, len(curve) - CURVE_POINTS)
    points = []
    for index in range(first, len(curve)):
        start = index * block + 1
        last = index == len(curve) - 1
        points.append(
            {
                "label": f"{start} on" if last else f"{start}-{start + block - 1}",
                "percent": round(100 * curve[index], 1),
            }
        )
    versions = list(services.list_versions()[:VERSIONS_SHOWN])
    return {
        "metrics": metrics,
        "points": points,
        "truncated": first > 0,
        "block": block,
        "chart": {
            "labels": [p["label"] for p in points],
            "series": {"agreement %": [p["percent"] for p in points]},
        },
        "versions": versions,
    }
