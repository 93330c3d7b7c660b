"""parse_search on the saved search pages, the 2017 JSON search and the RSS feed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scraping.parsing import ParsedSearch, parse_search

Parse = Callable[[str], ParsedSearch]


@pytest.fixture(scope="module")
def parsed(page: Callable[[str], bytes]) -> Parse:
    cache: dict[str, ParsedSearch] = {}

    def _parse(name: str) -> ParsedSearch:
        if name not in cache:
            cache[name] = parse_search(page(name))
        return cache[name]

    return _parse


# --------------------------------------------------------------------- gen C (2019)


def test_gen_c_sfbay_search_keeps_only_the_75_local_rows(parsed: Parse) -> None:
    result = parsed("search_sof_sfbay_2019.html")
    assert result.status == "ok"
    assert len(result.results) == 75
    assert result.total == 75
    # The first row under "Few local results found. Here are some from nearby areas."
    assert "7033023079" not in {row.post_id for row in result.results}
    assert all("/pen/sof/" in (row.url or "") for row in result.results)
    assert result.next_page is None  # the "next" button has an empty href


def test_gen_c_sfbay_rows_read_id_title_hood_time_and_repost(parsed: Parse) -> None:
    rows = parsed("search_sof_sfbay_2019.html").results
    first = rows[0]
    assert first.post_id == "7033007594"
    assert first.url == (
        "https://sfbay.craigslist.org/pen/sof/d/redwood-city-senior-software-engineer/"
        "7033007594.html"
    )
    # The mojibake is in the saved file itself.
    assert first.title == "Senior Software Engineer â Query Optimizer"
    assert first.hood == "redwood city"
    assert first.posted_at == "2019-12-05T14:34:28"
    assert first.price is None
    assert first.category == "sof"
    last = rows[-1]
    assert (last.post_id, last.repost_of) == ("7014005819", "6590770421")


def test_gen_c_vancouver_rows_read_price_housing_and_image_ids(parsed: Parse) -> None:
    result = parsed("search_apa_vancouver_2021.html")
    assert len(result.results) == 5
    assert result.total == 5
    first = result.results[0]
    assert first.post_id == "7389436000"
    assert (
        first.title
        == "Metrotown 1 Bed 1 Bath Condo w/ Huge 120sf Sundeck @ Maywood Park"
    )
    assert first.price == 1790
    assert (first.bedrooms, first.sqft) == (1, 615)
    assert first.hood == "Vancouver burnaby/newwest"
    assert first.posted_at == "2021-10-09T09:30:06"
    assert len(first.image_ids) == 22
    assert first.image_ids[0] == "00x0x_3mIKySsYo6fz_0gw0b1"
    assert result.results[1].repost_of == "6753207003"


# ------------------------------------------------------------------ gen D/E cl-static


def test_gen_d_fragment_lists_cards_but_not_the_hub_links_item(parsed: Parse) -> None:
    result = parsed("search_apa_vancouver_2023_clstatic_fragment.html")
    assert len(result.results) == 37
    first = result.results[0]
    assert (first.post_id, first.title, first.price, first.hood) == (
        "7681853215",
        "1 bedroom attic suite.",
        1800,
        "Vancouver",
    )
    assert result.results[6].hood == "Main & 29th"


def test_gen_d_jobs_cards_show_no_price_for_dollar_zero(parsed: Parse) -> None:
    result = parsed("search_sof_phoenix_2025.html")
    assert [row.post_id for row in result.results] == ["7896115661", "7894083922"]
    assert [row.price for row in result.results] == [None, None]
    assert [row.hood for row in result.results] == ["Chandler, AZ", "central/south phx"]
    assert result.results[1].title == "Launch Your Software Development Career 🧑‍💻"
    assert result.next_page is None


def test_gen_d_milwaukee_has_37_cards_with_json_ld_merged(parsed: Parse) -> None:
    result = parsed("search_apa_milwaukee_2026.html")
    assert len(result.results) == 37
    assert result.errors == []
    first = result.results[0]
    assert first.post_id == "7936415355"
    assert (first.price, first.hood) == (1325, "Wauwatosa")
    assert (first.latitude, first.longitude) == (43.0492206041374, -88.0574967824073)
    assert (first.bedrooms, first.bathrooms) == (2, 1)
    assert all(row.latitude is not None for row in result.results)


def test_gen_d_repeated_titles_get_their_own_json_ld_items(parsed: Parse) -> None:
    rows = parsed("search_apa_milwaukee_2026.html").results
    harwood = [row for row in rows if row.title == "Harwood Avenue Apartments"]
    assert len(harwood) == 3
    assert len({(row.latitude, row.longitude, row.url) for row in harwood}) == 3


def test_gen_e_manhattan_share_urls_have_no_post_id(parsed: Parse) -> None:
    result = parsed("search_apa_manhattan_www_2026.html")
    assert len(result.results) == 153
    assert all(row.post_id is None for row in result.results)
    assert all(
        (row.url or "").startswith("https://www.craigslist.org/view/d/")
        for row in result.results
    )
    assert not any("hub=" in (row.url or "") for row in result.results)
    first = result.results[0]
    assert first.url == (
        "https://www.craigslist.org/view/d/new-york-real-beautysee-515pm3rd-st2nd/"
        "mfYChGx8GdfQTDbasSzkQq"
    )
    assert (first.price, first.hood, first.category) == (3499, "East Village", "apa")
    assert (first.latitude, first.bedrooms) == (40.7255833906158, 1)
    assert result.errors == []
    assert result.next_page is None


# ------------------------------------------------------------------- gen A (≤2013)


def test_gen_a_2010_index_reads_bare_paragraph_rows_and_next_page(
    parsed: Parse,
) -> None:
    result = parsed("search_sof_newyork_2010.html")
    assert len(result.results) == 100
    assert result.next_page == "http://newyork.craigslist.org/sof/index100.html"
    first = result.results[0]
    assert (first.post_id, first.title, first.hood) == (
        "1950616953",
        "Software Engineer (Hadoop)",
        "SoHo",
    )
    by_id = {row.post_id: row for row in result.results}
    assert by_id["1948130608"].hood is None
    assert by_id["1947415561"].title == "Computer,IT Service & Support Engineers needed"
    assert (
        by_id["1947275383"].title
        == "Lead Front End Engineer (we don\u2019t support IE 6!)"
    )


def test_gen_a_2012_rows_read_summary_coordinates_and_category(parsed: Parse) -> None:
    result = parsed("search_rea_miami_2012.html")
    assert len(result.results) == 100
    assert result.next_page == "http://miami.craigslist.org/mdc/rea/index100.html"
    first = result.results[0]
    assert (first.post_id, first.price, first.bedrooms, first.sqft) == (
        "3478403162",
        249000,
        3,
        2345,
    )
    assert (first.hood, first.category, first.latitude) == ("Miami", "reb", None)
    assert result.results[1].image_ids == ["3E53G73Kf5L65K75Mfccn9301c0e6bb411cd8"]
    located = [row for row in result.results if row.latitude is not None]
    assert (located[0].latitude, located[0].longitude) == (21.281436, -157.825457)
    assert {row.category for row in result.results} >= {"reb", "reo"}


# ------------------------------------------------------------------------ JSON, RSS


def test_jsonsearch_2017_items_become_results(parsed: Parse) -> None:
    result = parsed("jsonsearch_apa_washingtondc_2017.json")
    assert result.source == "jsonsearch"
    assert len(result.results) == 80
    first = result.results[0]
    assert first.post_id == "6130853345"
    assert first.url == "https://washingtondc.craigslist.org/doc/apa/6130853345.html"
    assert first.title == "Penn Quarter One Bedroom Apartment Living in the heart of DC"
    assert (first.price, first.bedrooms) == (2861, 1)
    assert (first.latitude, first.longitude) == (38.893005, -77.019679)
    assert first.posted_at == "2017-05-14T02:58:22+00:00"
    assert len(first.image_ids) == 23
    assert first.image_ids[-1] == "00C0C_iB6gfBe1YAd"


def test_rss_rdf_feed_items_become_results(parsed: Parse) -> None:
    result = parsed("rss_ccc_sfbay_2011.xml")
    assert result.source == "rss"
    assert [row.post_id for row in result.results] == ["2681301534", "2685010755"]
    ride = result.results[1]
    assert ride.title == "Ride Offered - Oakland/BART to LA/SFV - TODAY 3PM 11/04"
    assert ride.hood == "oakland north / temescal"
    assert ride.url == "http://sfbay.craigslist.org/eby/rid/2685010755.html"
    assert ride.posted_at == "2011-11-04T09:34:54-07:00"
    assert result.results[0].title == "Music Equipment Repair and Consignment"


# ------------------------------------------------------------------ synthetic pages


def _cards(*titles_urls: tuple[str, str]) -> str:
    cards = "".join(
        f'<li class="cl-static-search-result" title="{title}"><a href="{url}">'
        f'<div class="title">{title}</div><div class="details">'
        f'<div class="price">$1,000</div></div></a></li>'
        for title, url in titles_urls
    )
    return (
        '<html><body><ol class="cl-static-search-results">'
        '<li class="cl-static-hub-links"><div>see also</div></li>'
        f"{cards}</ol>{{ld}}</body></html>"
    )


def _ld(items: list[dict[str, object]]) -> str:
    payload = {
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": str(i), "item": item}
            for i, item in enumerate(items)
        ],
    }
    return (
        '<script type="application/ld+json" id="ld_searchpage_results">'
        f"{json.dumps(payload)}</script>"
    )


def test_json_ld_items_with_urls_are_matched_by_url_not_position() -> None:
    base = "https://x.craigslist.org/apa/d/"
    html = _cards(("A", f"{base}a/7000000001.html"), ("B", f"{base}b/7000000002.html"))
    items = [
        {
            "url": f"{base}b/7000000002.html",
            "name": "B",
            "latitude": 2.5,
            "longitude": 2.5,
        },
        {
            "url": f"{base}a/7000000001.html",
            "name": "A",
            "latitude": 1.5,
            "longitude": 1.5,
        },
    ]
    result = parse_search(html.replace("{ld}", _ld(items)))
    assert [(row.title, row.latitude) for row in result.results] == [
        ("A", 1.5),
        ("B", 2.5),
    ]


def test_json_ld_missing_an_item_does_not_shift_the_others() -> None:
    base = "https://x.craigslist.org/apa/d/"
    html = _cards(
        ("A", f"{base}a/7000000001.html"),
        ("B", f"{base}b/7000000002.html"),
        ("C", f"{base}c/7000000003.html"),
    )
    # The JSON-LD skips card B, so positions no longer line up.
    items = [
        {"name": "A", "latitude": 1.5, "longitude": 1.5, "numberOfBedrooms": 1},
        {"name": "C", "latitude": 3.5, "longitude": 3.5, "numberOfBedrooms": 3},
    ]
    result = parse_search(html.replace("{ld}", _ld(items)))
    assert [(row.title, row.latitude, row.bedrooms) for row in result.results] == [
        ("A", 1.5, 1),
        ("B", None, None),
        ("C", 3.5, 3),
    ]


def test_empty_cl_static_search_is_empty_not_unparseable() -> None:
    html = _cards().replace("{ld}", "")
    result = parse_search(html)
    assert (result.status, result.results, result.errors) == ("empty", [], [])


def test_json_ld_without_cards_still_gives_results() -> None:
    html = _cards().replace(
        "{ld}", _ld([{"name": "A", "latitude": 1.5, "longitude": 2.5}])
    )
    result = parse_search(html)
    assert result.status == "ok"
    assert [(row.title, row.url) for row in result.results] == [("A", None)]
    assert result.errors


def test_relative_links_resolve_against_the_given_url() -> None:
    html = (
        '<ul class="rows"><li class="result-row" data-pid="7000000001">'
        '<a class="result-title hdrlnk" href="/sof/d/x/7000000001.html">X</a></li></ul>'
        '<a class="button next" href="/search/sof?s=120">next</a>'
    )
    result = parse_search(html, url="https://boston.craigslist.org/search/sof")
    assert (
        result.results[0].url == "https://boston.craigslist.org/sof/d/x/7000000001.html"
    )
    assert result.next_page == "https://boston.craigslist.org/search/sof?s=120"


def test_non_search_json_is_unparseable() -> None:
    result = parse_search(b'{"hello": "world"}')
    assert result.status == "unparseable"
    assert result.errors


def test_feed_with_entity_declarations_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel><item><title>&b;</title></item></channel></rss>"
    )
    result = parse_search(bomb)
    assert result.status == "unparseable"
    assert "DOCTYPE" in result.errors[0]


def test_js_rendered_cards_keep_pid_and_label_without_a_link() -> None:
    html = (
        '<main id="app"><ol class="cl-static-search-results">'
        '<li class="cl-search-result" data-pid="7970000001">'
        '<span class="label">rendered by javascript</span></li></ol></main>'
    )
    (row,) = parse_search(html).results
    assert (row.post_id, row.title, row.url) == (
        "7970000001",
        "rendered by javascript",
        None,
    )
