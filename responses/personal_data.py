"""Personal data in responses: drafts (recipient, text, SMTP errors), their audit
trail, and do-not-contact entries. Registered with craigleads.personal_data."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from craigleads.personal_data import (
    Counts,
    Findings,
    Handler,
    mentioning,
    mentions,
    redact,
    register,
)

from .models import DoNotContact, Draft, DraftEvent

logger = logging.getLogger(__name__)
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _outbox() -> list[Path]:
    """Messages the embedded mode wrote to files instead of sending."""
    if settings.EMAIL_BACKEND != FILE_BACKEND:
        return []
    raw = getattr(settings, "EMAIL_FILE_PATH", None)
    folder = Path(raw) if raw else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file())


def _find_outbox(findings: Findings, message_ids: set[str]) -> None:
    for path in _outbox():
        text = path.read_text(encoding="utf-8", errors="replace")
        if any(m in text for m in message_ids) or mentions(text, findings):
            findings.files.add(str(path.resolve()))


def _unlink(paths: list[str]) -> None:
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("could not delete an erased outbox file: %s", exc.strerror)


def _do_not_contact_query(findings: Findings) -> Q:
    query = Q(pk__in=[])
    if findings.emails:
        query |= Q(kind=DoNotContact.Kind.EMAIL, value__in=findings.emails)
    if findings.phones:
        # Entries keep the last ten digits (responses.services._normal_phone).
        query |= Q(
            kind=DoNotContact.Kind.PHONE,
            value__in={p[-10:] for p in findings.phones} | findings.phones,
        )
    return query


def find(findings: Findings) -> None:
    """Drafts to the subject's leads or address, or whose text names them; every
    event of those drafts and any other event that names them; the subject's
    do-not-contact entries (the suppression list takes their place)."""
    by_address = Q(pk__in=[])
    for email in findings.emails:
        by_address |= Q(to_email__iexact=email)
    drafts = set(
        Draft.objects.filter(Q(lead_id__in=findings.lead_ids) | by_address).values_list(
            "pk", flat=True
        )
    )
    drafts.update(
        mentioning(
            Draft.objects.exclude(pk__in=drafts),
            ["subject", "body", "failure"],
            findings,
        )
    )
    findings.add_rows(Draft, drafts)
    _find_outbox(
        findings,
        set(
            Draft.objects.filter(pk__in=drafts)
            .exclude(message_id="")
            .values_list("message_id", flat=True)
        ),
    )
    events = set(
        DraftEvent.objects.filter(draft_id__in=drafts).values_list("pk", flat=True)
    )
    events.update(
        mentioning(
            DraftEvent.objects.exclude(draft_id__in=drafts),
            ["note", "changes"],
            findings,
        )
    )
    findings.add_rows(DraftEvent, events)
    findings.add_rows(
        DoNotContact,
        DoNotContact.objects.filter(_do_not_contact_query(findings)).values_list(
            "pk", flat=True
        ),
    )


def erase(findings: Findings) -> Counts:
    """Delete the drafts (sent ones too: their bodies and recipients are the
    person's data) with their events; blank the subject in events of other drafts;
    delete the do-not-contact entries, which the suppression list replaces."""
    drafts = findings.pks(Draft)
    events = DraftEvent.objects.filter(pk__in=findings.pks(DraftEvent))
    deleted_events, _ = events.filter(draft_id__in=drafts).delete()
    redacted = 0
    for event in events.exclude(draft_id__in=drafts):
        event.note = redact(event.note, findings)
        event.changes = redact(event.changes, findings)
        event.save(update_fields=["note", "changes"])
        redacted += 1
    _, per_model = Draft.objects.filter(pk__in=drafts).delete()
    outbox = sorted(findings.files)
    # Files cannot roll back: they go once the database's erasure is committed.
    transaction.on_commit(partial(_unlink, outbox))
    entries, _ = DoNotContact.objects.filter(pk__in=findings.pks(DoNotContact)).delete()
    return {
        Draft._meta.label: per_model.get(Draft._meta.label, 0),
        DraftEvent._meta.label: deleted_events
        + per_model.get(DraftEvent._meta.label, 0)
        + redacted,
        DoNotContact._meta.label: entries,
        "files": len(outbox),
    }


def purge_leads(lead_ids: list[int]) -> Counts:
    """Blank the recipient, body and SMTP errors of the leads' drafts and the
    notes and edits in their trail (a pasted reply lands in a note). Subject,
    state, template and outcome stay for the A/B and template statistics."""
    drafts = Draft.objects.filter(lead_id__in=lead_ids)
    cleared = drafts.exclude(to_email="", body="", failure="").update(
        to_email="", body="", failure=""
    )
    events = (
        DraftEvent.objects.filter(draft__lead_id__in=lead_ids)
        .exclude(note="", changes={})
        .update(note="", changes={})
    )
    return {Draft._meta.label: cleared, DraftEvent._meta.label: events}


def purge_before(before: datetime) -> Counts:
    """Delete outbox files written before `before` (embedded mode only)."""
    old = [p for p in _outbox() if p.stat().st_mtime < before.timestamp()]
    transaction.on_commit(partial(_unlink, [str(p) for p in old]))
    return {"files": len(old)}


register(
    Handler(
        app="responses",
        order=20,
        personal={
            Draft._meta.label: ["to_email", "subject", "body", "failure"],
            DraftEvent._meta.label: ["note", "changes"],
            DoNotContact._meta.label: ["value"],
        },
        not_personal={
            "responses.SenderProfile": {
                "email": "the team's own reply-to address",
                "phone": "the team's own phone number",
            }
        },
        find=find,
        erase=erase,
        purge_leads=purge_leads,
        purge_before=purge_before,
    )
)
