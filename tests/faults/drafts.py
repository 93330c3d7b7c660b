"""Approved drafts for the sending fault tests."""

from __future__ import annotations

from typing import Any

from model_bakery import baker

from leads.models import Category, Lead, Site
from qualification import services as qualification
from responses import services
from responses.models import Draft


def approved_draft(n: int, operator: Any) -> Draft:
    """A qualified lead's draft, approved by the operator: its send task is
    published to the broker when the approval commits."""
    lead = baker.make(
        Lead,
        url=f"https://sfbay.craigslist.org/sof/d/x/{7_990_000_000 + n}.html",
        post_id=str(7_990_000_000 + n),
        title="Senior Python Developer",
        description="We build APIs in Python with FastAPI. Fully remote team.",
        compensation="$120,000 - $140,000",
        is_remote=True,
        company=f"Acme {n}",
        contact_email=f"hiring{n}@acme-example.com",
        site=Site.objects.get(code="sfbay"),
        category=Category.objects.get(code="sof"),
    )
    qualification.qualify_lead(lead_id=lead.pk)
    draft = services.generate_draft(lead_id=lead.pk)
    assert draft is not None, "the lead should have qualified for a draft"
    return services.approve(draft_id=draft.pk, actor=operator)
