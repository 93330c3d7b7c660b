"""Recording parsed postings: dedup classes, gone pages, idempotency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from leads.models import Lead
from leads.services import normalised_text, record_posting, text_similarity

pytestmark = pytest.mark.django_db

BODY = (
    "We are a small studio looking for a Django developer to build a booking "
    "system. You will work with our designer and ship every week. Remote is fine."
)


def posting(post_id: str, *, site: str = "sfbay", **extra: Any) -> dict[str, Any]:
    return {
        "status": "active",
        "post_id": post_id,
        "url": f"https://{site}.craigslist.org/sof/d/django-dev/{post_id}.html",
        "title": "Django developer for booking system",
        "description": BODY,
        "site": site,
        "category": "sof",
        "compensation": "$60/hr",
        "posted_at": "2026-11-20T09:12:00-08:00",
        **extra,
    }


def record(data: dict[str, Any]) -> Any:
    return record_posting(parsed=data, url=data["url"], body_html="<html>…</html>")


def test_first_sighting_is_new_and_a_second_identical_one_changes_nothing() -> None:
    first = record(posting("7900000001"))
    assert first.kind == "new"
    assert first.lead.posted_at == datetime(2026, 11, 20, 17, 12, tzinfo=UTC)
    assert record(posting("7900000001")).kind == "unchanged"
    assert Lead.objects.count() == 1


def test_a_changed_posting_under_the_same_id_is_updated_in_place() -> None:
    record(posting("7900000002"))
    outcome = record(posting("7900000002", description=BODY + " Pay is $70/hr now."))
    assert outcome.kind == "updated"
    lead = Lead.objects.get()
    assert lead.dedup_class == Lead.DedupClass.UPDATED
    assert "$70/hr" in lead.description


def test_same_text_under_a_new_id_on_the_same_site_is_a_repost() -> None:
    original = record(posting("7900000003")).lead
    repost = record(posting("7900000099"))
    assert repost.kind == "repost"
    assert repost.lead.original == original


def test_page_that_names_repost_of_links_to_that_posting() -> None:
    original = record(posting("7900000004")).lead
    other_text = posting("7900000100", title="Totally different", description="Other")
    outcome = record({**other_text, "repost_of": "7900000004"})
    assert outcome.kind == "repost" and outcome.lead.original == original


def test_near_identical_text_in_another_city_is_a_duplicate() -> None:
    original = record(posting("7900000005")).lead
    tweaked = BODY.replace("every week", "every single week")
    outcome = record(posting("7900000200", site="seattle", description=tweaked))
    assert outcome.kind == "duplicate"
    assert outcome.lead.original == original
    title = "Django developer for booking system"
    similarity = text_similarity(
        normalised_text(title, BODY), normalised_text(title, tweaked)
    )
    assert 0.85 <= similarity < 1.0


def test_deleted_page_marks_a_known_lead_gone_and_ignores_an_unknown_one() -> None:
    record(posting("7900000006"))
    gone = record_posting(
        parsed={"status": "deleted", "post_id": "7900000006"},
        url="https://sfbay.craigslist.org/sof/d/django-dev/7900000006.html",
    )
    assert gone.kind == "gone"
    assert Lead.objects.get().status == Lead.Status.DELETED
    unknown = record_posting(
        parsed={"status": "expired", "post_id": "1"},
        url="https://x.craigslist.org/1.html",
    )
    assert unknown == type(unknown)("gone", None)
    assert Lead.objects.count() == 1


def test_scraped_text_is_stored_as_data_and_shown_escaped(operator: Any) -> None:
    from tests.conftest import client_for

    hostile = posting(
        "7900000007", title="<script>alert(1)</script>{{ settings.SECRET_KEY }}"
    )
    lead = record(hostile).lead
    page = client_for(operator).get(f"/leads/{lead.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ settings.SECRET_KEY }}" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_the_same_posting_at_once_store_one_lead() -> None:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        barrier.wait()
        try:
            outcomes.append(record(posting("7900000008")).kind)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Lead.objects.filter(post_id="7900000008").count() == 1
    assert sorted(outcomes) in (["new", "unchanged"], ["new", "updated"])


def test_a_retitled_copy_in_another_city_is_found_through_the_embeddings() -> None:
    original = record(posting("7900000300")).lead
    copy = record(
        posting("7900000301", site="seattle", title="Booking system dev (remote)")
    )
    assert copy.kind == "duplicate" and copy.lead.original == original
