"""Memory: embeddings and similar leads, the lead's story and conversation,
operator context, and consolidation with decay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from leads.services import record_posting
from memory import embeddings, services
from memory.models import MemoryStore
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
AD = (
    "Small studio seeks a Django developer to build a booking system with our "
    "designer. Remote friendly, ship every week, pay $60/hr."
)


def post(pid: str, site: str, title: str, body: str) -> int:
    outcome = record_posting(
        parsed={
            "status": "active",
            "post_id": pid,
            "site": site,
            "category": "sof",
            "title": title,
            "description": body,
        },
        url=f"https://{site}.craigslist.org/sof/d/x/{pid}.html",
    )
    return outcome.lead.pk


def test_embeddings_are_deterministic_unit_vectors_that_rank_near_copies_first() -> (
    None
):
    a = embeddings.embed(AD)
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert np.array_equal(a, embeddings.embed(AD))
    near = embeddings.embed(AD.replace("every week", "every single week"))
    far = embeddings.embed("Warehouse associate, forklift certificate, night shift.")
    assert float(a @ near) > 0.85 > 0.3 > float(a @ far)
    code = (
        "from memory.embeddings import embed; print(embed('hello world')[:4].tolist())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert other == str(embeddings.embed("hello world")[:4].tolist())


def test_similar_leads_finds_the_same_ad_in_another_city(defaults: None) -> None:
    first = post("7900000001", "sfbay", "Django developer", AD)
    copy = post("7900000002", "seattle", "Django developer", AD.replace("$60", "$65"))
    post(
        "7900000003", "sfbay", "Forklift driver", "Warehouse work, nights, lift 50 lbs."
    )
    found = services.similar_leads(lead_id=first)
    assert [pk for pk, _ in found] == [copy]


def test_a_lead_keeps_its_story_and_its_conversation(
    defaults: None, operator: Any
) -> None:
    from qualification.services import qualify_lead
    from responses import sending
    from responses import services as replies

    lead_id = post(
        "7900000010",
        "sfbay",
        "Senior Python Developer",
        "Python and FastAPI, remote. $130,000 - $150,000. hire@acme-example.com",
    )
    qualify_lead(lead_id=lead_id)
    draft = replies.generate_draft(lead_id=lead_id)
    replies.approve(draft_id=draft.pk, actor=operator)
    sending.mark_sent(draft_id=draft.pk, actor=operator)
    steps = [s["step"] for s in services.episode(lead_id=lead_id)]
    assert steps[:2] == ["scraped", "qualified"]
    assert steps[-3:] == ["pending_review", "approved", "sent"]
    (message,) = services.thread(lead_id=lead_id)
    assert (
        message.content["direction"] == "out"
        and message.content["subject"] == draft.subject
    )
    assert MemoryStore.objects.filter(
        memory_type="short_term", session_id=f"user:{operator.pk}"
    ).exists()
    page = client_for(operator).get(f"/leads/{lead_id}/memory/").content.decode()
    assert "Qualified" in page and draft.subject in page


def test_the_lead_list_restores_an_operators_filters(
    defaults: None, viewer: Any
) -> None:
    client = client_for(viewer)
    client.get("/leads/?category=sof&grade=A")
    page = client.get("/leads/")
    assert page.context["form"].data.get("grade") == "A"
    client.get("/leads/?reset=1")
    assert not client.get("/leads/").context["form"].data.get("grade")


def test_consolidation_promotes_learns_patterns_decays_and_forgets(
    defaults: None,
) -> None:
    services.record_decision(
        user_id=1, decision="approved", about="lead:1", importance=0.8
    )
    services.record_decision(
        user_id=1, decision="rejected", about="lead:2", importance=0.5
    )
    faint = services.remember(
        session_id="user:1", kind="short_term", content={}, importance=0.04
    )
    services.record_episode(lead_id=9, step="scraped", detail={"category": "sof"})
    services.record_episode(lead_id=9, step="interview")
    result = services.consolidate()
    assert result == {"promoted": 1, "patterns": 1, "forgotten": 1}
    assert MemoryStore.objects.filter(memory_type="long_term", key="lead:1").exists()
    pattern = MemoryStore.objects.get(memory_type="long_term", key="pattern:sof")
    assert pattern.content["successes"] == 1
    kept = MemoryStore.objects.get(memory_type="short_term", key="lead:2")
    assert kept.importance == pytest.approx(0.5 * 0.95)
    assert not MemoryStore.objects.filter(pk=faint.pk).exists()
    assert services.consolidate()["patterns"] == 0  # an episode counts once


def test_api_returns_similar_leads_and_searches_by_text(
    defaults: None, viewer: Any
) -> None:
    first = post("7900000020", "sfbay", "Django developer", AD)
    copy = post("7900000021", "seattle", "Django developer", AD.replace("$60", "$62"))
    client = client_for(viewer)
    similar = client.get(f"/api/v1/leads/{first}/similar?k=3").json()
    assert similar[0]["lead_id"] == copy and similar[0]["score"] > 0.8
    found = client.get("/api/v1/memory/search?q=booking system django developer").json()
    assert {row["lead_id"] for row in found} >= {first, copy}
    assert client.get("/api/v1/memory/search").status_code == 400
    assert client.get(f"/api/v1/leads/{first}/similar?k=500").status_code == 400


def test_replies_join_the_thread_and_successes_build_company_profiles(
    defaults: None, operator: Any
) -> None:
    from qualification.services import qualify_lead
    from responses import sending
    from responses import services as replies

    record_posting(
        parsed={
            "status": "active",
            "post_id": "7900000030",
            "site": "sfbay",
            "category": "sof",
            "title": "Senior Python Developer",
            "company": "Acme",
            "description": "Python and FastAPI, remote. $130,000 - $150,000.",
        },
        url="https://sfbay.craigslist.org/sof/d/x/7900000030.html",
    )
    from leads.models import Lead

    lead_id = Lead.objects.get(post_id="7900000030").pk
    qualify_lead(lead_id=lead_id)
    draft = replies.generate_draft(lead_id=lead_id)
    replies.approve(draft_id=draft.pk, actor=operator)
    sending.mark_sent(draft_id=draft.pk, actor=operator)
    replies.record_outcome(
        draft_id=draft.pk,
        outcome="reply",
        actor=operator,
        note="Thanks! Can you talk Tuesday?",
    )
    directions = [m.content["direction"] for m in services.thread(lead_id=lead_id)]
    assert directions == ["out", "in"]
    replies.record_outcome(draft_id=draft.pk, outcome="interview", actor=operator)
    services.consolidate()
    assert services.company_profile(company="Acme")["successes"] == 1
