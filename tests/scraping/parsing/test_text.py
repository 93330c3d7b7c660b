"""The text helpers: decoding, normalising, money, housing, times, emails, phones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraping.parsing import decode_document, find_emails, find_phones, normalise_text
from scraping.parsing.text import (
    iso_datetime,
    iso_from_classic_date,
    iso_from_epoch,
    iso_from_rfc822,
    parse_housing,
    parse_money,
)
from scraping.parsing.urls import read_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,967", (1967, "USD")),
        ("€1.400", (1400, "EUR")),
        ("1.400,50 €", (1400.5, "EUR")),
        ("$1149000 / 3br - 2000ft² - ", (1149000, "USD")),
        ("$12.50", (12.5, "USD")),
        ("£950", (950, "GBP")),
        ("CAD 1,200", (1200, "CAD")),
        ("$0", (0, "USD")),
        ("no price", (None, None)),
    ],
)
def test_money_is_read_with_its_currency(
    text: str, expected: tuple[object, object]
) -> None:
    assert parse_money(text) == expected


def test_dollar_means_the_sites_own_dollar() -> None:
    assert parse_money("$1,790", default_dollar="CAD") == (1790, "CAD")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ 1br - 448ft2 - ", (1, None, 448)),
        ("2BR / 1.5Ba", (2, 1.5, None)),
        ("$249000 / 3br - 2345ft² - ", (3, None, 2345)),
        ("1,200 sqft", (None, None, 1200)),
        ("50m²", (None, None, 538)),
        ("cats are OK - purrr", (None, None, None)),
    ],
)
def test_housing_summary_gives_bedrooms_bathrooms_and_sqft(
    text: str, expected: tuple[object, object, object]
) -> None:
    assert parse_housing(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-30T10:07:35-0700", "2021-06-30T10:07:35-07:00"),
        ("2026-09-14T12:51:25+0000", "2026-09-14T12:51:25+00:00"),
        ("2011-11-04T09:35:17-07:00", "2011-11-04T09:35:17-07:00"),
        ("2019-12-05 14:34", "2019-12-05T14:34:00"),
        ("2026-10-14", "2026-10-14"),
        ("2020-13-01T00:00:00Z", None),
        ("yesterday", None),
    ],
)
def test_iso_datetimes_keep_the_pages_utc_offset(
    value: str, expected: str | None
) -> None:
    assert iso_datetime(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Date: 2010-09-11,  2:17PM EDT", "2010-09-11T14:17:00-04:00"),
        ("2012-12-05, 12:46PM EST", "2012-12-05T12:46:00-05:00"),
        ("2012-12-05, 12:46AM PST", "2012-12-05T00:46:00-08:00"),
        ("2012-01-05, 9:05PM AKST", "2012-01-05T21:05:00-09:00"),
        ("2012-07-05, 9:05AM HST", "2012-07-05T09:05:00-10:00"),
        ("2012-07-05, 9:05AM CDT", "2012-07-05T09:05:00-05:00"),
        ("2012-07-05, 9:05AM MDT", "2012-07-05T09:05:00-06:00"),
    ],
)
def test_classic_dates_map_timezone_abbreviations(value: str, expected: str) -> None:
    assert iso_from_classic_date(value) == (expected, None)


def test_classic_date_with_unknown_zone_keeps_local_time_and_says_so() -> None:
    stamp, error = iso_from_classic_date("2012-12-05, 12:46PM XYZ")
    assert stamp == "2012-12-05T12:46:00"
    assert error and "XYZ" in error


def test_epoch_and_rfc822_times_become_iso_8601() -> None:
    assert iso_from_epoch(1494730702) == "2017-05-14T02:58:22+00:00"
    assert (
        iso_from_rfc822("Fri, 04 Nov 2011 09:35:17 -0700")
        == "2011-11-04T09:35:17-07:00"
    )
    assert iso_from_epoch("soon") is None


def test_emails_are_found_once_each_and_lower_cased_domain() -> None:
    text = "Write to Jane.Doe@Example.COM, or jane.doe@example.com. Not logo@2x.png"
    assert find_emails(text) == ["Jane.Doe@example.com"]


def test_us_phone_formats_are_found_but_bare_ids_are_not() -> None:
    text = (
        "(414) 807-4535, 305.467.6348 /  786.484.0917, +1 206 512 8400, id 7344465455"
    )
    assert find_phones(text) == [
        "(414) 807-4535",
        "305.467.6348",
        "786.484.0917",
        "+1 206 512 8400",
    ]
    assert find_phones("Please call (414) 807-453five") == []


def test_normalise_text_collapses_spaces_and_blank_lines() -> None:
    assert normalise_text(" a \u00a0 b\r\n\r\n\r\n c\u2028d\x00 ") == "a b\n\nc\nd"
    assert normalise_text("e\u0301") == "\u00e9"


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_normalise_text_is_idempotent(value: str) -> None:
    once = normalise_text(value)
    assert normalise_text(once) == once


def test_bytes_are_decoded_by_bom_then_meta_charset_then_utf8() -> None:
    assert decode_document("\ufeffhi".encode()) == "hi"
    assert decode_document("hi".encode("utf-16")) == "hi"
    latin = '<meta charset="iso-8859-1"><p>caf\xe9 \x93x\x94'.encode("latin-1")
    assert decode_document(latin).endswith("café “x”")
    # No declaration and not UTF-8: each bad byte is read as windows-1252.
    assert decode_document(b"espa\xf1ol \x95 caf\xc3\xa9") == "español • café"


def test_urls_give_site_subarea_category_and_post_id() -> None:
    info = read_url(
        "https://sfbay.craigslist.org/pen/sof/d/redwood-city-x/7033007594.html"
    )
    assert (info.site, info.subarea, info.category, info.post_id) == (
        "sfbay",
        "pen",
        "sof",
        "7033007594",
    )
    share = read_url(
        "https://www.craigslist.org/view/d/livermore-x/7ou63o3k7pfC5k3xhGnrCu"
    )
    assert (share.site, share.post_id) == (None, None)
    search = read_url("https://www.craigslist.org/search/subarea/eby?cat=lab")
    assert (search.subarea, search.category) == ("eby", "lab")


def test_loopback_look_alike_urls_carry_the_site_in_the_path() -> None:
    info = read_url("http://127.0.0.1:8000/sfbay/pen/sof/d/x/7970048047.html")
    assert (info.site, info.subarea, info.category, info.post_id) == (
        "sfbay",
        "pen",
        "sof",
        "7970048047",
    )
    assert read_url("https://example.com/sfbay/sof/d/x/7970048047.html").site is None
