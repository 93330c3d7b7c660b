"""`reparse` runs the current parser over stored HTML."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from leads.models import Lead
from scraping.models import ParseFailure

pytestmark = pytest.mark.django_db


def test_reparse_fills_fields_from_stored_html_and_resolves_old_failures(
    pages_dir: Path,
) -> None:
    html = (pages_dir / "posting_lab_sfbay_www_2026.html").read_text()
    url = "https://www.craigslist.org/view/d/livermore-plumbing-warehouse-position/7ou63o3k7pfC5k3xhGnrCu"
    # A lead stored by an older, weaker parser: only the URL and the page.
    Lead.objects.create(url=url, post_id="7964964651", body_html=html, title="")
    ParseFailure.objects.create(
        url="https://milwaukee.craigslist.org/apa/d/x/7936415355.html",
        html=(pages_dir / "posting_apa_milwaukee_2026.html").read_text(),
        errors=["old parser gave up"],
    )
    out = StringIO()
    call_command("reparse", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["leads"] == 1 and counts["failed"] == 0
    lead = Lead.objects.get(post_id="7964964651")
    assert lead.title and lead.job_title == "Warehouseman"
    assert lead.category.code == "lab"
    assert not ParseFailure.objects.filter(resolved=False).exists()
    assert Lead.objects.filter(post_id="7936415355", bedrooms=2).exists()
