"""The parsers never raise, whatever they are given, and stay fast on big input."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraping.parsing import POSTING_STATUSES, parse_posting, parse_search

SAMPLE_PAGES = [
    "jsonsearch_apa_washingtondc_2017.json",
    "posting_apa_manhattan_2026.html",
    "posting_apa_milwaukee_2026.html",
    "posting_apa_seattle_2021.html",
    "posting_apa_washingtondc_2017.html",
    "posting_deleted_by_author_2009.html",
    "posting_expired_2011.html",
    "posting_lab_sfbay_www_2026.html",
    "posting_reb_miami_2012.html",
    "posting_rts_seattle_2021.html",
    "posting_sof_newyork_2010_blurbs.html",
    "posting_sof_newyork_2010_cltags.html",
    "rss_ccc_sfbay_2011.xml",
    "search_apa_manhattan_www_2026.html",
    "search_apa_milwaukee_2026.html",
    "search_apa_vancouver_2021.html",
    "search_apa_vancouver_2023_clstatic_fragment.html",
    "search_rea_miami_2012.html",
    "search_sof_newyork_2010.html",
    "search_sof_phoenix_2025.html",
    "search_sof_sfbay_2019.html",
]
SEARCH_STATUSES = {"ok", "empty", "unparseable"}
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Tag and class names the parsers look for, so random markup reaches their branches.
TAGS = [
    "div",
    "span",
    "p",
    "section",
    "ul",
    "li",
    "a",
    "b",
    "h1",
    "h2",
    "time",
    "script",
]
CLASSES = [
    "postingtitletext",
    "price",
    "housing",
    "attrgroup",
    "attr important",
    "attr remuneration",
    "labl",
    "valu",
    "postinginfo",
    "postinginfos",
    "notices",
    "blurbs",
    "mapaddress",
    "result-row",
    "result-title hdrlnk",
    "result-price",
    "result-hood",
    "cl-static-search-result",
    "cl-static-hub-links",
    "title",
    "location",
    "nearby",
    "removed",
    "button next",
]
IDS = ["titletextonly", "postingbody", "userbody", "map", "thumbs", "ld_posting_data"]
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "post id: 7964964651",
            "compensation:",
            "$1,967",
            "€1.400",
            "/ 1br - 448ft<sup>2</sup> -",
            " (hood)",
            "Date: 2010-09-11,  2:17PM EDT",
            "This posting has expired.",
            "<!-- CLTAG compensation=Equity -->",
            "<!-- START CLTAGS -->",
            "(414) 807-4535",
            "a@b.co",
            "pID = 123456789;",
            '{"@type":"JobPosting","title":"x"}',
        ]
    ),
)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    attributes = st.one_of(
        st.just(""),
        st.sampled_from(CLASSES).map(lambda name: f' class="{name}"'),
        st.sampled_from(IDS).map(lambda name: f' id="{name}"'),
        st.just(' data-latitude="47.1" data-longitude="-122.2"'),
        st.just(' href="https://x.craigslist.org/sof/d/y/7000000001.html"'),
        st.just(' datetime="2021-06-30T10:07:35-0700"'),
        st.just(' type="application/ld+json"'),
    )
    return st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        attributes,
        st.lists(children, max_size=4).map("".join),
        st.booleans(),
    )


HTML_ISH = st.recursive(TEXTS, _element, max_leaves=30)


def _assert_valid(data: str | bytes) -> None:
    posting = parse_posting(data)
    assert posting.status in POSTING_STATUSES
    assert isinstance(posting.errors, list)
    search = parse_search(data)
    assert search.status in SEARCH_STATUSES
    assert all(row.url or row.post_id or row.title for row in search.results)


@FAST
@given(st.text())
def test_random_text_never_raises(value: str) -> None:
    _assert_valid(value)


@FAST
@given(HTML_ISH)
def test_random_html_never_raises(value: str) -> None:
    _assert_valid(value)


@FAST
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(value: bytes) -> None:
    _assert_valid(value)


@FAST
@given(st.text(max_size=500), st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-8"]))
def test_text_in_other_encodings_never_raises(value: str, encoding: str) -> None:
    _assert_valid(value.encode(encoding, errors="replace"))


@pytest.mark.parametrize("name", SAMPLE_PAGES)
def test_truncated_sample_pages_never_raise(
    page: Callable[[str], bytes], name: str
) -> None:
    raw = page(name)

    @settings(max_examples=15, deadline=None)
    @given(st.floats(min_value=0, max_value=1))
    def check(fraction: float) -> None:
        _assert_valid(raw[: int(len(raw) * fraction)])

    check()


@pytest.mark.parametrize("name", SAMPLE_PAGES)
def test_sample_pages_in_the_wrong_encoding_never_raise(
    page: Callable[[str], bytes], name: str
) -> None:
    text = page(name).decode("utf-8", errors="replace")
    _assert_valid(text.encode("utf-16-le"))
    _assert_valid(text.encode("latin-1", errors="replace"))


def test_several_megabyte_posting_parses_in_reasonable_time(
    page: Callable[[str], bytes],
) -> None:
    raw = page("posting_lab_sfbay_www_2026.html").decode("utf-8")
    filler = (
        "Warehouse work, call 415-555-0134 or mail jobs@example.com.<br>\n" * 80_000
    )
    marker = "We serve customers throughout California"  # only in the body
    assert raw.count(marker) == 1
    huge = raw.replace(marker, filler + marker)
    assert len(huge) > 5_000_000
    started = time.perf_counter()
    result = parse_posting(huge.encode("utf-8"))
    elapsed = time.perf_counter() - started
    assert result.status == "active"
    assert result.post_id == "7964964651"
    assert len(result.description or "") > 4_000_000
    assert result.contact_phone == "415-555-0134"
    assert elapsed < 10  # typically well under a second


@pytest.mark.parametrize(
    "document",
    [
        "<div>" * 100_000,
        "<a><div>x</a>" * 20_000,
        "<ul><li>x" * 20_000,
        "@" * 3_000_000,
        "1" * 3_000_000,
        "a@a." * 500_000,
        "<!--" * 500_000,
        "<" * 3_000_000,
        "[" * 200_000,
        "{" + '"a":' * 100_000,
        '<?xml version="1.0"?><rss>' + "<item>" * 50_000,
    ],
    ids=[
        "nested-divs",
        "misnested-anchors",
        "nested-lists",
        "at-signs",
        "digits",
        "email-like",
        "comments",
        "angle-brackets",
        "json-arrays",
        "json-objects",
        "feed-items",
    ],
)
def test_hostile_documents_finish_quickly_without_raising(document: str) -> None:
    started = time.perf_counter()
    _assert_valid(document)
    assert time.perf_counter() - started < 5
