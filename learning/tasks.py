"""Learning tasks: thin entry points over services (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task

from leads.models import Lead

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="learning.record_feedback", acks_late=True, time_limit=60, soft_time_limit=50
)
def record_feedback_task(lead_id: int, kind: str) -> None:
    """Learn from one console decision. A redelivery records it once more, which
    only nudges the same Q-values in the same direction."""
    try:
        services.record_feedback(lead_id=lead_id, kind=kind)
    except Lead.DoesNotExist:
        logger.info("lead %s deleted before its feedback was learned", lead_id)


@shared_task(
    name="learning.replay", acks_late=True, time_limit=120, soft_time_limit=100
)
def replay_task() -> None:
    """Experience replay: after every N pieces of feedback and on a schedule."""
    services.replay()
