"""Reply tasks: thin entry points over services (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task

from leads.models import Lead

from . import sending, services
from .models import Draft

logger = logging.getLogger(__name__)


@shared_task(
    name="responses.generate_draft", acks_late=True, time_limit=60, soft_time_limit=50
)
def generate_draft_task(lead_id: int) -> None:
    """Draft a reply for a qualified lead; a second run finds the draft exists."""
    try:
        services.generate_draft(lead_id=lead_id)
    except Lead.DoesNotExist:
        logger.info("lead %s deleted before drafting", lead_id)


@shared_task(
    name="responses.send_draft", acks_late=True, time_limit=90, soft_time_limit=75
)
def send_draft_task(draft_id: int) -> None:
    """Send one approved draft; the claim inside makes a second run a no-op."""
    try:
        sending.send_draft(draft_id=draft_id)
    except Draft.DoesNotExist:
        logger.info("draft %s deleted before sending", draft_id)


@shared_task(
    name="responses.send_due", acks_late=True, time_limit=60, soft_time_limit=50
)
def send_due_task() -> None:
    """Beat: queue due sends and fail sends that a dead worker interrupted."""
    sending.fail_interrupted_sends()
    for draft_id in sending.due_sends():
        send_draft_task.delay(draft_id)
