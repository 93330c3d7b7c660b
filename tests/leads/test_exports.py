"""Exports of the filtered leads: CSV and JSON, masked for viewers, ten a day,
audited, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from model_bakery import baker

from craigleads.models import AuditEvent
from leads.exports import EXPORTS_PER_DAY
from leads.models import Lead
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def leads() -> None:
    baker.make(
        Lead,
        url="https://sfbay.craigslist.org/sof/d/a/1.html",
        title="Python dev",
        contact_email="jobs@acme-example.com",
        contact_phone="415-555-0134",
    )
    baker.make(
        Lead,
        url="https://sfbay.craigslist.org/sof/d/a/2.html",
        title='=HYPERLINK("http://evil")',
        contact_email="",
    )


def test_operator_exports_csv_with_contacts_and_formulas_defused(
    leads: None, operator: Any
) -> None:
    response = client_for(operator).get("/leads/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert {r["contact_email"] for r in rows} == {"jobs@acme-example.com", ""}
    assert '\'=HYPERLINK("http://evil")' in {r["title"] for r in rows}
    event = AuditEvent.objects.get(action="leads.export")
    assert event.actor == operator and event.data["masked"] is False


def test_viewer_export_is_masked_and_filtered(leads: None, viewer: Any) -> None:
    response = client_for(viewer).get("/leads/export.json?q=Python")
    data = json.loads(body(response))
    assert [row["title"] for row in data] == ["Python dev"]
    assert data[0]["contact_email"] == "j***@acme-example.com"
    assert "555-0134" not in json.dumps(data)


def test_the_eleventh_export_in_a_day_is_refused(leads: None, viewer: Any) -> None:
    client = client_for(viewer)
    for _ in range(EXPORTS_PER_DAY):
        assert client.get("/leads/export.csv").status_code == 200
    refused = client.get("/leads/export.csv")
    assert refused.status_code == 429
    # the first export of the day leaves the 24-hour window in about a day
    assert 23 * 3600 < int(refused["Retry-After"]) <= 24 * 3600
    page = refused.content.decode()
    assert "used your 10 exports" in page and "next one is possible in 23" in page
    assert AuditEvent.objects.filter(action="leads.export").count() == EXPORTS_PER_DAY
    assert client.get("/leads/export.xml").status_code == 404
