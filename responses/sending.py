"""Sending approved drafts at most once.

A send is claimed by moving the draft APPROVED -> SENT (a conditional UPDATE that
only one caller can win), committed before any network I/O. The SMTP exchange
then ends in DELIVERED (the server accepted the message), back to APPROVED with a
backoff (a temporary refusal, or a lost connection before the message was handed
over) or FAILED (a permanent refusal, with the server's words, or a connection
lost after the message went out and before the server answered: it may have been
accepted, so it is not resent). A worker that dies between the claim and the
answer leaves the draft in SENT: it is never resent automatically either; the
sweep marks it FAILED for a person to check.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from craigleads.audit import record_event

from .models import Draft
from .services import State, blocked_reason, sender_for, transition

logger = logging.getLogger(__name__)

MAILER = "mailer"
INTERRUPTED_AFTER = timedelta(minutes=10)
_OPTOUT_SALT = "craigleads.optout"


class MaybeDelivered(Exception):
    """The connection failed after the message was handed to the server and
    before it answered: the server may have queued it."""


def optout_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=_OPTOUT_SALT, compress=True)


def email_from_optout_token(token: str) -> str | None:
    try:
        return str(signing.loads(token, salt=_OPTOUT_SALT))
    except signing.BadSignature:
        return None


def optout_url(email: str) -> str:
    path = reverse("responses:optout", kwargs={"token": optout_token(email)})
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def footer(draft: Draft) -> str:
    lines = [
        "",
        "--",
        f"You are receiving this because you posted “{draft.lead.title[:100]}” on "
        "Craigslist, which showed this address for replies.",
    ]
    if draft.to_email:
        lines.append(f"To not hear from us again: {optout_url(draft.to_email)}")
    if settings.COMPANY_POSTAL_ADDRESS:
        lines.append(settings.COMPANY_POSTAL_ADDRESS)
    return "\n".join(lines)


def mailto_link(draft: Draft) -> str:
    """A mailto: link for postings without a published address (the operator
    sends from their own mail client and then marks the draft sent)."""
    return (
        f"mailto:{quote(draft.to_email)}?subject={quote(draft.subject)}"
        f"&body={quote(draft.body + footer(draft))}"
    )


def _in_window(now: datetime) -> bool:
    local = timezone.localtime(now)
    minutes = local.hour * 60 + local.minute
    start, end = settings.SEND_WINDOW_MINUTES
    return start <= minutes < end


def _sent_today(now: datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Draft.objects.filter(sent_at__gte=start).exclude(message_id="").count()


def _temporary(exc: Exception) -> tuple[bool, str]:
    """(is the refusal temporary, the server's words)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(
            f"{addr}: {code} "
            f"{msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        return all(400 <= code < 500 for code in codes), text
    if isinstance(exc, smtplib.SMTPResponseException):
        message = exc.smtp_error
        text = (
            message.decode(errors="replace")
            if isinstance(message, bytes)
            else str(message)
        )
        return 400 <= exc.smtp_code < 500, f"{exc.smtp_code} {text}"
    # Lost connections and timeouts: nothing was accepted, try again later.
    return True, f"{type(exc).__name__}: {exc}"


def send_draft(*, draft_id: int, now: datetime | None = None) -> str:
    """Send one approved draft by e-mail; returns what happened.

    Safe to call twice or concurrently: only the caller that claims the draft
    sends, and a draft already claimed is left alone.
    """
    now = now or timezone.now()
    draft = Draft.objects.select_related("lead").get(pk=draft_id)
    if draft.state != State.APPROVED or not draft.to_email:
        return "skipped"
    if reason := blocked_reason(draft.lead, draft.to_email):
        transition(
            draft_id=draft.pk,
            to=State.PENDING_REVIEW,
            actor=MAILER,
            note=f"not sent: {reason}",
        )
        return "blocked"
    if draft.next_attempt_at and draft.next_attempt_at > now:
        return "waiting"
    if not _in_window(now) or _sent_today(now) >= settings.SEND_DAILY_CAP:
        return "deferred"
    message_id = f"<draft-{draft.pk}.{uuid.uuid4().hex}@craigleads>"
    try:
        transition(
            draft_id=draft.pk,
            to=State.SENT,
            actor=MAILER,
            note="handed to the mail server",
            extra={
                "sent_at": now,
                "message_id": message_id,
                "send_attempts": F("send_attempts") + 1,
            },
        )
    except Exception:
        return "claimed elsewhere"
    draft.refresh_from_db()
    _audit_send(draft, actor=draft.approved_by, via="smtp")
    try:
        _deliver(draft)
    except MaybeDelivered as exc:
        note = (
            "the mail server stopped answering after the message was handed over, "
            f"so it may have been delivered ({exc}); not resent to avoid a double "
            "send. Check the mail server's log, then re-open the draft if it never "
            "arrived."
        )
        transition(
            draft_id=draft.pk,
            to=State.FAILED,
            actor=MAILER,
            note=note[:2000],
            extra={"failure": f"interrupted mid-send: {exc}"[:2000]},
        )
        return "interrupted"
    except Exception as exc:
        return _after_failure(draft, exc, now)
    transition(
        draft_id=draft.pk,
        to=State.DELIVERED,
        actor=MAILER,
        note="accepted by the mail server",
        extra={"delivered_at": timezone.now()},
    )
    return "delivered"


def _deliver(draft: Draft) -> None:
    sender = sender_for(draft.approved_by)
    headers = {"Message-ID": draft.message_id}
    if draft.to_email:
        headers["List-Unsubscribe"] = f"<{optout_url(draft.to_email)}>"
    message = EmailMessage(
        subject=draft.subject,
        body=draft.body + footer(draft),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[draft.to_email],
        reply_to=[sender.email] if sender and sender.email else None,
        headers=headers,
    )
    with get_connection(fail_silently=False) as connection:
        handed_over = _watch_handover(connection)
        try:
            sent = connection.send_messages([message])
        except smtplib.SMTPResponseException:
            raise  # the server answered: a refusal, classified by _temporary
        except Exception as exc:
            if handed_over():
                raise MaybeDelivered(f"{type(exc).__name__}: {exc}") from exc
            raise
    if sent != 1:
        raise smtplib.SMTPException("the mail backend did not accept the message")


def _watch_handover(connection: Any) -> Callable[[], bool]:
    """Whether the SMTP DATA phase has begun on this connection.

    Before DATA nothing of the message has left, so a lost connection is safe to
    retry; from DATA on, only the server's answer says whether it was accepted.
    Other mail backends (files, memory) have no such phase.
    """
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        return lambda: False
    started = False
    send_data = smtp.data

    def data(msg: Any) -> tuple[int, bytes]:
        nonlocal started
        started = True
        return send_data(msg)

    smtp.data = data  # type: ignore[method-assign]
    return lambda: started


def _after_failure(draft: Draft, exc: Exception, now: datetime) -> str:
    temporary, text = _temporary(exc)
    logger.warning(
        "sending draft %s failed (%s)",
        draft.pk,
        "temporary" if temporary else "permanent",
    )
    if temporary and draft.send_attempts < settings.SEND_MAX_ATTEMPTS:
        delay = timedelta(minutes=2**draft.send_attempts)
        transition(
            draft_id=draft.pk,
            to=State.APPROVED,
            actor=MAILER,
            note=f"temporary refusal, will retry: {text}"[:2000],
            extra={"next_attempt_at": now + delay, "failure": text[:2000]},
        )
        return "retrying"
    transition(
        draft_id=draft.pk,
        to=State.FAILED,
        actor=MAILER,
        note=f"refused: {text}"[:2000],
        extra={"failure": text[:2000]},
    )
    return "failed"


def mark_sent(*, draft_id: int, actor: Any) -> Draft:
    """The operator sent the reply from their own mail client (audited)."""
    draft = transition(
        draft_id=draft_id,
        to=State.SENT,
        actor=actor,
        note="sent from a mail client",
        extra={"sent_at": timezone.now()},
    )
    _audit_send(draft, actor=actor, via="mail client")
    return draft


def _audit_send(draft: Draft, *, actor: Any, via: str) -> None:
    """One audit row per reply that left, naming who approved it; the address
    stays in the draft (an erasure removes it there), not in the audit log."""
    record_event(
        action="reply.sent",
        actor=actor if actor is not None else MAILER,
        target=f"draft {draft.pk}",
        data={"draft_id": draft.pk, "lead_id": draft.lead_id, "via": via},
    )


def due_sends(*, now: datetime | None = None) -> list[int]:
    """Approved drafts with an address whose next attempt is due."""
    now = now or timezone.now()
    qs = Draft.objects.filter(state=State.APPROVED).exclude(to_email="")
    qs = qs.exclude(next_attempt_at__gt=now)
    return list(qs.values_list("pk", flat=True)[:500])


def fail_interrupted_sends(*, now: datetime | None = None) -> list[int]:
    """Drafts claimed for SMTP long ago with no answer: a worker died mid-send.
    They are marked FAILED, never resent, since the server may have taken them."""
    now = now or timezone.now()
    stuck = list(
        Draft.objects.filter(
            state=State.SENT,
            delivered_at__isnull=True,
            sent_at__lt=now - INTERRUPTED_AFTER,
        )
        .exclude(message_id="")
        .values_list("pk", flat=True)
    )
    for draft_id in stuck:
        transition(
            draft_id=draft_id,
            to=State.FAILED,
            actor=MAILER,
            note="interrupted while sending; not resent to avoid a double send. "
            "Check the mail server's log, then re-open the draft if it never arrived.",
            extra={"failure": "interrupted mid-send"},
        )
    return stuck
