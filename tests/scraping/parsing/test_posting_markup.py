"""parse_posting on markup that CRAIGSLIST_MARKUP.md describes but no sample shows."""

from __future__ import annotations

import json

from scraping.parsing import parse_posting


def _page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}</head>"
        f"<body class='posting'>{body}</body></html>"
    )


def _json_ld(obj: dict[str, object], block_id: str = "ld_posting_data") -> str:
    return (
        f'<script type="application/ld+json" id="{block_id}">{json.dumps(obj)}</script>'
    )


JOB_POSTING = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "title": "Roofer",
    "datePosted": "2026-09-14T12:51:25+0000",
    "validThrough": "2026-10-14",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {"@type": "Organization", "name": "Acme Roofing LLC"},
    "jobLocation": {
        "@type": "Place",
        "geo": {"latitude": 40.58, "longitude": -74.15},
        "address": {
            "streetAddress": "12 Main St",
            "addressLocality": "Staten Island",
            "addressRegion": "NY",
            "postalCode": "10301",
        },
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {"minValue": 52000, "maxValue": 66800, "unitText": "YEAR"},
    },
    "description": "<p>Roofing work.</p><p>Call 718-555-0134.</p>",
}


def test_json_ld_job_posting_fills_company_type_salary_and_place() -> None:
    html = _page(
        '<h1 class="postingtitle"><span class="postingtitletext">'
        '<span id="titletextonly">Roofer needed ASAP</span></span></h1>'
        '<p class="postinginfo">post id: 7970000001</p>',
        head=_json_ld(JOB_POSTING),
    )
    result = parse_posting(html)
    assert result.status == "active"
    assert result.post_id == "7970000001"
    assert result.title == "Roofer needed ASAP"
    assert result.company == "Acme Roofing LLC"
    assert result.job_title == "Roofer"
    assert result.employment_type == ["full-time"]
    assert result.compensation == "$52,000-$66,800 per year"
    assert result.posted_at == "2026-09-14T12:51:25+00:00"
    assert (result.latitude, result.longitude) == (40.58, -74.15)
    assert result.map_address == "12 Main St, Staten Island, NY, 10301"
    assert result.description == "Roofing work.\n\nCall 718-555-0134."
    assert result.contact_phone == "718-555-0134"
    assert result.json_ld == [JOB_POSTING]


def test_gen_c_job_attrgroup_reads_bold_values_and_flags() -> None:
    html = _page(
        '<span id="titletextonly">Dev</span>'
        '<p class="attrgroup"><span>compensation: <b>$25/hr</b></span><br>'
        "<span>employment type: <b>full-time, contract</b></span><br>"
        "<span>Telecommuting okay</span><span>internship</span>"
        "<span>non-profit organization</span></p>"
        '<section id="postingbody">Work.</section>'
        '<div class="postinginfos"><p class="postinginfo">post id: 7000000002</p></div>'
    )
    result = parse_posting(html)
    assert result.compensation == "$25/hr"
    assert result.employment_type == ["full-time", "contract"]
    assert (result.is_remote, result.is_internship, result.is_nonprofit) == (
        True,
        True,
        True,
    )
    assert result.attributes == {
        "compensation": "$25/hr",
        "employment type": "full-time, contract",
        "Telecommuting okay": True,
        "internship": True,
        "non-profit organization": True,
    }


def test_gen_d_labels_are_found_case_insensitively() -> None:
    html = _page(
        '<span id="titletextonly">Dev</span><div class="attrgroup">'
        '<div class="attr remuneration"><span class="labl">Compensation:</span>'
        '<span class="valu">$30/hr</span></div>'
        '<div class="attr"><span class="labl">Telecommute:</span>'
        '<span class="valu">no</span></div></div>'
        '<section id="postingbody">Work.</section>'
    )
    result = parse_posting(html)
    assert result.compensation == "$30/hr"
    assert result.is_remote is False


def test_gen_a_cltags_switch_remote_internship_and_nonprofit_on() -> None:
    html = _page(
        "<h2>Helper (Brooklyn)</h2>Date: 2011-03-01,  9:05AM EST<br>"
        '<div id="userbody">Help us. <!-- START CLTAGS --><ul class="blurbs">'
        "<li> <!-- CLTAG telecommuting=on -->Telecommuting is ok."
        "<li> <!-- CLTAG internship=on -->This is an internship"
        "<li> <!-- CLTAG nonprofit=on -->This is at a non-profit organization."
        "</ul><!-- END CLTAGS --></div>PostingID: 2200000000<br>",
        head="<title>Helper</title>",
    )
    result = parse_posting(html)
    assert result.post_id == "2200000000"
    assert (result.title, result.hood) == ("Helper", "Brooklyn")
    assert (result.is_remote, result.is_internship, result.is_nonprofit) == (
        True,
        True,
        True,
    )
    assert result.description == "Help us."
    assert result.notices == []
    assert result.posted_at == "2011-03-01T09:05:00-05:00"


def test_job_page_that_says_nothing_leaves_flags_null() -> None:
    html = _page(
        '<span id="titletextonly">Dev</span><section id="postingbody">x</section>'
    )
    result = parse_posting(html)
    assert (result.is_remote, result.is_internship, result.is_nonprofit) == (
        None,
        None,
        None,
    )
    assert result.employment_type == []


def test_flagged_page_is_flagged() -> None:
    html = _page(
        "<h2>This posting has been flagged for removal.</h2>"
        "<script>pID = 123456789;</script>"
    )
    result = parse_posting(html)
    assert (result.status, result.post_id) == ("flagged", "123456789")


def test_gen_c_removed_page_keeps_title_and_status() -> None:
    html = _page(
        '<div class="removed">'
        "<h2>This posting has been deleted by its author.</h2></div>"
        '<span id="titletextonly">Old bike</span>'
        '<div class="postinginfos"><p class="postinginfo">post id: 7000000003</p></div>'
    )
    result = parse_posting(html)
    assert (result.status, result.post_id, result.title) == (
        "deleted",
        "7000000003",
        "Old bike",
    )


def test_words_like_expired_inside_the_body_do_not_change_the_status() -> None:
    html = _page(
        '<span id="titletextonly">Lease</span><section id="postingbody">'
        "<h2>This posting has expired?</h2> No, it has not.</section>"
    )
    assert parse_posting(html).status == "active"


def test_block_page_is_unparseable() -> None:
    html = _page("<p>Your request has been blocked. blockID=123</p>")
    result = parse_posting(html)
    assert result.status == "unparseable"
    assert result.errors


def test_page_without_posting_markup_is_unparseable() -> None:
    result = parse_posting("<html><body><p>Hello</p></body></html>")
    assert result.status == "unparseable"
    assert result.errors == ["no posting markup found (no post id or body)"]


def test_euro_price_with_dot_thousands() -> None:
    html = _page(
        '<span class="postingtitletext"><span class="price">€1.400</span>'
        '<span id="titletextonly">Wohnung</span><small> (Mitte)</small></span>'
        '<section id="postingbody">x</section>'
    )
    result = parse_posting(html)
    assert (result.price, result.currency, result.hood) == (1400, "EUR", "Mitte")


def test_dollar_price_on_a_canadian_page_is_cad() -> None:
    html = _page(
        '<span class="postingtitletext"><span class="price">$1,790</span>'
        '<span id="titletextonly">Condo</span></span>'
        '<section id="postingbody">x</section>',
        head='<meta name="geo.region" content="CA-BC">',
    )
    assert parse_posting(html).currency == "CAD"


def test_post_id_is_never_taken_from_the_url_argument_alone() -> None:
    html = _page(
        '<span id="titletextonly">X</span><section id="postingbody">x</section>'
    )
    result = parse_posting(
        html, url="https://boston.craigslist.org/sof/d/x/7000000009.html"
    )
    assert result.post_id is None
    assert (result.site, result.category) == ("boston", "sof")
    assert result.url == "https://boston.craigslist.org/sof/d/x/7000000009.html"


def test_poster_written_email_in_body_is_the_contact() -> None:
    html = _page(
        '<span id="titletextonly">X</span>'
        '<section id="postingbody">Send CVs to hiring@acme.example.com today.</section>'
    )
    assert parse_posting(html).contact_email == "hiring@acme.example.com"


def test_bytes_with_meta_charset_windows_1252_decode() -> None:
    html = _page(
        '<span id="titletextonly">Café job</span>'
        '<section id="postingbody">\u201cHi\u201d</section>',
        head='<meta charset="windows-1252">',
    ).encode("cp1252")
    result = parse_posting(html)
    assert result.title == "Café job"
    assert result.description == "“Hi”"
