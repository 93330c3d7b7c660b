"""The dashboard's charts come with the same figures as tables."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from model_bakery import baker

from leads.models import Category, Lead
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_dashboard_embeds_chart_data_and_tables(viewer: Any, defaults: None) -> None:
    sof, cpg = Category.objects.get(code="sof"), Category.objects.get(code="cpg")
    for i, (category, grade) in enumerate([(sof, "A"), (sof, "B"), (cpg, "B")]):
        baker.make(
            Lead,
            url=f"https://x.craigslist.org/{i}.html",
            category=category,
            qualification_grade=grade,
        )
    html = client_for(viewer).get("/").content.decode()
    volume = json.loads(
        re.search(r'id="volume-data"[^>]*>(.*?)</script>', html).group(1)
    )
    assert sum(volume["series"]["sof"]) == 2 and sum(volume["series"]["cpg"]) == 1
    grades = json.loads(
        re.search(r'id="grade-data"[^>]*>(.*?)</script>', html).group(1)
    )
    assert grades == {"labels": list("ABCDF"), "series": {"leads": [1, 2, 0, 0, 0]}}
    assert 'data-chart="bar"' in html and "chart-4.6.1.umd.min.js" in html
    assert '<th class="n">sof</th>' in html  # the table behind the chart
