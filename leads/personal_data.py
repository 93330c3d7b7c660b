"""Personal data in leads: the poster's contact details and everything the posting
said (page, text, JSON-LD). Registered with craigleads.personal_data.

Erasure deletes the subject's leads (their dependants in other apps go first or
cascade); retention clears the personal fields and keeps title, category, score
and grade for statistics.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from craigleads.personal_data import (
    Counts,
    Findings,
    Handler,
    mentioning,
    register,
    usable_email,
    usable_phone,
)

from .models import Lead

# What a lead says about the person who posted it.
PERSONAL = [
    "contact_name",
    "contact_email",
    "contact_phone",
    "title",
    "description",
    "map_address",
    "attributes",
    "json_ld",
    "body_html",
]
# Searched for the subject's address or number.
SEARCHED = [
    "contact_email",
    "contact_phone",
    "title",
    "description",
    "map_address",
    "attributes",
    "json_ld",
    "body_html",
]
# Cleared by retention; title, company, place, pay and scores stay.
PURGED = {
    "contact_name": "",
    "contact_email": "",
    "contact_phone": "",
    "description": "",
    "map_address": "",
    "json_ld": [],
    "body_html": "",
}


def _with_personal_data() -> Q:
    query = Q()
    for name, empty in PURGED.items():
        query |= ~Q(**{name: empty})
    return query


def _matching(findings: Findings) -> set[int]:
    return set(mentioning(Lead.objects.all(), SEARCHED, findings))


def find(findings: Findings) -> None:
    """The subject's leads, then the leads sharing a contact detail of those (the
    same person's other postings). Two rounds, no more: a detail shared widely
    (a company switchboard) must not spread the erasure further."""
    lead_ids = _matching(findings)
    leads = Lead.objects.filter(pk__in=lead_ids).only("contact_email", "contact_phone")
    before = (set(findings.emails), set(findings.phones))
    for lead in leads:
        if email := usable_email(lead.contact_email):
            findings.emails.add(email)
        if phone := usable_phone(lead.contact_phone):
            findings.phones.add(phone)
    if (findings.emails, findings.phones) != before:
        lead_ids |= _matching(findings)
    findings.lead_ids.update(lead_ids)
    for url, post_id in Lead.objects.filter(pk__in=lead_ids).values_list(
        "url", "post_id"
    ):
        findings.urls.add(url)
        if post_id:
            findings.post_ids.add(post_id)
    findings.add_rows(Lead, lead_ids)


def erase(findings: Findings) -> Counts:
    """Delete the subject's leads; reposts that pointed at them keep their own
    data and lose the link."""
    _, per_model = Lead.objects.filter(pk__in=findings.pks(Lead)).delete()
    return {label: count for label, count in per_model.items() if count}


def expired(before: datetime, limit: int) -> list[int]:
    """Leads first stored and last seen before `before` that still hold personal
    data, oldest id first."""
    return list(
        Lead.objects.filter(scraped_at__lt=before, created_at__lt=before)
        .filter(_with_personal_data())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def purge_leads(lead_ids: list[int]) -> Counts:
    """Clear the personal fields. `updated_at` is left alone on purpose: the
    qualification app's stored features stay valid, so a later re-score of an
    old lead does not read the emptied text."""
    cleared = (
        Lead.objects.filter(pk__in=lead_ids)
        .filter(_with_personal_data())
        .update(**PURGED)
    )
    return {Lead._meta.label: cleared}


register(
    Handler(
        app="leads",
        order=10,
        personal={Lead._meta.label: PERSONAL},
        not_personal={
            Lead._meta.label: {
                "do_not_contact": "a flag saying not to contact, no contact detail"
            }
        },
        find=find,
        erase=erase,
        expired=expired,
        purge_leads=purge_leads,
    )
)
