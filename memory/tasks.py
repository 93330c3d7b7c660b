"""Memory tasks (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="memory.consolidate", acks_late=True, time_limit=120, soft_time_limit=100
)
def consolidate_task() -> None:
    """Beat: promote, learn patterns, decay, forget. A second run decays once more."""
    logger.info("memory consolidated: %s", services.consolidate())
