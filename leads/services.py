"""Writes to leads: recording parsed postings with their dedup class, archiving,
and marking postings gone."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from craigleads import events
from craigleads.personal_data import is_suppressed
from memory import services as memory

from . import hooks
from .models import Category, Lead, Site

logger = logging.getLogger(__name__)

GONE_STATUSES = {"deleted", "expired", "flagged"}

# Known sections for category codes met before an admin has configured them.
_SECTIONS = {
    "jjj": "jjj ofc bus csr edu egr etc acc fbh lab gov hea hum lgl mnu mar med npo "
    "rej ret sls spa sci sec trd sof sad tch trp tfr web wri eng art",
    "ggg": "ggg cpg crg cwg dmg evg lbg tlg wrg",
    "hhh": "hhh apa roo sub rea reb reo off prk vac swp hsw hou sha sbw rew",
    "bbb": "bbb rts",
}
_SECTION_OF = {
    code: section for section, codes in _SECTIONS.items() for code in codes.split()
}

# Near-duplicate threshold on word-shingle overlap (Jaccard).
NEAR_DUPLICATE_SIMILARITY = 0.85
# Cosine similarity of the memory's embeddings above which a lead is a candidate.
NEAR_DUPLICATE_EMBEDDING = 0.7
MIN_BODY_WORDS = 20
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class RecordOutcome:
    """What recording one posting did. `kind` is new, updated, unchanged, repost,
    duplicate, gone or suppressed (the poster's data was erased on request, so
    nothing was stored; `lead` is None)."""

    kind: str
    lead: Lead | None


def normalised_text(title: str, description: str) -> str:
    text = unicodedata.normalize("NFKC", f"{title}\n{description}").lower()
    return " ".join(_WORD.findall(text))


def content_hash(title: str, description: str) -> str:
    return hashlib.sha256(normalised_text(title, description).encode()).hexdigest()


def _shingles(text: str, size: int = 3) -> set[str]:
    words = text.split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard overlap of 3-word shingles of two normalised texts."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _clip(value: Any, length: int) -> str:
    return str(value or "")[:length]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) < Decimal(10) ** 11 else None


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        parsed = parse_datetime(str(value))
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def site_for(code: str | None) -> Site | None:
    """The Site for a code, created on first sight so no posting is lost."""
    if not code:
        return None
    code = code.lower()[:40]
    site, _ = Site.objects.get_or_create(
        code=code, defaults={"name": code, "host": f"{code}.craigslist.org"}
    )
    return site


def category_for(code: str | None) -> Category | None:
    if not code:
        return None
    code = code.lower()[:12]
    category, _ = Category.objects.get_or_create(
        code=code, defaults={"name": code, "section": _SECTION_OF.get(code, "sss")}
    )
    return category


def lead_fields(parsed: Mapping[str, Any], *, url: str) -> dict[str, Any]:
    """Model field values from a parsed posting in the `parse_posting` shape."""
    title = _clip(parsed.get("title"), 300)
    description = str(parsed.get("description") or "")
    employment = parsed.get("employment_type") or []
    return {
        "url": _clip(parsed.get("url") or url, 500),
        "title": title,
        "description": description,
        "compensation": _clip(parsed.get("compensation"), 300),
        "salary_min_annual": _decimal(parsed.get("salary_min_annual")),
        "salary_max_annual": _decimal(parsed.get("salary_max_annual")),
        "employment_type": [str(e)[:40] for e in employment][:10],
        "is_remote": parsed.get("is_remote"),
        "is_internship": parsed.get("is_internship"),
        "is_nonprofit": parsed.get("is_nonprofit"),
        "experience_level": _clip(parsed.get("experience_level"), 80),
        "job_title": _clip(parsed.get("job_title"), 200),
        "company": _clip(parsed.get("company"), 200),
        "contact_name": _clip(parsed.get("contact_name"), 200),
        "contact_email": _clip(parsed.get("contact_email"), 254),
        "contact_phone": _clip(parsed.get("contact_phone"), 40),
        "hood": _clip(parsed.get("hood"), 200),
        "map_address": _clip(parsed.get("map_address"), 300),
        "latitude": _float(parsed.get("latitude")),
        "longitude": _float(parsed.get("longitude")),
        "price": _decimal(parsed.get("price")),
        "currency": _clip(parsed.get("currency"), 3),
        "bedrooms": _decimal(parsed.get("bedrooms")),
        "bathrooms": _decimal(parsed.get("bathrooms")),
        "sqft": int(parsed["sqft"]) if _float(parsed.get("sqft")) else None,
        "images": list(parsed.get("images") or [])[:50],
        "attributes": dict(parsed.get("attributes") or {}),
        "notices": list(parsed.get("notices") or []),
        "json_ld": list(parsed.get("json_ld") or []),
        "posted_at": _datetime(parsed.get("posted_at")),
        "source_updated_at": _datetime(parsed.get("source_updated_at")),
        "repost_of": _clip(parsed.get("repost_of"), 20),
        "parse_errors": list(parsed.get("errors") or []),
        "content_hash": content_hash(title, description),
    }


def _find_original(
    fields: dict[str, Any], site: Site | None
) -> tuple[str, Lead] | None:
    """The earlier lead this posting reposts or duplicates, if any."""
    if repost_of := fields["repost_of"]:
        original = Lead.objects.filter(post_id=repost_of).first()
        if original is not None:
            return Lead.DedupClass.REPOST, original.original or original
    same_text = (
        Lead.objects.filter(content_hash=fields["content_hash"])
        .exclude(content_hash=content_hash("", ""))
        .order_by("created_at")
        .first()
    )
    candidate = same_text
    if candidate is None and (fields["title"] or fields["description"]):
        # Near-identical text: the memory's nearest neighbours are the candidates,
        # confirmed by word-shingle overlap (embeddings alone are too lenient).
        mine = normalised_text(fields["title"], fields["description"])
        near = memory.nearest_leads(
            text=f"{fields['title']}\n{fields['description']}", k=5
        )
        ids = [lead_id for lead_id, score in near if score >= NEAR_DUPLICATE_EMBEDDING]
        others = Lead.objects.filter(pk__in=ids).only(
            "id", "title", "description", "site_id", "original_id", "created_at"
        )
        my_body = normalised_text("", fields["description"])
        for other in sorted(others, key=lambda lead: lead.created_at):
            theirs = normalised_text(other.title, other.description)
            their_body = normalised_text("", other.description)
            # A copy under a new title still has the same body; short bodies
            # say too little to judge on their own.
            same_body = len(my_body.split()) >= MIN_BODY_WORDS and (
                text_similarity(my_body, their_body) >= NEAR_DUPLICATE_SIMILARITY
            )
            if same_body or text_similarity(mine, theirs) >= NEAR_DUPLICATE_SIMILARITY:
                candidate = other
                break
    if candidate is None:
        return None
    root = candidate.original or candidate
    same_site = site is not None and candidate.site_id == site.pk
    kind = Lead.DedupClass.REPOST if same_site else Lead.DedupClass.DUPLICATE
    return kind, root


def record_posting(
    *, parsed: Mapping[str, Any], url: str, body_html: str = ""
) -> RecordOutcome:
    """Store one parsed posting as a lead and classify it NEW, UPDATED, REPOST or
    DUPLICATE (linked to its original), or mark a known lead gone.

    Safe to call twice with the same page: the second call finds the lead by post
    id or URL and reports `unchanged`. Publishes `lead.created` / `lead.updated`
    after commit. A posting of a person whose data was erased (same URL, post id,
    e-mail or phone, see craigleads.personal_data) is not stored: `suppressed`.
    """
    status = parsed.get("status") or "active"
    post_id = _clip(parsed.get("post_id"), 20) or None
    fields = lead_fields(parsed, url=url)
    existing = _existing_lead(post_id, fields["url"], url)

    if status in GONE_STATUSES:
        if existing is None:
            return RecordOutcome("gone", None)
        with transaction.atomic():
            updated = Lead.objects.filter(pk=existing.pk).exclude(status=status)
            updated.update(status=status, updated_at=timezone.now())
            events.publish_on_commit("lead.updated", {"lead_id": existing.pk})
        existing.refresh_from_db()
        return RecordOutcome("gone", existing)

    if _suppressed(post_id, fields, url):
        logger.info("posting %s not stored: its poster's data was erased", post_id)
        return RecordOutcome("suppressed", None)

    site = site_for(parsed.get("site"))
    category = category_for(parsed.get("category"))
    now = timezone.now()
    if existing is not None:
        return _update_existing(
            existing, {**fields, "site": site, "category": category}, body_html, now
        )

    lineage = _find_original(fields, site)
    kind, original = lineage if lineage else (Lead.DedupClass.NEW, None)
    try:
        with transaction.atomic():
            lead = Lead.objects.create(
                post_id=post_id,
                site=site,
                category=category,
                body_html=body_html,
                status=Lead.Status.ACTIVE,
                dedup_class=kind,
                original=original,
                scraped_at=now,
                processed_at=now,
                **fields,
            )
            hooks.lead_recorded(lead.pk)
            _remember(lead, "scraped")
            events.publish_on_commit(
                "lead.created",
                {"lead_id": lead.pk, "dedup_class": kind, "title": lead.title[:120]},
            )
    except IntegrityError:
        # Another worker stored the same posting first (at-least-once delivery).
        existing = _existing_lead(post_id, fields["url"], url)
        if existing is None:
            raise
        return _update_existing(
            existing, {**fields, "site": site, "category": category}, body_html, now
        )
    return RecordOutcome(kind, lead)


def _suppressed(post_id: str | None, fields: Mapping[str, Any], url: str) -> bool:
    """Whether the posting belongs to an erased person: by where it is, or by a
    contact detail in its fields or text (GDPR Art. 17 and 21(3))."""
    return is_suppressed(
        urls=[fields["url"], url],
        post_ids=[post_id or ""],
        emails=[fields["contact_email"]],
        phones=[fields["contact_phone"]],
        texts=[fields["title"], fields["description"]],
    )


def _remember(lead: Lead, step: str) -> None:
    """The lead's text for similarity search, and a step in its story."""
    memory.remember_lead_text(lead_id=lead.pk, text=f"{lead.title}\n{lead.description}")
    category = lead.category.code if lead.category else ""
    detail = {"category": category, "company": lead.company.strip().lower()[:120]}
    memory.record_episode(lead_id=lead.pk, step=step, detail=detail)


def _existing_lead(post_id: str | None, canonical: str, fetched: str) -> Lead | None:
    query = Q(url__in={canonical, fetched})
    if post_id:
        query |= Q(post_id=post_id)
    return Lead.objects.filter(query).order_by("id").first()


def _update_existing(
    lead: Lead, fields: dict[str, Any], body_html: str, now: datetime
) -> RecordOutcome:
    changed = (
        lead.content_hash != fields["content_hash"]
        or (
            fields["source_updated_at"] is not None
            and fields["source_updated_at"] != lead.source_updated_at
        )
        or (fields["site"] is not None and fields["site"].pk != lead.site_id)
        or (
            fields["category"] is not None and fields["category"].pk != lead.category_id
        )
    )
    if not changed:
        Lead.objects.filter(pk=lead.pk).update(scraped_at=now)
        return RecordOutcome("unchanged", lead)
    with transaction.atomic():
        for name, value in fields.items():
            if name in {"site", "category"} and value is None:
                continue  # a page that does not say keeps what we knew
            setattr(lead, name, value)
        lead.body_html = body_html or lead.body_html
        lead.status = Lead.Status.ACTIVE
        lead.scraped_at = now
        lead.processed_at = now
        if lead.dedup_class == Lead.DedupClass.NEW:
            lead.dedup_class = Lead.DedupClass.UPDATED
        lead.save()
        hooks.lead_recorded(lead.pk)
        _remember(lead, "updated")
        events.publish_on_commit("lead.updated", {"lead_id": lead.pk})
    return RecordOutcome("updated", lead)


def set_archived(*, lead_ids: Iterable[int], archived: bool) -> int:
    """Archive or restore leads; returns how many changed. Safe to repeat."""
    return (
        Lead.objects.filter(pk__in=list(lead_ids))
        .exclude(archived=archived)
        .update(archived=archived, updated_at=timezone.now())
    )


def set_do_not_contact(*, lead_ids: Iterable[int]) -> int:
    """Mark leads do-not-contact; returns how many changed. Safe to repeat."""
    return Lead.objects.filter(pk__in=list(lead_ids), do_not_contact=False).update(
        do_not_contact=True, updated_at=timezone.now()
    )
