"""kill -9 of a real Celery worker while it is sending a reply over SMTP.

The send is claimed (APPROVED -> SENT) before any network I/O, so a worker that
dies mid-send leaves the draft in SENT. Nothing may resend it automatically (the
server may already have the message); the beat's sweep marks it FAILED for a
person to check, and the draft queued behind it is sent exactly once by the next
worker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from django.utils import timezone

from responses import sending
from responses.models import Draft
from responses.tasks import send_draft_task
from tests.conftest import client_for

from .drafts import approved_draft
from .harness import (
    HoldingInbox,
    RedisServer,
    free_port,
    kill_group,
    log_tail,
    start_worker,
    wait_for,
    worker_ready,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]
State = Draft.State


def queued(server: RedisServer, queue: str) -> int:
    return int(redis.Redis(port=server.port).llen(queue))


@pytest.mark.parametrize(
    "hold_at",
    [
        # Claimed and connected, but no envelope or message handed over yet.
        "ehlo",
        # The whole message handed over; the server has not answered yet.
        "data",
    ],
)
def test_kill_9_mid_send_never_sends_twice_and_loses_no_draft(
    ready: None,
    operator: Any,
    worker_env: dict[str, str],
    private_redis: RedisServer,
    tmp_path: Path,
    hold_at: str,
) -> None:
    inbox = HoldingInbox(hold_at=hold_at)
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {**worker_env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}"}
    workers = [start_worker(env, tmp_path, "w1", queues="send")]
    try:
        wait_for(lambda: worker_ready(tmp_path, "w1"), 60, "worker w1 to start")
        first = approved_draft(1, operator)
        assert inbox.held.wait(timeout=60), log_tail(tmp_path, "w1")
        # Provably mid-send: claimed in the database, held at the SMTP server.
        first.refresh_from_db()
        assert first.state == State.SENT and first.delivered_at is None

        second = approved_draft(2, operator)
        # Prefetch 1 with late acks: the second send waits in Redis, not in the
        # worker that is about to die.
        wait_for(lambda: queued(private_redis, "send") == 1, 10, "the queued send")

        kill_group(workers[0])
        # The held conversation ends now; the dead client never hears the answer.
        inbox.release.set()
        workers.append(start_worker(env, tmp_path, "w2", queues="send"))
        wait_for(
            lambda: Draft.objects.get(pk=second.pk).state == State.DELIVERED,
            90,
            "the second draft to be delivered by the restarted worker",
        )

        # Redis hands the dead worker's unacked message back after the visibility
        # timeout (15 min); deliver that copy now and let the worker run it.
        redelivery = send_draft_task.delay(first.pk)
        wait_for(
            lambda: f"[{redelivery.id}] succeeded" in log_tail(tmp_path, "w2", 20000),
            60,
            "the redelivered send of the first draft to run",
        )
    finally:
        inbox.release.set()
        for worker in workers:
            kill_group(worker)
        smtp.stop()

    first.refresh_from_db()
    assert first.state == State.SENT, "a redelivered send must not touch the draft"
    assert first.send_attempts == 1
    # Delivered at most once: the dead worker's message reached the server only if
    # it was held at DATA (all of it received), and no second copy ever came.
    assert inbox.count_to(first.to_email) == (1 if hold_at == "data" else 0)
    assert inbox.count_to(second.to_email) == 1
    assert len(inbox.messages) == inbox.count_to(first.to_email) + 1

    # The beat's sweep, run as it would run 10 minutes later: the interrupted send
    # is failed for a person to check, not resent.
    later = timezone.now() + sending.INTERRUPTED_AFTER + timedelta(minutes=1)
    assert first.pk not in sending.due_sends(now=later)
    assert sending.fail_interrupted_sends(now=later) == [first.pk]
    first.refresh_from_db()
    assert first.state == State.FAILED and first.failure == "interrupted mid-send"
    last = first.events.order_by("-pk").first()
    assert last is not None and (last.from_state, last.to_state) == (
        State.SENT,
        State.FAILED,
    )
    assert "not resent" in last.note

    second.refresh_from_db()
    assert second.state == State.DELIVERED and second.send_attempts == 1
    # Visible to a person in the failed list, and nothing lost or duplicated.
    listed = client_for(operator).get("/api/v1/drafts", {"state": "failed"}).json()
    assert [d["id"] for d in listed["results"]] == [first.pk]
    assert Draft.objects.count() == 2
