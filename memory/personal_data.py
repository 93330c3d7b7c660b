"""Personal data in memory: conversations, episodes and embeddings of a lead, and
any memory whose content names the subject. Registered with
craigleads.personal_data; memory knows leads only as `lead:<id>` keys."""

from __future__ import annotations

from django.db.models import Q

from craigleads.personal_data import Counts, Findings, Handler, mentioning, register

from .models import MemoryStore


def _lead_keys(lead_ids: list[int] | set[int]) -> list[str]:
    return [f"lead:{lead_id}" for lead_id in lead_ids]


def find(findings: Findings) -> None:
    """Every memory about the subject's leads (messages, story, embedding,
    decisions about them) and every other memory whose content names them."""
    keys = _lead_keys(findings.lead_ids)
    rows = set(
        MemoryStore.objects.filter(
            Q(key__in=keys) | Q(session_id__in=keys)
        ).values_list("pk", flat=True)
    )
    rows.update(
        mentioning(MemoryStore.objects.exclude(pk__in=rows), ["content"], findings)
    )
    findings.add_rows(MemoryStore, rows)


def erase(findings: Findings) -> Counts:
    deleted, _ = MemoryStore.objects.filter(pk__in=findings.pks(MemoryStore)).delete()
    return {MemoryStore._meta.label: deleted}


def purge_leads(lead_ids: list[int]) -> Counts:
    """Forget the messages exchanged about the leads. Their story (steps with
    category and company) and text embedding stay: they hold no contact details
    and keep success patterns and similar-lead search working."""
    deleted, _ = MemoryStore.objects.filter(
        memory_type=MemoryStore.Kind.CONVERSATION, key__in=_lead_keys(lead_ids)
    ).delete()
    return {MemoryStore._meta.label: deleted}


register(
    Handler(
        app="memory",
        order=50,
        personal={MemoryStore._meta.label: ["content", "embedding"]},
        find=find,
        erase=erase,
        purge_leads=purge_leads,
    )
)
