"""Project-wide tasks."""

from __future__ import annotations

from celery import shared_task

from .recovery import run_recovery_sweep


@shared_task(
    name="craigleads.recovery_sweep",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def recovery_sweep_task() -> None:
    """Beat entry point for the recovery sweep; re-queueing twice is harmless."""
    run_recovery_sweep()
