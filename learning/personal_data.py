"""Personal data in learning: feedback about the subject's leads, whose metadata
may carry notes. The Q-table holds only discretised states. Registered with
craigleads.personal_data."""

from __future__ import annotations

from craigleads.personal_data import Counts, Findings, Handler, mentioning, register

from .models import Feedback


def find(findings: Findings) -> None:
    rows = set(
        Feedback.objects.filter(lead_id__in=findings.lead_ids).values_list(
            "pk", flat=True
        )
    )
    rows.update(
        mentioning(Feedback.objects.exclude(pk__in=rows), ["metadata"], findings)
    )
    findings.add_rows(Feedback, rows)


def erase(findings: Findings) -> Counts:
    deleted, _ = Feedback.objects.filter(pk__in=findings.pks(Feedback)).delete()
    return {Feedback._meta.label: deleted}


def purge_leads(lead_ids: list[int]) -> Counts:
    """Blank the metadata; the kind and reward stay as experience to learn from."""
    cleared = (
        Feedback.objects.filter(lead_id__in=lead_ids)
        .exclude(metadata={})
        .update(metadata={})
    )
    return {Feedback._meta.label: cleared}


register(
    Handler(
        app="learning",
        order=30,
        personal={Feedback._meta.label: ["metadata"]},
        find=find,
        erase=erase,
        purge_leads=purge_leads,
    )
)
