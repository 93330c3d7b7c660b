"""The lead list: search (PostgreSQL full text and the SQLite fallback), filters,
bulk re-qualify with progress, and query budgets that do not grow with the data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from leads import search
from leads.models import Lead
from leads.selectors import list_leads
from qualification import services as qualification
from qualification.models import RescoreRun
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def make_lead(**fields: Any) -> Lead:
    fields.setdefault("url", f"https://sfbay.craigslist.org/x/{Lead.objects.count()}")
    fields.setdefault("posted_at", timezone.now())
    return baker.make(Lead, **fields)


@pytest.fixture
def catalogue() -> dict[str, Lead]:
    return {
        "designer": make_lead(
            title="Logo designer wanted for bakery",
            description="Small bakery needs a new logo and menu design.",
            company="Crumb & Co",
        ),
        "developer": make_lead(
            title="Python developer, remote",
            description="Django work for an agency. Remote friendly.",
            company="Acme Agency",
        ),
        "movers": make_lead(
            title="Movers needed Saturday",
            description="Two strong people to move a piano.",
        ),
    }


def titles(qs: Any) -> set[str]:
    return {lead.title for lead in qs}


def test_parse_reads_words_phrases_and_exclusions() -> None:
    parsed = search.parse('"remote designer" logo -agency  -"full time" "unclosed')
    assert parsed.required == ["remote designer", "logo", "unclosed"]
    assert parsed.excluded == ["agency", "full time"]
    assert not search.parse('  "" - ')


def test_every_word_must_match_somewhere(
    catalogue: dict[str, Lead], admin_user: Any
) -> None:
    found = list_leads(user=admin_user, filters={"q": "bakery logo"})
    assert titles(found) == {catalogue["designer"].title}
    # the company name is searched too
    found = list_leads(user=admin_user, filters={"q": "acme"})
    assert titles(found) == {catalogue["developer"].title}
    assert not list_leads(user=admin_user, filters={"q": "bakery piano"}).exists()


def test_excluded_words_remove_matches(
    catalogue: dict[str, Lead], admin_user: Any
) -> None:
    found = list_leads(user=admin_user, filters={"q": "remote -agency"})
    assert catalogue["developer"].title not in titles(found)


def test_search_survives_hostile_text(
    catalogue: dict[str, Lead], admin_user: Any
) -> None:
    for text in ['"', "-", "%", "_", "' OR 1=1 --", "&|!:*()", "a" * 200, "\\"]:
        list(list_leads(user=admin_user, filters={"q": text}))  # must not raise


@pytest.mark.postgres
def test_postgres_search_matches_word_forms_and_ranks_title_words_first(
    admin_user: Any,
) -> None:
    text_only = make_lead(title="Help wanted", description="We need designers soon.")
    in_title = make_lead(title="Designer for a small shop", description="Short job.")
    found = list(
        list_leads(user=admin_user, filters={"q": "designer"}, sort="relevance")
    )
    # "designers" in the text matches "designer" by its stem
    assert [lead.pk for lead in found] == [in_title.pk, text_only.pk]


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(admin_user: Any) -> None:
    for i in range(50):
        make_lead(title=f"Gardener job {i}", description="lawn and hedges")
    qs = list_leads(user=admin_user, filters={"q": "gardener"})
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
    assert search.SEARCH_INDEX_NAME in plan, plan


@pytest.mark.postgres
def test_postgres_search_document_follows_edits_and_works_in_a_subquery(
    admin_user: Any,
) -> None:
    lead = make_lead(title="Dog walker", description="Two dogs, mornings")
    assert not list_leads(user=admin_user, filters={"q": "gardener"}).exists()
    Lead.objects.filter(pk=lead.pk).update(title="Gardener wanted")
    found = list_leads(user=admin_user, filters={"q": "gardener"})
    assert [x.pk for x in found] == [lead.pk]
    # as a subquery the leads table gets another alias; the document follows it
    outer = Lead.objects.filter(pk__in=found.values("pk")).exclude(title="")
    assert [x.pk for x in outer] == [lead.pk]
    ranked = list_leads(
        user=admin_user, filters={"q": '"gardener wanted"'}, sort="relevance"
    )
    assert [x.pk for x in ranked] == [lead.pk]


def test_list_page_filters_by_score_remote_and_age(admin_user: Any) -> None:
    now = timezone.now()
    make_lead(
        title="old remote",
        is_remote=True,
        qualification_score=0.9,
        posted_at=now - timedelta(days=40),
    )
    make_lead(
        title="new remote", is_remote=True, qualification_score=0.9, posted_at=now
    )
    make_lead(
        title="new onsite", is_remote=False, qualification_score=0.9, posted_at=now
    )
    make_lead(title="new weak", is_remote=True, qualification_score=0.2, posted_at=now)
    client = client_for(admin_user)
    response = client.get(
        reverse("leads:list"),
        {"remote": "true", "min_score": "0.5", "posted_within_days": "7"},
    )
    page = response.content.decode()
    assert "new remote" in page
    assert "old remote" not in page and "new onsite" not in page
    assert "new weak" not in page
    # the chosen filters are shown back to the operator
    assert 'value="0.5"' in page and '<option value="true" selected>' in page


def test_bad_filter_values_are_named_not_ignored_silently(admin_user: Any) -> None:
    response = client_for(admin_user).get(
        reverse("leads:list"), {"min_score": "7", "posted_within_days": "-3"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Score at least: Ensure this value is less than or equal to 1." in page
    assert "Posted within (days): Ensure this value is greater than" in page


@pytest.fixture
def scored_leads(defaults: None) -> list[Lead]:
    leads = [
        make_lead(title=f"Graphic designer {i}", description="Logo work, $40/hour.")
        for i in range(3)
    ]
    Lead.objects.update(qualification_score=None, qualification_grade="")
    return leads


def test_bulk_requalify_scores_the_chosen_leads_with_progress(
    scored_leads: list[Lead], operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    chosen, untouched = scored_leads[:2], scored_leads[2]
    client = client_for(operator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("leads:bulk"),
            {"action": "requalify", "lead_ids": [lead.pk for lead in chosen]},
        )
    assert response.status_code == 302
    run = RescoreRun.objects.get()
    assert run.lead_ids == sorted(lead.pk for lead in chosen) and run.total == 2
    # the list shows the run's progress bar, which polls until done
    page = client.get(reverse("leads:list")).content.decode()
    assert reverse("qualification:rescore", args=[run.pk]) in page
    progress = client.get(reverse("qualification:rescore", args=[run.pk]))
    assert "Re-qualifying 2 selected leads" in progress.content.decode()

    while qualification.run_rescore_chunk(run_id=run.pk, chunk=1):
        pass
    run.refresh_from_db()
    assert run.status == RescoreRun.Status.DONE and run.done == 2
    for lead in chosen:
        lead.refresh_from_db()
        assert lead.qualification_grade and lead.qualification_score is not None
    untouched.refresh_from_db()
    assert untouched.qualification_grade == ""
    done = client.get(reverse("qualification:rescore", args=[run.pk])).content.decode()
    assert "100%" in done and "hx-get" not in done
    # polled by htmx, the finished bar tells the lead table to redraw itself
    polled = client.get(
        reverse("qualification:rescore", args=[run.pk]), headers={"HX-Request": "true"}
    )
    assert polled["HX-Trigger"] == "lead-qualified"


def test_viewers_cannot_bulk_requalify(scored_leads: list[Lead], viewer: Any) -> None:
    response = client_for(viewer).post(
        reverse("leads:bulk"),
        {"action": "requalify", "lead_ids": [scored_leads[0].pk]},
    )
    assert response.status_code == 403
    assert not RescoreRun.objects.exists()


# --- query budgets ---------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 60])
def test_lead_list_query_count_does_not_grow_with_rows(
    rows: int, admin_user: Any, django_assert_max_num_queries: Any, defaults: None
) -> None:
    site = baker.make("leads.Site", code="budget", name="Budget")
    for i in range(rows):
        make_lead(title=f"Lead {i}", site=site, qualification_grade="B")
    client = client_for(admin_user)
    url = reverse("leads:list")
    client.get(url, {"q": "lead", "sort": "score"})  # remembered filters settle
    with django_assert_max_num_queries(10):
        response = client.get(url, {"q": "lead", "sort": "score", "page": "1"})
    assert response.status_code == 200
    assert response.content.decode().count('name="lead_ids"') == min(rows, 50)


@pytest.mark.parametrize("copies", [0, 15])
def test_lead_page_query_count_does_not_grow_with_reposts(
    copies: int, admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    lead = make_lead(title="The original")
    for i in range(copies):
        make_lead(title=f"Copy {i}", original=lead, dedup_class="repost")
    client = client_for(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 200


def test_a_huge_list_is_counted_only_up_to_a_cap(
    admin_user: Any, monkeypatch: Any
) -> None:
    from leads import views

    monkeypatch.setattr(views, "COUNT_UP_TO", 5)
    for i in range(7):
        make_lead(title=f"Lead {i}")
    page = client_for(admin_user).get(reverse("leads:list")).content.decode()
    assert "More than 5 leads" in page
    for i in range(7):  # every lead is still listed
        assert f">Lead {i}<" in page
    narrow = client_for(admin_user).get(reverse("leads:list"), {"q": "Lead 3"})
    assert "1 lead" in narrow.content.decode()


def test_bulk_archive_hides_leads_and_the_archived_filter_brings_them_back(
    catalogue: dict[str, Lead], operator: Any
) -> None:
    client = client_for(operator)
    designer = catalogue["designer"]
    response = client.post(
        reverse("leads:bulk"), {"action": "archive", "lead_ids": [designer.pk]}
    )
    assert response.status_code == 302
    listed = client.get(reverse("leads:list"), {"reset": "1"}).content.decode()
    assert designer.title not in listed and "2 leads" in listed

    only = client.get(reverse("leads:list"), {"archived": "only"}).content.decode()
    assert designer.title in only and "1 lead" in only and ">archived<" in only
    everything = client.get(reverse("leads:list"), {"archived": "include"})
    assert "3 leads" in everything.content.decode()

    client.post(reverse("leads:bulk"), {"action": "restore", "lead_ids": [designer.pk]})
    designer.refresh_from_db()
    assert designer.archived is False
    listed = client.get(reverse("leads:list"), {"reset": "1"}).content.decode()
    assert designer.title in listed


def test_bulk_do_not_contact_marks_only_the_chosen_leads(
    catalogue: dict[str, Lead], operator: Any, viewer: Any
) -> None:
    chosen = catalogue["movers"]
    refused = client_for(viewer).post(
        reverse("leads:bulk"), {"action": "dnc", "lead_ids": [chosen.pk]}
    )
    assert refused.status_code == 403
    client_for(operator).post(
        reverse("leads:bulk"), {"action": "dnc", "lead_ids": [chosen.pk]}
    )
    marked = set(Lead.objects.filter(do_not_contact=True).values_list("pk", flat=True))
    assert marked == {chosen.pk}
