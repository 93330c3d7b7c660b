"""Qualification tasks: thin entry points over services (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task

from leads.models import Lead

from . import services
from .models import RescoreRun

logger = logging.getLogger(__name__)


@shared_task(
    name="qualification.qualify_lead", acks_late=True, time_limit=60, soft_time_limit=50
)
def qualify_lead_task(lead_id: int) -> None:
    """Score one lead with the team's default profile; redelivery recomputes."""
    try:
        services.qualify_lead(lead_id=lead_id)
    except Lead.DoesNotExist:
        logger.info("lead %s deleted before qualification", lead_id)


@shared_task(
    name="qualification.rescore", acks_late=True, time_limit=240, soft_time_limit=200
)
def rescore_task(run_id: int) -> None:
    """Re-score the next chunk of leads and queue the rest; resumes from the run's
    checkpoint when redelivered."""
    try:
        more = services.run_rescore_chunk(run_id=run_id)
    except RescoreRun.DoesNotExist:
        logger.info("re-score run %s deleted", run_id)
        return
    if more:
        rescore_task.delay(run_id)
