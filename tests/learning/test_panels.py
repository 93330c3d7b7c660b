"""The dashboard's learning panel: agreement with the team block by block, and
by version, from real feedback and replays."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from model_bakery import baker

from leads.models import Category, Lead, Site
from learning import services
from learning.agent import PURSUE
from learning.models import Feedback
from qualification import services as qualification
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def make_lead(n: int, **extra: Any) -> Lead:
    fields = {
        "url": f"https://sfbay.craigslist.org/sof/d/x/{n}.html",
        "title": "Senior Python Developer",
        "description": "Python and FastAPI, fully remote.",
        "compensation": "$130,000 - $150,000",
        "is_remote": True,
        "site": Site.objects.get(code="sfbay"),
        "category": Category.objects.get(code="sof"),
        **extra,
    }
    lead = baker.make(Lead, **fields)
    qualification.qualify_lead(lead_id=lead.pk)
    return lead


def curve_table(html: str) -> list[tuple[str, str]]:
    table = html.split('<table class="data learning-curve">', 1)[1].split("</table>")[0]
    return re.findall(r'<tr><td>(.*?)</td><td class="n">(.*?)</td></tr>', table)


def test_the_learning_curve_shows_agreement_per_block_of_decisions(
    defaults: None, viewer: Any
) -> None:
    good = make_lead(1)
    bad = make_lead(2, title="Unpaid intern", compensation="", is_remote=False)
    for i in range(30):
        services.record_feedback(
            lead_id=(good if i % 2 else bad).pk,
            kind="approved" if i % 2 else "rejected",
        )
    # What the advice was at each decision, and what the team did: the panel
    # must agree with this count, made independently of services.metrics().
    hits = [
        (advice in PURSUE) == (kind == "approved")
        for advice, kind in Feedback.objects.order_by("id").values_list(
            "advice", "kind"
        )
    ]
    expected = [
        ("1-20", f"{round(100 * sum(hits[:20]) / 20, 1)}%"),
        ("21 on", f"{round(100 * sum(hits[20:]) / 10, 1)}%"),
    ]
    # The advisor learns: the second block agrees more than the first.
    assert sum(hits[20:]) / 10 > sum(hits[:20]) / 20

    html = client_for(viewer).get("/").content.decode()

    assert curve_table(html) == expected
    chart = json.loads(re.search(r'id="learning-data"[^>]*>(.*?)</script>', html)[1])
    assert chart["labels"] == ["1-20", "21 on"]
    assert [f"{v}%" for v in chart["series"]["agreement %"]] == [e[1] for e in expected]


def test_each_version_is_listed_with_the_agreement_it_had(
    defaults: None, viewer: Any
) -> None:
    lead = make_lead(1)
    for _ in range(4):
        services.record_feedback(lead_id=lead.pk, kind="rejected")
    version = services.replay(seed=1)
    html = client_for(viewer).get("/").content.decode()
    versions = html.split('<table class="data versions">', 1)[1].split("</table>")[0]
    row = re.search(
        r'<tr><td>1</td><td[^>]*>.*?</td><td class="n">(.*?)</td>', versions
    )
    assert row[1] == f"{round(100 * version.agreement)}%"
    assert "replay of 4 experiences" in versions


def test_a_long_history_shows_only_the_latest_blocks(viewer: Any) -> None:
    lead = baker.make(Lead, url="https://x.craigslist.org/1.html")
    # 490 decisions: 24 full blocks and a last one of 10 (the first block drops
    # out), all advised "skip" on approved leads, so every block disagrees.
    baker.make(
        Feedback,
        lead=lead,
        kind="approved",
        advice="skip",
        reward=1.0,
        state_key="s",
        _quantity=490,
        _bulk_create=True,
    )
    html = client_for(viewer).get("/").content.decode()
    rows = curve_table(html)
    assert len(rows) == 24
    assert rows[0] == ("21-40", "0.0%") and rows[-1] == ("481 on", "0.0%")
    assert "Only the latest 24 blocks of 20 decisions are shown." in html


def test_before_any_decision_the_panel_says_how_learning_starts(
    viewer: Any,
) -> None:
    html = client_for(viewer).get("/").content.decode()
    assert 'id="panel-learning"' in html
    assert "No decisions yet: approve or reject drafts" in html
    assert "No version yet" in html
