"""Alert writes: settings, queuing and sending webhook alerts, digests.

A lead reaches a user at most once per channel: `AlertDelivery` has a unique
(user, lead, channel) key, a webhook send is claimed with a conditional UPDATE
(pending -> sending), and a digest claims its window by moving `last_digest_at`
with a conditional UPDATE, so two beats (or a redelivered task) cannot send the
same digest twice.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead
from leads.selectors import leads_for
from responses.models import ALERT_GRADES, AlertDelivery, AlertSettings, grades_at_least

from .client import post_webhook
from .content import (
    LeadSummary,
    digest_html,
    digest_text,
    sample_webhook_payload,
    settings_url,
    summarise,
    webhook_payload,
)
from .errors import AlertError, TransientWebhookError, WebhookFailed, WebhookRefused

logger = logging.getLogger(__name__)

Channel = AlertDelivery.Channel
DState = AlertDelivery.State

WEBHOOK_MAX_ATTEMPTS = 5
# A claimed send with no answer after this long was cut off by a dead worker.
INTERRUPTED_AFTER = timedelta(minutes=10)
# A pending send untouched this long lost its broker message (longer than the
# largest retry backoff, so a scheduled retry is not doubled).
STALLED_AFTER = timedelta(minutes=15)
# The beat runs every five minutes; a digest this close to due goes out now
# rather than one beat later.
DIGEST_SLACK = timedelta(minutes=2)
DIGEST_MAX_LEADS = 50
TESTS_PER_MINUTE = 5
_ERROR_MAX = 500


def settings_for(user: Any) -> AlertSettings:
    """The user's alert settings; an unsaved all-off row when they have none."""
    found = AlertSettings.objects.filter(user=user).first()
    return found or AlertSettings(user=user)


def save_alert_settings(
    *,
    user: Any,
    digest_frequency: str,
    digest_min_grade: str,
    webhook_url: str,
    webhook_min_grade: str,
    now: datetime | None = None,
) -> AlertSettings:
    """Store a user's alert choices (validated by the form first).

    Turning the digest on starts its window now, so the first digest lists what
    is new rather than the whole history. A new webhook URL forgets the previous
    URL's delivery status. Safe to call twice.
    """
    now = now or timezone.now()
    if digest_frequency != AlertSettings.Frequency.OFF and not user.email:
        raise AlertError("Your account has no e-mail address for the digest.")
    with transaction.atomic():
        row, _ = AlertSettings.objects.select_for_update().get_or_create(user=user)
        if (
            row.digest_frequency == AlertSettings.Frequency.OFF
            and digest_frequency != AlertSettings.Frequency.OFF
        ):
            row.last_digest_at = now
            row.digest_last_error = ""
        if row.webhook_url != webhook_url:
            row.webhook_last_at = row.webhook_last_ok = row.webhook_last_status = None
            row.webhook_last_error = ""
        row.digest_frequency = digest_frequency
        row.digest_min_grade = digest_min_grade
        row.webhook_url = webhook_url
        row.webhook_min_grade = webhook_min_grade
        row.save()
    return row


def recent_deliveries(*, user: Any, limit: int = 10) -> QuerySet[AlertDelivery]:
    """The user's latest alerts, newest first, for their settings page."""
    return (
        AlertDelivery.objects.filter(user=user)
        .select_related("lead")
        .only(
            "channel",
            "state",
            "attempts",
            "sent_at",
            "last_error",
            "created_at",
            "lead__id",
            "lead__title",
            "lead__qualification_grade",
        )
        .order_by("-created_at", "-id")[:limit]
    )


# --- webhook sending ------------------------------------------------------------------


def queue_webhook_alerts(lead_id: int) -> None:
    """Hook for `qualification`: queue a webhook alert for every user whose
    minimum grade this lead meets, after the qualifying transaction commits.

    Runs inside that transaction. A lead already queued or sent to a user is not
    queued again; one skipped earlier (its grade was too low then) is.
    """
    from responses.tasks import send_alert_webhook_task

    lead = (
        Lead.objects.filter(pk=lead_id)
        .values("qualification_grade", "qualification_passed")
        .first()
    )
    if not lead or not lead["qualification_passed"]:
        return
    grade = lead["qualification_grade"]
    if grade not in ALERT_GRADES:
        return
    meeting = list(ALERT_GRADES[ALERT_GRADES.index(grade) :])
    user_ids = (
        AlertSettings.objects.exclude(webhook_url="")
        .filter(webhook_min_grade__in=meeting, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    for user_id in user_ids:
        delivery, created = AlertDelivery.objects.get_or_create(
            user_id=user_id, lead_id=lead_id, channel=Channel.WEBHOOK
        )
        if not created:
            created = bool(
                AlertDelivery.objects.filter(
                    pk=delivery.pk, state=DState.SKIPPED
                ).update(state=DState.PENDING, last_error="")
            )
        if created:
            send_alert_webhook_task.delay_on_commit(delivery.pk)  # type: ignore[attr-defined]


def _may_see_leads(user: Any) -> bool:
    return bool(user.is_active and user.has_perm("leads.view_lead"))


def _skip_reason(row: AlertSettings | None, user: Any, lead: Lead) -> str:
    if row is None or not row.webhook_url:
        return "webhook switched off"
    if not _may_see_leads(user):
        return "the user may no longer see leads"
    if not lead.qualification_passed:
        return "the lead no longer passes the deal-breakers"
    if lead.qualification_grade not in grades_at_least(row.webhook_min_grade):
        return f"grade {lead.qualification_grade or '?'} is below the minimum"
    return ""


def _record_webhook(
    row: AlertSettings, *, ok: bool, status: int | None, error: str = ""
) -> None:
    AlertSettings.objects.filter(pk=row.pk).update(
        webhook_last_at=timezone.now(),
        webhook_last_ok=ok,
        webhook_last_status=status,
        webhook_last_error=error[:_ERROR_MAX],
    )


def deliver_webhook_alert(*, delivery_id: int) -> str:
    """POST one queued alert to its user's webhook; returns what happened.

    Safe to call twice or concurrently: the send is claimed by a conditional
    UPDATE (pending -> sending), so only one caller posts, and a sent alert is
    never posted again. A transient failure puts the alert back to pending and
    raises TransientWebhookError for the task to retry, up to
    WEBHOOK_MAX_ATTEMPTS attempts; the user's settings record every outcome.
    """
    claimed = AlertDelivery.objects.filter(
        pk=delivery_id, channel=Channel.WEBHOOK, state=DState.PENDING
    ).update(
        state=DState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    delivery = AlertDelivery.objects.select_related(
        "user", "lead__site", "lead__category"
    ).get(pk=delivery_id)
    if not claimed:
        return f"not pending ({delivery.state})"
    row = AlertSettings.objects.filter(user=delivery.user).first()
    if reason := _skip_reason(row, delivery.user, delivery.lead):
        _finish(delivery, DState.SKIPPED, reason)
        return "skipped"
    assert row is not None  # noqa: S101 - _skip_reason returned "" only with a row
    try:
        result = post_webhook(
            row.webhook_url, webhook_payload(summarise(delivery.lead))
        )
    except TransientWebhookError as exc:
        _record_webhook(row, ok=False, status=exc.status, error=str(exc))
        if delivery.attempts < WEBHOOK_MAX_ATTEMPTS:
            _finish(delivery, DState.PENDING, str(exc))
            raise
        _finish(delivery, DState.FAILED, f"gave up after {delivery.attempts}: {exc}")
        return "failed"
    except WebhookFailed as exc:
        _record_webhook(row, ok=False, status=exc.status, error=str(exc))
        _finish(delivery, DState.FAILED, str(exc))
        return "failed"
    except WebhookRefused as exc:
        _record_webhook(row, ok=False, status=None, error=str(exc))
        _finish(delivery, DState.FAILED, str(exc))
        return "refused"
    _record_webhook(row, ok=True, status=result.status)
    _finish(delivery, DState.SENT, "")
    return "sent"


def _finish(delivery: AlertDelivery, state: str, error: str) -> None:
    AlertDelivery.objects.filter(pk=delivery.pk, state=DState.SENDING).update(
        state=state,
        last_error=error[:_ERROR_MAX],
        sent_at=timezone.now() if state == DState.SENT else None,
    )


def _throttle(user: Any, what: str) -> None:
    key = f"alerts:test:{what}:{user.pk}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    if count > TESTS_PER_MINUTE:
        raise AlertError(f"At most {TESTS_PER_MINUTE} tests a minute; try again soon.")


def send_test_webhook(*, user: Any) -> str:
    """POST a test message to the user's saved webhook now and record the
    outcome on their settings. Returns a sentence for the page; raises
    AlertError with the reason when it fails."""
    row = AlertSettings.objects.filter(user=user).first()
    if row is None or not row.webhook_url:
        raise AlertError("Save a webhook URL first, then send a test.")
    _throttle(user, "webhook")
    try:
        result = post_webhook(row.webhook_url, sample_webhook_payload())
    except WebhookFailed as exc:
        _record_webhook(row, ok=False, status=exc.status, error=str(exc))
        raise AlertError(f"The test failed: {exc}") from None
    except WebhookRefused as exc:
        _record_webhook(row, ok=False, status=None, error=str(exc))
        raise AlertError(f"The test was not sent: {exc}") from None
    _record_webhook(row, ok=True, status=result.status)
    return f"Test message delivered (HTTP {result.status})."


def recover_webhook_alerts(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Re-queue alerts whose broker message was lost, and fail alerts a dead
    worker cut off mid-send (never re-posted: the receiver may have them)."""
    from responses.tasks import send_alert_webhook_task

    now = now or timezone.now()
    stuck = list(
        AlertDelivery.objects.filter(
            channel=Channel.WEBHOOK,
            state=DState.SENDING,
            claimed_at__lt=now - INTERRUPTED_AFTER,
        ).values_list("pk", flat=True)
    )
    AlertDelivery.objects.filter(pk__in=stuck, state=DState.SENDING).update(
        state=DState.FAILED, last_error="interrupted while sending; not re-sent"
    )
    cutoff = now - STALLED_AFTER
    stalled = list(
        AlertDelivery.objects.filter(channel=Channel.WEBHOOK, state=DState.PENDING)
        .filter(
            Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff)
        )
        .values_list("pk", flat=True)[:500]
    )
    for delivery_id in stalled:
        send_alert_webhook_task.delay(delivery_id)
    return {"interrupted": stuck, "requeued": stalled}


# --- digests ------------------------------------------------------------------------


def due_digests(*, now: datetime | None = None) -> list[int]:
    """Ids of the alert settings whose digest is due (at most a beat early)."""
    now = now or timezone.now()
    due = Q()
    for frequency, period in (
        (AlertSettings.Frequency.HOURLY, timedelta(hours=1)),
        (AlertSettings.Frequency.DAILY, timedelta(days=1)),
    ):
        due |= Q(digest_frequency=frequency) & (
            Q(last_digest_at__isnull=True)
            | Q(last_digest_at__lte=now - period + DIGEST_SLACK)
        )
    rows = AlertSettings.objects.filter(due, user__is_active=True).exclude(
        user__email=""
    )
    return list(rows.values_list("pk", flat=True))


def digest_leads(
    *, user: Any, minimum: str, since: datetime | None, until: datetime
) -> QuerySet[Lead]:
    """Leads the user may see that qualified in (since, until] at `minimum` or
    better and were not in an earlier digest for them, best first."""
    qs = leads_for(user).filter(
        qualification_passed=True,
        qualification_grade__in=grades_at_least(minimum),
        qualified_at__lte=until,
    )
    if since is not None:
        qs = qs.filter(qualified_at__gt=since)
    sent = AlertDelivery.objects.filter(user=user, channel=Channel.DIGEST)
    return (
        qs.exclude(pk__in=sent.values("lead_id"))
        .defer("body_html", "json_ld", "description")
        .order_by("-qualification_score", "-qualified_at", "-id")
    )


def send_digest(*, settings_id: int, now: datetime | None = None) -> int:
    """Send one user's digest if it is due; returns how many leads it listed.

    The window (last_digest_at, now] is claimed with a conditional UPDATE of
    last_digest_at, so of two concurrent calls only one sends. Nothing is sent
    when nothing new qualified. When the mail server refuses, the claim is
    undone (if nobody moved it since) so the next beat tries again, and the
    error is kept for the settings page.
    """
    now = now or timezone.now()
    row = AlertSettings.objects.select_related("user").get(pk=settings_id)
    user = row.user
    period = row.digest_period
    if period is None or not user.email or not _may_see_leads(user):
        return 0
    previous = row.last_digest_at
    if previous is not None and previous > now - period + DIGEST_SLACK:
        return 0
    claimed = AlertSettings.objects.filter(
        pk=row.pk, digest_frequency=row.digest_frequency, last_digest_at=previous
    ).update(last_digest_at=now)
    if not claimed:
        return 0
    since = previous if previous is not None else now - period
    leads = list(
        digest_leads(user=user, minimum=row.digest_min_grade, since=since, until=now)[
            : DIGEST_MAX_LEADS + 1
        ]
    )
    if not leads:
        return 0
    shown, more = leads[:DIGEST_MAX_LEADS], len(leads) > DIGEST_MAX_LEADS
    try:
        _mail_digest(
            user=user, row=row, summaries=[summarise(x) for x in shown], more=more
        )
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("alert digest for user %s failed: %s", user.pk, exc)
        AlertSettings.objects.filter(pk=row.pk, last_digest_at=now).update(
            last_digest_at=previous,
            digest_last_error=f"{now:%Y-%m-%d %H:%M} {exc}"[:_ERROR_MAX],
        )
        return 0
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                user=user,
                lead=lead,
                channel=Channel.DIGEST,
                state=DState.SENT,
                attempts=1,
                sent_at=now,
            )
            for lead in shown
        ],
        ignore_conflicts=True,
    )
    AlertSettings.objects.filter(pk=row.pk).update(digest_last_error="")
    return len(shown)


def send_test_digest(*, user: Any) -> str:
    """E-mail the user a sample digest now: the latest leads at their minimum
    grade. Changes no window and records nothing as sent. Returns a sentence
    for the page; raises AlertError when it cannot be sent."""
    if not user.email:
        raise AlertError("Your account has no e-mail address to send the test to.")
    _throttle(user, "digest")
    row = settings_for(user)
    leads = list(
        leads_for(user)
        .filter(
            qualification_passed=True,
            qualification_grade__in=grades_at_least(row.digest_min_grade),
        )
        .defer("body_html", "json_ld", "description")
        .order_by("-qualified_at", "-id")[:5]
    )
    try:
        _mail_digest(
            user=user,
            row=row,
            summaries=[summarise(x) for x in leads],
            more=False,
            test=True,
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise AlertError(f"The mail server refused the test: {exc}") from None
    return f"Test digest with {len(leads)} lead(s) sent to {user.email}."


def _mail_digest(
    *,
    user: Any,
    row: AlertSettings,
    summaries: list[LeadSummary],
    more: bool,
    test: bool = False,
) -> None:
    count = len(summaries)
    grade = row.digest_min_grade
    noun = "lead" if count == 1 else "leads"
    floor = "grade A" if grade == "A" else f"grade {grade} or better"
    subject = f"craigleads: {count}{'+' if more else ''} new {noun} ({floor})"
    if test:
        subject = f"[test] {subject}"
    # The list filters one grade at a time: "A only" maps onto it, the others
    # become the list sorted best first.
    query = {"grade": "A", "sort": "score"} if grade == "A" else {"sort": "score"}
    more_url = (
        f"{settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('leads:list')}?"
        + urlencode(query)
    )
    why = (
        f"You get this {row.get_digest_frequency_display()} digest because you "
        f"asked for it. Change or stop it: {settings_url()}"
        if not test
        else f"This is a test of your alert digest. Settings: {settings_url()}"
    )
    text = digest_text(summaries, more, more_url, why)
    html = digest_html(summaries, more, more_url, why)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
