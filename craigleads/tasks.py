"""Project-wide tasks."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .personal_data import purge_expired_personal_data
from .recovery import run_recovery_sweep

logger = logging.getLogger(__name__)


@shared_task(
    name="craigleads.recovery_sweep",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def recovery_sweep_task() -> None:
    """Beat entry point for the recovery sweep; re-queueing twice is harmless."""
    run_recovery_sweep()


@shared_task(
    name="craigleads.purge_expired_personal_data",
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
)
def purge_expired_personal_data_task() -> None:
    """Beat entry point for the retention purge. Safe to run twice or to cut
    short: each batch commits alone and purged leads are not picked again."""
    try:
        counts = purge_expired_personal_data()
    except SoftTimeLimitExceeded:
        logger.warning(
            "retention purge stopped at its time limit; the next run resumes"
        )
        return
    if counts:
        logger.info("retention purge cleared %s", counts)
