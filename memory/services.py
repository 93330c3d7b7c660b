"""The memory store: six kinds of memory with importance and decay, consolidated
on a schedule, and similarity search over embeddings.

- conversation (session lead:<id>): every message out and in about a lead.
- short_term (user:<id>): an operator's recent decisions.
- long_term (team or user): preferences and success patterns that lasted.
- semantic (leads): one embedding per lead, for similar leads and reposts.
- episodic (lead:<id>): the lead's story, scraped to qualified to outcome.
- context (user:<id>): an operator's current focus and filters.

Memory is the leaf app: other apps call these functions; it imports none of
them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import embeddings, vector_index
from .models import MemoryStore

logger = logging.getLogger(__name__)

Kind = MemoryStore.Kind
CONSOLIDATE_ABOVE = 0.7
FORGET_BELOW = 0.05
DECAY = 0.95
SEMANTIC_SESSION = "leads"


def remember(
    *,
    session_id: str,
    kind: str,
    content: Mapping[str, Any],
    importance: float = 0.5,
    key: str = "",
) -> MemoryStore:
    """Store one memory. Not idempotent: each call is one more memory."""
    if kind not in Kind.values:
        raise ValueError(f"unknown memory kind {kind!r}")
    return MemoryStore.objects.create(
        session_id=session_id[:120],
        memory_type=kind,
        key=key[:120],
        content=dict(content),
        importance=min(max(importance, 0.0), 1.0),
        decay_rate=DECAY,
    )


# --- semantic -----------------------------------------------------------------


def embedder() -> embeddings.Embedder:
    return embeddings.get_embedder(getattr(settings, "MEMORY_EMBEDDER", "hashing"))


def remember_lead_text(*, lead_id: int, text: str) -> None:
    """Keep (or refresh) the embedding of a lead's text. Safe to repeat."""
    vector = embeddings.to_bytes(embedder().embed(text))
    MemoryStore.objects.update_or_create(
        memory_type=Kind.SEMANTIC,
        key=f"lead:{lead_id}",
        defaults={
            "session_id": SEMANTIC_SESSION,
            "embedding": vector,
            "content": {"lead_id": lead_id, "chars": len(text)},
            "importance": 0.5,
        },
    )


def _semantic_matrix() -> tuple[list[str], npt.NDArray[np.float32]]:
    return vector_index.INDEX.current()


def nearest_leads(*, text: str, k: int = 10) -> list[tuple[int, float]]:
    """Leads whose text is nearest to `text`: (lead id, cosine similarity)."""
    keys, matrix = _semantic_matrix()
    if not keys:
        return []
    query = embedder().embed(text)
    if len(query) != matrix.shape[1]:
        return []
    found = embeddings.most_similar(query, matrix, k)
    return [(int(keys[i].split(":", 1)[1]), round(score, 4)) for i, score in found]


def similar_leads(
    *, lead_id: int, k: int = 5, minimum: float = 0.35
) -> list[tuple[int, float]]:
    """Leads whose text is nearest to this lead's: (lead id, cosine similarity),
    best first, without the lead itself."""
    keys, matrix = _semantic_matrix()
    own = f"lead:{lead_id}"
    if own not in keys:
        return []
    query = matrix[keys.index(own)]
    found = embeddings.most_similar(query, matrix, k + 1)
    return [
        (int(keys[i].split(":", 1)[1]), round(score, 4))
        for i, score in found
        if keys[i] != own and score >= minimum
    ][:k]


# --- episodic and conversation ------------------------------------------------


def record_episode(
    *, lead_id: int, step: str, detail: Mapping[str, Any] | None = None
) -> None:
    """Append a step to the lead's story (scraped, qualified, drafted, approved,
    sent, outcome). Success steps raise the episode's importance."""
    now = timezone.now().isoformat()
    with transaction.atomic():
        episode, _ = MemoryStore.objects.select_for_update().get_or_create(
            memory_type=Kind.EPISODIC,
            key=f"lead:{lead_id}",
            defaults={"session_id": f"lead:{lead_id}", "content": {"steps": []}},
        )
        steps = list(episode.content.get("steps", []))
        steps.append({"step": step, "at": now, **dict(detail or {})})
        episode.content = {**episode.content, "steps": steps[-50:]}
        if step in {"interview", "reply_received"}:
            episode.importance = max(episode.importance, 0.9)
        episode.save(update_fields=["content", "importance"])


def record_message(
    *,
    lead_id: int,
    direction: str,
    subject: str,
    body: str,
    draft_id: int | None = None,
) -> MemoryStore:
    """One message in the lead's conversation thread ("out" or "in")."""
    return remember(
        session_id=f"lead:{lead_id}",
        kind=Kind.CONVERSATION,
        key=f"lead:{lead_id}",
        content={
            "direction": direction,
            "subject": subject,
            "body": body[:20000],
            "draft_id": draft_id,
        },
        importance=0.6,
    )


def thread(*, lead_id: int) -> list[MemoryStore]:
    return list(
        MemoryStore.objects.filter(
            memory_type=Kind.CONVERSATION, key=f"lead:{lead_id}"
        ).order_by("created_at", "id")
    )


def episode(*, lead_id: int) -> list[dict[str, Any]]:
    row = MemoryStore.objects.filter(
        memory_type=Kind.EPISODIC, key=f"lead:{lead_id}"
    ).first()
    return list(row.content.get("steps", [])) if row else []


# --- short-term and context ---------------------------------------------------


def record_decision(
    *, user_id: int, decision: str, about: str, importance: float = 0.5
) -> None:
    """An operator's decision, kept short-term (consolidation may keep it longer)."""
    remember(
        session_id=f"user:{user_id}",
        kind=Kind.SHORT_TERM,
        key=about,
        content={"decision": decision, "about": about},
        importance=importance,
    )


def save_context(*, user_id: int, name: str, context: Mapping[str, Any]) -> None:
    """Keep an operator's current focus (e.g. the lead list's filters).

    Safe to repeat and to race: the lead list calls this on every page view, often
    from several tabs at once, so it writes only when the context changed and never
    takes a row lock (the last tab to write wins)."""
    rows = MemoryStore.objects.filter(
        memory_type=Kind.CONTEXT, session_id=f"user:{user_id}", key=name
    )
    content = dict(context)
    if rows.values_list("content", flat=True).first() == content:
        return
    if not rows.update(content=content, importance=0.5):
        MemoryStore.objects.create(
            memory_type=Kind.CONTEXT,
            session_id=f"user:{user_id}",
            key=name,
            content=content,
            importance=0.5,
        )


def load_context(*, user_id: int, name: str) -> dict[str, Any]:
    row = MemoryStore.objects.filter(
        memory_type=Kind.CONTEXT, session_id=f"user:{user_id}", key=name
    ).first()
    if row is None:
        return {}
    MemoryStore.objects.filter(pk=row.pk).update(accessed_at=timezone.now())
    return dict(row.content)


# --- consolidation ------------------------------------------------------------


def _count_company_success(company: str) -> None:
    profile, _ = MemoryStore.objects.get_or_create(
        memory_type=Kind.LONG_TERM,
        key=f"company:{company}"[:120],
        defaults={
            "session_id": "team",
            "content": {"company": company, "successes": 0},
            "importance": 0.8,
        },
    )
    profile.content = {
        **profile.content,
        "successes": int(profile.content.get("successes", 0)) + 1,
    }
    profile.save(update_fields=["content"])


def company_profile(*, company: str) -> dict[str, Any]:
    """What the team learned about a company (successes so far)."""
    row = MemoryStore.objects.filter(
        memory_type=Kind.LONG_TERM, key=f"company:{company.strip().lower()}"[:120]
    ).first()
    return dict(row.content) if row else {}


def consolidate() -> dict[str, int]:
    """Move what proved important into long-term memory, learn success patterns
    from episodes, decay the rest and forget what faded. Safe to run any time;
    a memory is promoted at most once."""
    promoted = patterns = 0
    with transaction.atomic():
        for row in MemoryStore.objects.filter(
            memory_type=Kind.SHORT_TERM, importance__gt=CONSOLIDATE_ABOVE
        ):
            remember(
                session_id=row.session_id,
                kind=Kind.LONG_TERM,
                key=row.key,
                content={**row.content, "from": "short_term"},
                importance=row.importance,
            )
            row.delete()
            promoted += 1
        episodes = MemoryStore.objects.filter(
            memory_type=Kind.EPISODIC, importance__gt=CONSOLIDATE_ABOVE
        )
        for row in episodes:
            if row.content.get("consolidated"):
                continue  # an episode feeds the patterns once
            category = next(
                (
                    s.get("category")
                    for s in row.content.get("steps", [])
                    if s.get("category")
                ),
                "any",
            )
            pattern, _ = MemoryStore.objects.get_or_create(
                memory_type=Kind.LONG_TERM,
                key=f"pattern:{category}",
                defaults={
                    "session_id": "team",
                    "content": {"successes": 0},
                    "importance": 0.8,
                },
            )
            pattern.content = {
                **pattern.content,
                "successes": int(pattern.content.get("successes", 0)) + 1,
            }
            pattern.save(update_fields=["content"])
            company = next(
                (
                    s.get("company")
                    for s in row.content.get("steps", [])
                    if s.get("company")
                ),
                "",
            )
            if company:
                _count_company_success(company)
            row.content = {**row.content, "consolidated": True}
            row.save(update_fields=["content"])
            patterns += 1
        decaying = MemoryStore.objects.filter(
            memory_type__in=[Kind.SHORT_TERM, Kind.CONVERSATION, Kind.EPISODIC]
        )
        decaying.update(importance=F("importance") * F("decay_rate"))
        forgotten, _ = MemoryStore.objects.filter(
            memory_type=Kind.SHORT_TERM, importance__lt=FORGET_BELOW
        ).delete()
    return {"promoted": promoted, "patterns": patterns, "forgotten": forgotten}
