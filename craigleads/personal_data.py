"""Personal data of the people behind postings: subject-access export, erasure with
a suppression list, and retention purging (RELIABILITY_CHECKLIST PRIV-2, PRIV-3).

The project package may not import the apps (import-linter layers), so each app
describes its own rows in an `<app>/personal_data.py` that calls `register(...)`;
those modules are found with `autodiscover_modules("personal_data")`. A handler
says which of its fields hold personal data (the export and the meta-tests read
that), finds rows about a subject, erases them, and purges expired ones.

Erasure keeps only salted hashes (`Suppression`) of the subject's e-mail address,
phone number and the URLs and post ids of their postings, so that a later scrape
of the same posting cannot bring the person back (`is_suppressed`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .audit import record_event
from .masking import EMAIL_PATTERN, INTERNATIONAL_PHONE_PATTERN, PHONE_PATTERN
from .models import AuditEvent, Suppression

logger = logging.getLogger(__name__)

REDACTED = "[erased]"
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15
# Field names that suggest contact details; each one must be declared (meta-test).
CONTACT_FIELD_NAME = re.compile(r"email|phone|contact|recipient", re.IGNORECASE)


class PersonalDataError(Exception):
    """A request about personal data that cannot be carried out; says why."""


# --- identifiers ----------------------------------------------------------------


def normalise_email(value: str) -> str:
    """Lower case without surrounding space; the form that is hashed and matched."""
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits only, without the US country code: "+1 (415) 555-0100" and
    "415.555.0100" are the same number."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def normalise_url(value: str) -> str:
    """Host and path, lower case, without scheme, query, fragment or final slash."""
    parts = urlsplit(value.strip().lower())
    if not parts.netloc:
        return parts.path.rstrip("/")
    return f"{parts.netloc}{parts.path}".rstrip("/")


def normalise_post_id(value: str) -> str:
    return re.sub(r"\D", "", value)


_NORMALISE: dict[str, Callable[[str], str]] = {
    Suppression.Kind.EMAIL: normalise_email,
    Suppression.Kind.PHONE: normalise_phone,
    Suppression.Kind.URL: normalise_url,
    Suppression.Kind.POST_ID: normalise_post_id,
}


def _usable(kind: str, value: str) -> bool:
    if kind == Suppression.Kind.EMAIL:
        return "@" in value
    if kind == Suppression.Kind.PHONE:
        return MIN_PHONE_DIGITS <= len(value) <= MAX_PHONE_DIGITS
    return bool(value)


def digest(kind: str, value: str) -> str:
    """The salted hash of one identifier (normalised first). HMAC-SHA256 keyed by
    SUPPRESSION_SALT, or SECRET_KEY while that is empty."""
    salt = settings.SUPPRESSION_SALT or settings.SECRET_KEY
    message = f"{kind}:{_NORMALISE[kind](value)}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def usable_email(value: str) -> str | None:
    """The normalised address, or None when `value` is not one."""
    email = normalise_email(value)
    return email if EMAIL_PATTERN.fullmatch(email) else None


def usable_phone(value: str) -> str | None:
    """The normalised number, or None when `value` has too few or many digits."""
    phone = normalise_phone(value)
    return phone if _usable(Suppression.Kind.PHONE, phone) else None


def emails_in(text: str) -> set[str]:
    return {normalise_email(m) for m in EMAIL_PATTERN.findall(text or "")}


def phones_in(text: str) -> set[str]:
    """Phone numbers written in `text`, normalised; a value that is nothing but
    a number counts whatever its format."""
    text = text or ""
    found = {normalise_phone(m) for m in PHONE_PATTERN.findall(text)}
    found.update(normalise_phone(m) for m in INTERNATIONAL_PHONE_PATTERN.findall(text))
    if re.fullmatch(r"[\d\s().+-]+", text.strip()):
        found.add(normalise_phone(text))
    return {p for p in found if _usable(Suppression.Kind.PHONE, p)}


@dataclass(frozen=True)
class Subject:
    """The person a request is about, named by one e-mail address or phone."""

    kind: str  # "email" or "phone"
    value: str  # normalised

    @property
    def digest(self) -> str:
        return digest(self.kind, self.value)

    @property
    def label(self) -> str:
        """How the audit log and logs name the subject: a hash prefix, never the
        address itself."""
        return f"{self.kind} {self.digest[:12]}"


def subject_from(*, email: str | None = None, phone: str | None = None) -> Subject:
    """Validate a request's identifier; raises PersonalDataError with a sentence."""
    if (email is None) == (phone is None):
        raise PersonalDataError("Give exactly one of --email or --phone.")
    if email is not None:
        value = normalise_email(email)
        try:
            validate_email(value)
        except ValidationError:
            raise PersonalDataError(
                f"{email!r} is not a valid e-mail address."
            ) from None
        return Subject(Suppression.Kind.EMAIL, value)
    value = normalise_phone(phone or "")
    if not _usable(Suppression.Kind.PHONE, value):
        raise PersonalDataError(
            f"{phone!r} is not a phone number: it has {len(value)} digits, and a "
            f"number has {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS}."
        )
    return Subject(Suppression.Kind.PHONE, value)


# --- the registry ---------------------------------------------------------------


@dataclass
class Findings:
    """What the handlers found about one subject. The leads handler fills the
    identifiers of the subject's postings; every handler records the rows it found
    under their model label ("app.Model" -> primary keys)."""

    subject: Subject
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    lead_ids: set[int] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    post_ids: set[str] = field(default_factory=set)
    rows: dict[str, set[Any]] = field(default_factory=dict)
    # Files outside the database (the embedded mode's outbox), by absolute path.
    files: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.subject.kind == Suppression.Kind.EMAIL:
            self.emails.add(self.subject.value)
        else:
            self.phones.add(self.subject.value)

    def add_rows(self, model: type[models.Model], pks: Iterable[Any]) -> None:
        pks = set(pks)
        if pks:
            self.rows.setdefault(model._meta.label, set()).update(pks)

    def pks(self, model: type[models.Model]) -> set[Any]:
        return self.rows.get(model._meta.label, set())

    @property
    def found_anything(self) -> bool:
        return any(self.rows.values()) or bool(self.files)

    def counts(self) -> dict[str, int]:
        counts = {label: len(pks) for label, pks in sorted(self.rows.items()) if pks}
        if self.files:
            counts["files"] = len(self.files)
        return counts

    def suppression_entries(self) -> set[tuple[str, str]]:
        """(kind, digest) of everything the person can be recognised by again."""
        entries: set[tuple[str, str]] = set()
        for kind, values in (
            (Suppression.Kind.EMAIL, self.emails),
            (Suppression.Kind.PHONE, self.phones),
            (Suppression.Kind.URL, self.urls),
            (Suppression.Kind.POST_ID, self.post_ids),
        ):
            for value in values:
                if _usable(kind, _NORMALISE[kind](value)):
                    entries.add((kind, digest(kind, value)))
        return entries


Counts = dict[str, int]


@dataclass(frozen=True)
class Handler:
    """One app's part in export, erasure and retention.

    - `personal`: model label -> fields holding personal data (exported, and
      checked by the meta-test); `not_personal`: label -> field -> why a field
      whose name suggests contact details holds none.
    - `find(findings)`: add the rows about the subject (by `findings.lead_ids`
      and the identifiers) with `findings.add_rows`.
    - `erase(findings)`: delete or anonymise those rows; returns counts per model.
    - `expired(before, limit)`: ids of leads past retention that still hold
      personal data (the leads app answers this).
    - `purge_leads(lead_ids)`: clear personal data tied to those leads.
    - `purge_before(before)`: clear personal data not tied to a lead.

    Find runs by ascending `order`; erase and purge run by descending order, so
    rows that point at a lead go before the lead.
    """

    app: str
    order: int
    personal: Mapping[str, Sequence[str]] = field(default_factory=dict)
    not_personal: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    find: Callable[[Findings], None] | None = None
    erase: Callable[[Findings], Counts] | None = None
    expired: Callable[[datetime, int], list[int]] | None = None
    purge_leads: Callable[[list[int]], Counts] | None = None
    purge_before: Callable[[datetime], Counts] | None = None


_registry: dict[str, Handler] = {}
_discovered = False


def register(handler: Handler) -> Handler:
    """Add (or replace) an app's handler; called by `<app>/personal_data.py`."""
    _registry[handler.app] = handler
    return handler


def handlers() -> list[Handler]:
    """Every registered handler by order, importing each app's module once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    return sorted(_registry.values(), key=lambda h: (h.order, h.app))


def personal_fields() -> dict[str, set[str]]:
    """Model label -> the fields declared personal by any handler."""
    declared: dict[str, set[str]] = {}
    for handler in handlers():
        for label, names in handler.personal.items():
            declared.setdefault(label, set()).update(names)
    return declared


def not_personal_fields() -> dict[str, dict[str, str]]:
    declared: dict[str, dict[str, str]] = {}
    for handler in handlers():
        for label, reasons in handler.not_personal.items():
            declared.setdefault(label, {}).update(reasons)
    return declared


# --- matching text ------------------------------------------------------------


def _email_forms(email: str) -> list[str]:
    """How an address appears in stored text: as typed, URL- and HTML-encoded."""
    return [email, email.replace("@", "%40"), email.replace("@", "&#64;")]


def mentions(value: Any, findings: Findings) -> bool:
    """Whether a stored value (text, JSON, anything) names the subject's e-mail
    addresses or phone numbers."""
    text = value if isinstance(value, str) else _as_text(value)
    lowered = text.lower()
    if any(form in lowered for e in findings.emails for form in _email_forms(e)):
        return True
    return bool(findings.phones and phones_in(text) & findings.phones)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return ""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def redact(value: Any, findings: Findings) -> Any:
    """The value with the subject's addresses and numbers replaced by [erased];
    JSON is walked so its structure survives."""
    if isinstance(value, str):
        text = value
        for email in findings.emails:
            for form in _email_forms(email):
                text = re.sub(re.escape(form), REDACTED, text, flags=re.IGNORECASE)
        if findings.phones:
            text = INTERNATIONAL_PHONE_PATTERN.sub(partial(_blank, findings), text)
            text = PHONE_PATTERN.sub(partial(_blank, findings), text)
        return text
    if isinstance(value, list):
        return [redact(item, findings) for item in value]
    if isinstance(value, dict):
        return {redact(k, findings): redact(v, findings) for k, v in value.items()}
    return value


def _blank(findings: Findings, match: re.Match[str]) -> str:
    number = match.group(0)
    return REDACTED if normalise_phone(number) in findings.phones else number


def mentioning(
    queryset: QuerySet[Any], fields: Sequence[str], findings: Findings
) -> list[Any]:
    """Primary keys of rows whose `fields` name the subject.

    The database narrows the rows (the address as a substring; for a phone, its
    area code and last four digits), then each candidate is checked in Python,
    since a phone is written in many ways. JSON fields are searched as text.
    """
    model = queryset.model
    aliases: dict[str, Any] = {}
    names: list[str] = []
    for name in fields:
        model_field = model._meta.get_field(name)
        if isinstance(model_field, models.CharField | models.TextField):
            names.append(name)
        else:
            alias = f"pd_{name}_text"
            aliases[alias] = Cast(name, TextField())
            names.append(alias)
    query = Q()
    for name in names:
        for email in findings.emails:
            for form in _email_forms(email):
                query |= Q(**{f"{name}__icontains": form})
        for phone in findings.phones:
            # The last four digits are written together in every format; so is a
            # US area code.
            narrowed = Q(**{f"{name}__contains": phone[-4:]})
            if len(phone) == 10:
                narrowed &= Q(**{f"{name}__contains": phone[:3]})
            query |= narrowed
    if not query:
        return []
    candidates = queryset.alias(**aliases).filter(query).only("pk", *fields)
    return [
        row.pk
        for row in candidates.iterator(chunk_size=200)
        if any(mentions(getattr(row, name), findings) for name in fields)
    ]


# --- export ---------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    return value


def row_as_dict(obj: models.Model) -> dict[str, Any]:
    """Every stored column of a row (foreign keys as ids)."""
    return {
        f.attname: _json_value(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
    }


def find_subject(subject: Subject) -> Findings:
    findings = Findings(subject=subject)
    for handler in handlers():
        if handler.find is not None:
            handler.find(findings)
    return findings


def export_subject(
    *, email: str | None = None, phone: str | None = None
) -> dict[str, Any]:
    """Every stored row about the subject, all columns, as JSON-ready data
    (GDPR Art. 15). Writes one audit row naming the subject by hash prefix."""
    subject = subject_from(email=email, phone=phone)
    findings = find_subject(subject)
    records: dict[str, list[dict[str, Any]]] = {}
    for label, pks in sorted(findings.rows.items()):
        model = apps.get_model(label)
        rows = model._default_manager.filter(pk__in=pks).order_by("pk")
        records[label] = [row_as_dict(row) for row in rows]
    files = {path: _read(path) for path in sorted(findings.files)}
    counts = {label: len(rows) for label, rows in records.items()}
    if files:
        counts["files"] = len(files)
    record_event(
        action="gdpr.export",
        actor="command line",
        target=subject.label,
        data={
            "kind": subject.kind,
            "hash_prefix": subject.digest[:12],
            "counts": counts,
        },
    )
    return {
        "subject": {"kind": subject.kind, "value": subject.value},
        "generated_at": timezone.now().isoformat(),
        "counts": counts,
        "records": records,
        "files": files,
    }


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def export_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# --- erasure --------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureReport:
    subject: Subject
    found: dict[str, int]
    erased: dict[str, int]
    suppressed: int  # new suppression rows

    @property
    def found_anything(self) -> bool:
        return any(self.found.values())


def preview_erasure(subject: Subject) -> dict[str, int]:
    """How many rows per model an erasure would touch (for the confirmation)."""
    return find_subject(subject).counts()


def erase_subject(
    *, email: str | None = None, phone: str | None = None, actor: Any = "command line"
) -> ErasureReport:
    """Delete or anonymise everything stored about the subject, keep salted hashes
    of their identifiers in the suppression list, and write an audit row holding
    the hash prefix and the counts, never the address.

    All or nothing: one transaction. Safe to repeat: a second call finds nothing
    and adds no suppression rows.
    """
    subject = subject_from(email=email, phone=phone)
    with transaction.atomic():
        findings = find_subject(subject)
        found = findings.counts()
        erased: Counter[str] = Counter()
        for handler in reversed(handlers()):
            if handler.erase is not None:
                erased.update(handler.erase(findings))
        entries = findings.suppression_entries()
        known = set(
            Suppression.objects.filter(digest__in=[d for _, d in entries]).values_list(
                "digest", flat=True
            )
        )
        Suppression.objects.bulk_create(
            [Suppression(kind=k, digest=d) for k, d in entries if d not in known],
            ignore_conflicts=True,
        )
        report = ErasureReport(
            subject=subject,
            found=found,
            erased=dict(sorted((k, v) for k, v in erased.items() if v)),
            suppressed=len({d for _, d in entries} - known),
        )
        record_event(
            action="gdpr.erase",
            actor=actor,
            target=subject.label,
            data={
                "kind": subject.kind,
                "hash_prefix": subject.digest[:12],
                "found": report.found,
                "erased": report.erased,
                "suppressed": report.suppressed,
            },
        )
    logger.info("erased personal data of %s: %s", subject.label, report.erased)
    return report


def is_suppressed(
    *,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    urls: Iterable[str] = (),
    post_ids: Iterable[str] = (),
    texts: Iterable[str] = (),
) -> bool:
    """Whether any identifier (or an address or number written in `texts`)
    belongs to an erased person."""
    wanted: list[tuple[str, Iterable[str]]] = [
        (Suppression.Kind.EMAIL, emails),
        (Suppression.Kind.PHONE, phones),
        (Suppression.Kind.URL, urls),
        (Suppression.Kind.POST_ID, post_ids),
    ]
    for text in texts:
        wanted.append((Suppression.Kind.EMAIL, emails_in(text)))
        wanted.append((Suppression.Kind.PHONE, phones_in(text)))
    digests = {
        digest(kind, value)
        for kind, values in wanted
        for value in values
        if value and _usable(kind, _NORMALISE[kind](value))
    }
    return bool(digests) and Suppression.objects.filter(digest__in=digests).exists()


# --- retention ------------------------------------------------------------------


def purge_expired_personal_data(
    *,
    now: datetime | None = None,
    days: int | None = None,
    batch_size: int = 500,
    max_batches: int = 200,
) -> Counts:
    """Clear personal data older than PERSONAL_DATA_RETENTION_DAYS (0 keeps it).

    Leads past retention lose their stored page, JSON-LD and contact details,
    and the handlers clear what is tied to them (draft bodies and recipients,
    conversation memories); the lead's title, category and score stay for
    statistics. Works in batches of `batch_size` leads, one transaction each, so
    an interrupted run keeps what it finished. Idempotent: a purged lead no
    longer counts as holding personal data, so a second run finds nothing.
    """
    days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
    if days <= 0:
        return {}
    before = (now or timezone.now()) - timedelta(days=days)
    registered = handlers()
    totals: Counter[str] = Counter()
    done: set[int] = set()
    for _ in range(max_batches):
        batch: set[int] = set()
        for handler in registered:
            if handler.expired is not None:
                batch.update(handler.expired(before, batch_size))
        batch -= done
        if not batch:
            break
        ids = sorted(batch)
        with transaction.atomic():
            for handler in reversed(registered):
                if handler.purge_leads is not None:
                    totals.update(handler.purge_leads(ids))
        done.update(ids)
    with transaction.atomic():
        for handler in reversed(registered):
            if handler.purge_before is not None:
                totals.update(handler.purge_before(before))
    result = dict(sorted((k, v) for k, v in totals.items() if v))
    if result:
        record_event(
            action="gdpr.purge",
            actor="retention",
            target=f"older than {days} days",
            data={"before": before.isoformat(), "counts": result},
        )
    return result


# --- the project's own rows -------------------------------------------------------


def _find_own(findings: Findings) -> None:
    findings.add_rows(
        AuditEvent,
        mentioning(AuditEvent.objects.all(), ["target", "data"], findings),
    )
    log_entry = apps.get_model("admin", "LogEntry")
    findings.add_rows(
        log_entry,
        mentioning(
            log_entry.objects.all(),
            ["object_repr", "change_message"],
            findings,
        ),
    )


def _erase_own(findings: Findings) -> Counts:
    """The audit log and the admin's history are records of what the team did, so
    rows stay and only the subject's addresses and numbers are blanked."""
    counts: Counts = {}
    for model, names in (
        (AuditEvent, ["target", "data"]),
        (apps.get_model("admin", "LogEntry"), ["object_repr", "change_message"]),
    ):
        rows = list(model._default_manager.filter(pk__in=findings.pks(model)))
        for row in rows:
            for name in names:
                setattr(row, name, redact(getattr(row, name), findings))
            row.save(update_fields=names)
        counts[model._meta.label] = len(rows)
    return counts


register(
    Handler(
        app="craigleads",
        order=90,
        personal={
            "craigleads.AuditEvent": ["target", "data"],
            "admin.LogEntry": ["object_repr", "change_message"],
        },
        not_personal={
            "auth.User": {
                "email": "the team's own accounts, not people behind postings",
            },
        },
        find=_find_own,
        erase=_erase_own,
    )
)
