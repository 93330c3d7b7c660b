"""Reply tasks: thin entry points over services (HOUSE_STYLE 14)."""

from __future__ import annotations

import logging

from celery import shared_task

from leads.models import Lead

from . import alerts, sending, services
from .models import AlertDelivery, AlertSettings, Draft

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


@shared_task(
    name="responses.send_alert_webhook",
    acks_late=True,
    autoretry_for=(alerts.TransientWebhookError,),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=alerts.WEBHOOK_MAX_ATTEMPTS - 1,
    time_limit=60,
    soft_time_limit=50,
)
def send_alert_webhook_task(delivery_id: int) -> None:
    """POST one lead alert to a user's webhook; 5xx and timeouts are retried with
    backoff, and the claim inside makes a redelivered task a no-op."""
    try:
        alerts.deliver_webhook_alert(delivery_id=delivery_id)
    except AlertDelivery.DoesNotExist:
        logger.info("alert delivery %s deleted before sending", delivery_id)


@shared_task(
    name="responses.send_alert_digest",
    acks_late=True,
    time_limit=90,
    soft_time_limit=75,
)
def send_alert_digest_task(settings_id: int) -> None:
    """E-mail one user's digest if due; the window claim makes a rerun a no-op."""
    try:
        alerts.send_digest(settings_id=settings_id)
    except AlertSettings.DoesNotExist:
        logger.info("alert settings %s deleted before the digest", settings_id)


@shared_task(
    name="responses.send_alert_digests",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
)
def send_alert_digests_task() -> None:
    """Beat: queue one digest task per due user, and recover webhook alerts that
    a lost message or a dead worker left unfinished."""
    for settings_id in alerts.due_digests():
        send_alert_digest_task.delay(settings_id)
    alerts.recover_webhook_alerts()
