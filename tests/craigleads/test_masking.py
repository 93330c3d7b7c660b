"""Contact details in free text: the parser finds addresses and numbers in the
posting's own words, so a viewer must not read them there either (PRIV-1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from model_bakery import baker

from craigleads.masking import mask_contact_details, mask_for_viewer
from leads.models import Lead
from memory import services as memory
from tests.conftest import client_for

EMAIL = "jane.poster@bakery-example.com"
PHONE = "(415) 555-0199"
UK_PHONE = "+44 20 7946 0958"


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        (f"Write to {EMAIL} today", EMAIL),
        (f"call {PHONE} after 5", PHONE),
        ("text 415.555.0199", "415.555.0199"),
        ("or +1 415 555 0199", "415 555 0199"),
        (f"London office {UK_PHONE}", UK_PHONE),
        ("Berlin +49 30 12345678, ask for Jane", "+49 30 12345678"),
    ],
)
def test_addresses_and_numbers_are_hidden_in_free_text(text: str, hidden: str) -> None:
    masked = mask_contact_details(text)
    assert hidden not in masked
    assert "[email]" in masked or "[phone]" in masked


def test_names_are_hidden_as_whole_words_only() -> None:
    text = "Hi Jane, Janet and jane's team. Al is here."
    masked = mask_for_viewer(text, names=["Jane", "Al", ""])
    assert masked == "Hi [name hidden], Janet and [name hidden]'s team. Al is here."


def test_ordinary_numbers_stay_readable() -> None:
    text = "$120,000 - $140,000 a year, 40 hours, zip 94110, est. 2015"
    assert mask_contact_details(text) == text


@pytest.fixture
def lead(db: Any) -> Lead:
    return baker.make(
        Lead,
        url="https://sfbay.craigslist.org/sof/d/z/9.html",
        title=f"Logo designer, call {PHONE}",
        description=f"Jane here. Mail {EMAIL} or call {PHONE}. Ask for Jane.",
        contact_name="Jane",
        contact_email=EMAIL,
        contact_phone=PHONE,
        notices=[f"questions: {EMAIL}"],
        attributes={"contact": f"{PHONE} evenings"},
    )


def _leaks(text: str) -> list[str]:
    return [value for value in (EMAIL, PHONE) if value in text]


def test_viewer_reads_the_posting_without_its_contact_details(
    lead: Lead, viewer: Any, operator: Any
) -> None:
    page = client_for(viewer).get(reverse("leads:detail", args=[lead.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert _leaks(text) == []
    assert "[e-mail hidden]" in text and "[phone hidden]" in text
    assert "Ask for [name hidden]." in text

    listing = client_for(viewer).get(reverse("leads:list")).content.decode()
    assert "Logo designer, call [phone hidden]" in listing and _leaks(listing) == []
    dashboard = client_for(viewer).get(reverse("leads:dashboard")).content.decode()
    assert _leaks(dashboard) == []

    seen = client_for(operator).get(reverse("leads:detail", args=[lead.pk]))
    assert _leaks(seen.content.decode()) == [EMAIL, PHONE]


def test_viewer_api_hides_contact_details_in_text_fields(
    lead: Lead, viewer: Any, operator: Any
) -> None:
    detail = client_for(viewer).get(reverse("api-lead-detail", args=[lead.pk])).json()
    assert _leaks(str(detail)) == []
    assert detail["description"].endswith("Ask for [name hidden].")
    assert detail["notices"] == ["questions: [e-mail hidden]"]
    listed = client_for(viewer).get("/api/v1/leads?limit=5").json()
    assert _leaks(str(listed)) == []
    full = client_for(operator).get(reverse("api-lead-detail", args=[lead.pk])).json()
    assert full["description"] == lead.description


def test_viewer_reads_the_conversation_without_contact_details(
    lead: Lead, viewer: Any, operator: Any
) -> None:
    memory.record_message(
        lead_id=lead.pk,
        direction="in",
        subject="Re: logo",
        body=f"Thanks! I'm Jane, reach me at {EMAIL}.",
    )
    url = reverse("leads:memory", args=[lead.pk])
    shown = client_for(viewer).get(url).content.decode()
    assert _leaks(shown) == [] and "I&#x27;m [name hidden]" in shown
    assert EMAIL in client_for(operator).get(url).content.decode()
