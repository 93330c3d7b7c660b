"""The Craigslist look-alike: data, markup, real pages, faults and the command."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from protego import Protego

from scraping.fixture_site import (
    CATEGORIES,
    SITES,
    FixtureSite,
    Posting,
    default_shared_dir,
    generate_postings,
    search_url,
)

MakeSite = Callable[..., FixtureSite]
CL_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")
REPO = Path(__file__).resolve().parents[2]


def get(url: str, **kwargs: object) -> httpx.Response:
    return httpx.get(url, timeout=5, **kwargs)  # type: ignore[arg-type]


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def first(site: FixtureSite, test: Callable[[Posting], bool]) -> Posting:
    return next(p for p in site.postings if p.status == "active" and test(p))


def cl_init(page: str) -> dict[str, str]:
    block = page.split("window.cl.init(", 1)[1].split("0\n         );", 1)[0]
    return dict(re.findall(r"^'(\w+)': (.+?),?$", block, flags=re.MULTILINE))


# -- data ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_postings_and_another_seed_others() -> None:
    assert generate_postings(7, 120) == generate_postings(7, 120)
    assert generate_postings(7, 120) != generate_postings(8, 120)


def test_the_data_set_spans_sites_categories_reposts_duplicates_and_contacts() -> None:
    postings = generate_postings(1, 400)
    by_pid = {p.pid: p for p in postings}
    assert len(postings) == 400
    assert [p.pid for p in postings] == sorted(p.pid for p in postings)
    assert {p.site for p in postings} == set(SITES)
    assert {p.category for p in postings} == set(CATEGORIES)
    reposts = [p for p in postings if p.repost_of in by_pid]
    assert len(reposts) >= 20
    for repost in reposts:
        original = by_pid[repost.repost_of]  # type: ignore[index]
        assert original.pid < repost.pid
        assert (original.title, original.body_paragraphs) == (
            repost.title,
            repost.body_paragraphs,
        )
    duplicates = [p for p in postings if p.duplicate_of is not None]
    assert len(duplicates) >= 20
    assert all(by_pid[d.duplicate_of].site != d.site for d in duplicates)  # type: ignore[index]
    with_email = [p for p in postings if p.contact_email]
    assert len(with_email) >= 50
    assert all(p.contact_email in " ".join(p.body_paragraphs) for p in with_email)
    assert {"active", "deleted", "expired"} <= {p.status for p in postings}


# -- search pages ----------------------------------------------------------------------


def test_search_pages_paginate_by_25_with_next_links_until_the_last(
    fixture_site: FixtureSite,
) -> None:
    expected = [
        fixture_site.posting_url(p) for p in fixture_site.search_results("sfbay", "jjj")
    ]
    assert len(expected) > 50
    url: str | None = fixture_site.search_url("sfbay", "jjj")
    seen: list[str] = []
    pages = 0
    while url:
        response = get(url)
        assert response.status_code == 200
        page = soup(response)
        cards = page.select("ol.cl-static-search-results > li.cl-static-search-result")
        assert 0 < len(cards) <= 25
        seen += [card.a["href"] for card in cards]
        link = page.select_one('link[rel="next"]')
        button = page.select_one("div.paginator a.button.next")
        assert (link is None) == (button is None)
        url = link["href"] if link else None
        if link:
            assert link["href"] == button["href"]
            assert f"s={len(seen)}" in link["href"]
        pages += 1
    assert seen == expected
    assert pages == -(-len(expected) // 25)


def test_job_cards_show_title_zero_price_and_location(
    fixture_site: FixtureSite,
) -> None:
    page = soup(get(fixture_site.search_url("newyork", "sof")))
    card = page.select_one("li.cl-static-search-result")
    newest = fixture_site.search_results("newyork", "sof")[0]
    assert card["title"] == newest.title
    assert card.select_one("div.title").text == newest.title
    assert card.select_one("div.price").text == "$0"
    assert card.select_one("div.location").text.strip() == newest.hood
    assert page.select_one("li.cl-static-hub-links") is not None
    assert page.select_one("#ld_searchpage_data") is not None
    assert page.select_one("#ld_searchpage_results") is None  # as on real job searches


def test_housing_searches_carry_json_ld_matching_the_cards(
    fixture_site: FixtureSite,
) -> None:
    page = soup(get(fixture_site.search_url("sfbay", "apa")))
    cards = page.select("li.cl-static-search-result")
    items = json.loads(page.select_one("#ld_searchpage_results").string)[
        "itemListElement"
    ]
    assert len(items) == len(cards) > 0
    for card, item in zip(cards, items, strict=True):
        assert item["item"]["name"] == card["title"]
        assert card.select_one("div.price").text.startswith("$")


def test_queries_and_subareas_narrow_the_results(fixture_site: FixtureSite) -> None:
    everything = fixture_site.search_results("sfbay", "sof")
    python = fixture_site.search_results("sfbay", "sof", query="python")
    eastbay = fixture_site.search_results("sfbay", "sof", subarea="eby")
    assert 0 < len(python) < len(everything)
    assert 0 < len(eastbay) < len(everything)
    page = soup(get(fixture_site.search_url("sfbay", "sof", query="python")))
    assert len(page.select("li.cl-static-search-result")) == min(25, len(python))
    page = soup(get(fixture_site.search_url("sfbay", "sof", subarea="eby")))
    assert all(
        "/sfbay/eby/sof/" in a["href"]
        for a in page.select("li.cl-static-search-result a")
    )


def test_search_url_builds_the_documented_scheme() -> None:
    base = "http://127.0.0.1:9"
    assert search_url(base, "sfbay", "sof") == "http://127.0.0.1:9/sfbay/search/sof"
    assert search_url(base, "sfbay", "sof", query="data engineer", offset=50) == (
        "http://127.0.0.1:9/sfbay/search/sof?query=data+engineer&s=50"
    )
    assert search_url(base, "newyork", "apa", subarea="brk") == (
        "http://127.0.0.1:9/newyork/search/brk/apa"
    )


@pytest.mark.parametrize("path", ["/atlantis/search/sof", "/sfbay/search/zzz", "/nope"])
def test_unknown_paths_answer_404(fixture_site: FixtureSite, path: str) -> None:
    response = get(fixture_site.base_url + path)
    assert response.status_code == 404
    assert "Page Not Found" in response.text


# -- posting pages ---------------------------------------------------------------------


def test_a_job_posting_has_the_2026_markup(fixture_site: FixtureSite) -> None:
    posting = first(fixture_site, lambda p: p.section == "jjj" and p.is_remote)
    response = get(fixture_site.posting_url(posting))
    page = soup(response)
    init = cl_init(response.text)
    assert init["pID"] == str(posting.pid)
    assert init["categoryAbbr"] == f'"{posting.category}"'
    assert page.select_one("#titletextonly").text == posting.title
    assert (
        page.select_one("div.attr.remuneration span.valu").text == posting.compensation
    )
    assert page.select_one("div.attr.remuneration span.labl").text == "compensation:"
    kind = page.select_one("div.attr.employment_type span.valu a")
    assert kind.text == posting.employment_type
    assert "employment_type=" in kind["href"]
    assert page.select_one("div.attr.job_title span.valu").text == posting.job_title
    assert page.select_one("div.attr.experience_level span.valu").text == (
        posting.experience_level
    )
    assert page.select_one("div.attr.is_telecommuting span.valu").text.strip() == (
        "telecommuting okay"
    )
    body = page.select_one("section#postingbody").get_text()
    assert posting.body_paragraphs[0] in body
    infos = page.select("div.postinginfos p.postinginfo")
    assert infos[0].text == f"post id: {posting.pid}"
    assert CL_TIME.match(infos[1].time["datetime"])
    reply = page.select_one("button.reply-button")["data-href"]
    assert (
        f"/reply/{SITES[posting.site].area_abbr}/{posting.category}/{posting.pid}"
        in reply
    )
    assert (
        fixture_site.posting_url(posting)
        == page.select_one('link[rel="canonical"]')["href"]
    )


def test_housing_postings_show_price_rooms_map_and_json_ld(
    fixture_site: FixtureSite,
) -> None:
    posting = first(fixture_site, lambda p: p.category == "apa")
    page = soup(get(fixture_site.posting_url(posting)))
    assert (
        page.select_one("span.postingtitletext span.price").text
        == f"${posting.price:,}"
    )
    assert page.select_one("span.housing").text.startswith(f"/ {posting.bedrooms}br - ")
    assert page.select_one("span.attr.important").text.strip() == (
        f"{posting.bedrooms}BR / {posting.bathrooms:g}Ba"
    )
    assert page.select_one("div.attr.rent_period span.valu a").text == "monthly"
    map_div = page.select_one("#map")
    assert float(map_div["data-latitude"]) == pytest.approx(posting.latitude)
    ld = json.loads(page.select_one("#ld_posting_data").string)
    assert ld["@type"] == "Apartment"
    assert ld["numberOfBedrooms"] == str(posting.bedrooms)


def test_reposts_name_the_original_and_contact_lines_show_in_the_body(
    fixture_site: FixtureSite,
) -> None:
    repost = first(fixture_site, lambda p: p.repost_of is not None)
    assert cl_init(get(fixture_site.posting_url(repost)).text)["repost_of"] == str(
        repost.repost_of
    )
    emailer = first(fixture_site, lambda p: p.contact_email is not None)
    assert emailer.contact_email in get(fixture_site.posting_url(emailer)).text


def test_gone_postings_answer_200_with_the_removal_notice(
    fixture_site: FixtureSite,
) -> None:
    for status, words in (
        ("deleted", "deleted by its author"),
        ("expired", "has expired"),
    ):
        posting = next(p for p in fixture_site.postings if p.status == status)
        response = get(fixture_site.posting_url(posting))
        assert response.status_code == 200
        assert words in response.text
        assert "postingbody" not in response.text
    live = first(fixture_site, lambda p: True)
    fixture_site.faults.gone_ids.add(live.pid)
    try:
        assert "deleted by its author" in get(fixture_site.posting_url(live)).text
    finally:
        fixture_site.faults.gone_ids.discard(live.pid)
    assert "deleted by its author" in get(fixture_site.base_url + "/gone/anything").text


# -- robots.txt and real pages ---------------------------------------------------------


def test_robots_txt_follows_craigslist_and_covers_the_site_prefix(
    fixture_site: FixtureSite,
) -> None:
    text = get(fixture_site.base_url + "/robots.txt").text
    for rule in ("/reply", "/fb/", "/suggest", "/flag", "/mf", "/mailflag", "/eaf"):
        assert f"Disallow: {rule}\n" in text
    rules = Protego.parse(text)
    base = fixture_site.base_url
    assert not rules.can_fetch(f"{base}/sfbay/reply/sfo/sof/1", "craigleads")
    assert not rules.can_fetch(f"{base}/sfbay/fb/sfo/sof/1", "craigleads")
    assert rules.can_fetch(fixture_site.search_url("sfbay", "sof"), "craigleads")


@pytest.mark.skipif(default_shared_dir() is None, reason="shared/craigslist not found")
def test_real_pages_are_served_byte_for_byte_and_at_their_canonical_paths(
    fixture_site: FixtureSite,
) -> None:
    folder = default_shared_dir()
    assert folder is not None
    name = "posting_apa_milwaukee_2026.html"
    raw = get(f"{fixture_site.base_url}/real/{name}")
    assert raw.content == (folder / name).read_bytes()
    natural = get(
        fixture_site.base_url
        + "/milwaukee/apa/d/milwaukee-wauwatosa-bdrm-bath-near-mcw/7936415355.html"
    )
    assert natural.status_code == 200
    assert "post id: 7936415355" in natural.text
    assert "https://milwaukee.craigslist.org" not in natural.text
    assert f'href="{fixture_site.base_url}/milwaukee/search/apa?' in natural.text
    share = "/www/view/d/livermore-plumbing-warehouse-position/7ou63o3k7pfC5k3xhGnrCu"
    lab = get(fixture_site.base_url + share)
    assert "7964964651" in lab.text


def test_the_site_works_without_the_shared_pages(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRAIGLEADS_SHARED_DIR", str(tmp_path))
    assert default_shared_dir() is None
    site = make_site()
    assert site.real_pages == {}
    assert get(site.search_url("seattle", "sof")).status_code == 200
    assert (
        get(f"{site.base_url}/real/posting_apa_milwaukee_2026.html").status_code == 404
    )


# -- faults and the log ----------------------------------------------------------------


def test_query_faults_fail_the_first_requests_then_serve_normally(
    fixture_site: FixtureSite,
) -> None:
    url = fixture_site.search_url("phoenix", "sof") + "?fault=429&retry_after=3&k=site"
    refused = get(url)
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "3")
    assert get(url).status_code == 200
    twice = f"{fixture_site.base_url}/x?fault=503&times=2&k=site"
    assert [get(twice).status_code for _ in range(3)] == [503, 503, 404]


def test_scripted_faults_answer_in_order(make_site: MakeSite) -> None:
    site = make_site()
    path = "/sfbay/search/web"
    site.faults.fail_next(path, 500, 502)
    assert [get(site.base_url + path).status_code for _ in range(3)] == [500, 502, 200]


def test_slow_big_blocked_and_redirect_faults(fixture_site: FixtureSite) -> None:
    base = fixture_site.base_url
    started = time.monotonic()
    assert get(f"{base}/sfbay/search/sof?fault=slow&delay=0.3").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert len(get(f"{base}/b?fault=big&size=12345").content) == 12345
    assert len(get(f"{base}/b?fault=big&size=999&cl=0").content) == 999
    blocked = get(f"{base}/sfbay/search/sof?fault=blocked")
    assert blocked.status_code == 403 and "blocked" in blocked.text
    moved = get(f"{base}/r?fault=redirect&to=/sfbay/search/sof&code=301")
    assert (moved.status_code, moved.headers["location"]) == (301, "/sfbay/search/sof")


def test_conditional_requests_get_304(fixture_site: FixtureSite) -> None:
    url = fixture_site.search_url("milwaukee", "apa")
    first_response = get(url)
    again = get(url, headers={"If-None-Match": first_response.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


def test_requests_are_logged_with_arrival_time_and_headers(make_site: MakeSite) -> None:
    site = make_site()
    before = time.monotonic()
    get(site.search_url("sfbay", "lab"), headers={"User-Agent": "probe/1"})
    (record,) = site.requests
    assert (record.path, record.status, record.headers["user-agent"]) == (
        "/sfbay/search/lab",
        200,
        "probe/1",
    )
    assert before <= record.at <= time.monotonic()
    assert site.connection_count == 1
    rows = get(f"{site.base_url}/__fixture__/requests").json()
    assert [row["path"] for row in rows] == ["/sfbay/search/lab"]
    get(f"{site.base_url}/__fixture__/reset")
    assert site.requests == []


# -- the management command ------------------------------------------------------------


@pytest.mark.skipif(not (REPO / "manage.py").exists(), reason="no manage.py yet")
def test_the_fixture_site_command_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "fixture_site", "--port", "0", "--count", "50"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        summary = json.loads(process.stdout.readline())
        assert summary["postings"] == 50
        assert summary["base_url"] == f"http://127.0.0.1:{summary['port']}"
        assert get(summary["base_url"] + "/robots.txt").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0
