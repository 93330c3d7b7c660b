"""The only Celery configuration (HOUSE_STYLE 13).

Delivery is at-least-once: tasks ack late and are re-queued when their worker dies,
so every task is idempotent and the database, not the broker, is the source of
truth (see RELIABILITY_CHECKLIST CEL-1 to CEL-5).
"""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craigleads.settings")

app = Celery("craigleads")
app.config_from_object("django.conf:settings", namespace="CELERY")

# The longest task (one scrape chunk) is bounded well below the visibility timeout,
# so a healthy long task is never delivered twice (CEL-5).
TASK_TIME_LIMIT = 300
VISIBILITY_TIMEOUT = 3 * TASK_TIME_LIMIT

app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=TASK_TIME_LIMIT,
    task_soft_time_limit=TASK_TIME_LIMIT - 30,
    task_ignore_result=True,
    result_backend=None,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT,
        # kombu >= 5.7: sweep unacked messages often enough that a killed worker's
        # jobs come back within about a visibility timeout (CEL-3).
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    },
    task_default_queue="default",
    task_queues=[Queue("default"), Queue("scrape"), Queue("send")],
    task_routes={
        "scraping.*": {"queue": "scrape"},
        "responses.send_*": {"queue": "send"},
    },
    worker_hijack_root_logger=False,
    worker_cancel_long_running_tasks_on_connection_loss=False,
    beat_schedule={
        "recovery-sweep": {
            "task": "craigleads.recovery_sweep",
            "schedule": 300.0,
        },
        "memory-consolidate": {
            "task": "memory.consolidate",
            "schedule": 3600.0,
        },
        "learning-replay": {
            "task": "learning.replay",
            "schedule": 600.0,
        },
        "send-due-replies": {
            "task": "responses.send_due",
            "schedule": 60.0,
        },
        "dispatch-due-searches": {
            "task": "scraping.dispatch_due_searches",
            "schedule": 60.0,
        },
        "alert-digests": {
            "task": "responses.send_alert_digests",
            "schedule": 300.0,
        },
        "purge-expired-personal-data": {
            "task": "craigleads.purge_expired_personal_data",
            "schedule": 3600.0,
        },
    },
)
app.autodiscover_tasks()
