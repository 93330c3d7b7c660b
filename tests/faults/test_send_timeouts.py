"""The mail server stops answering in the middle of a send (no process dies).

A timeout before the message is handed over is safe to retry; a timeout after
the whole message went out (waiting for the server's reply to DATA) is not: the
server may have queued it, so the draft is failed for a person to check instead
of being resent. Runs in-process against a real SMTP server on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from responses import sending
from responses.models import Draft

from .drafts import approved_draft
from .harness import HoldingInbox, free_port

pytestmark = pytest.mark.django_db
State = Draft.State


@pytest.fixture
def slow_smtp(request: Any, settings: Any) -> Iterator[HoldingInbox]:
    inbox = HoldingInbox(hold_at=request.param)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield inbox
    inbox.release.set()
    controller.stop()


@pytest.mark.parametrize("slow_smtp", ["ehlo"], indirect=True)
def test_a_server_silent_before_the_message_is_handed_over_is_retried(
    ready: None, operator: Any, slow_smtp: HoldingInbox
) -> None:
    draft = approved_draft(1, operator)
    assert sending.send_draft(draft_id=draft.pk) == "retrying"
    slow_smtp.release.set()
    draft.refresh_from_db()
    assert draft.state == State.APPROVED and draft.next_attempt_at
    assert slow_smtp.messages == []

    later = timezone.now() + timedelta(hours=1)
    assert sending.send_draft(draft_id=draft.pk, now=later) == "delivered"
    assert slow_smtp.count_to(draft.to_email) == 1


@pytest.mark.parametrize("slow_smtp", ["data"], indirect=True)
def test_a_server_silent_after_the_message_went_out_is_never_resent(
    ready: None, operator: Any, slow_smtp: HoldingInbox
) -> None:
    draft = approved_draft(1, operator)
    assert sending.send_draft(draft_id=draft.pk) == "interrupted"
    slow_smtp.release.set()  # the server now has the whole message
    assert slow_smtp.count_to(draft.to_email) == 1

    draft.refresh_from_db()
    assert draft.state == State.FAILED
    assert draft.failure.startswith("interrupted mid-send")
    last = draft.events.order_by("-pk").first()
    assert last is not None and "may have been delivered" in last.note
    later = timezone.now() + timedelta(hours=1)
    assert draft.pk not in sending.due_sends(now=later)
    assert sending.send_draft(draft_id=draft.pk, now=later) == "skipped"
    assert slow_smtp.count_to(draft.to_email) == 1
