"""parse_posting on the real saved pages of every era (gen A 2009 to gen E 2026)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scraping.parsing import ParsedPosting, parse_posting

Parse = Callable[[str], ParsedPosting]


@pytest.fixture(scope="module")
def parsed(page: Callable[[str], bytes]) -> Parse:
    cache: dict[str, ParsedPosting] = {}

    def _parse(name: str) -> ParsedPosting:
        if name not in cache:
            cache[name] = parse_posting(page(name))
        return cache[name]

    return _parse


# ------------------------------------------------------------------ gen E job (2026)


def test_gen_e_job_posting_takes_post_id_from_page_body(parsed: Parse) -> None:
    result = parsed("posting_lab_sfbay_www_2026.html")
    assert result.status == "active"
    assert result.post_id == "7964964651"
    # The canonical share URL carries no numeric id at all.
    assert result.url == (
        "https://www.craigslist.org/view/d/livermore-plumbing-warehouse-position/"
        "7ou63o3k7pfC5k3xhGnrCu"
    )
    assert result.repost_of == "7910596741"


def test_gen_e_job_posting_reads_div_attr_job_fields(parsed: Parse) -> None:
    result = parsed("posting_lab_sfbay_www_2026.html")
    assert result.compensation == "Commensuruate with experience."
    assert result.employment_type == ["full-time"]
    assert result.experience_level == "mid level"
    assert result.job_title == "Warehouseman"
    assert result.attributes == {
        "compensation": "Commensuruate with experience.",
        "employment type": "full-time",
        "experience level": "mid level",
        "job title": "Warehouseman",
    }
    assert (result.is_remote, result.is_internship, result.is_nonprofit) == (
        None,
        None,
        None,
    )
    assert result.company is None


def test_gen_e_job_posting_title_keeps_its_text_but_not_the_hood(parsed: Parse) -> None:
    result = parsed("posting_lab_sfbay_www_2026.html")
    assert (
        result.title
        == "Plumbing Warehouse position $25.00-$32.00 per hour. Medical/401k/PTO"
    )
    assert result.hood == "dublin / pleasanton / livermore"
    assert result.price is None


def test_gen_e_job_posting_site_and_category_come_from_breadcrumbs(
    parsed: Parse,
) -> None:
    result = parsed("posting_lab_sfbay_www_2026.html")
    assert (result.site, result.subarea, result.category) == ("sfbay", "eby", "lab")
    assert result.reply_url == (
        "https://sfbay.craigslist.org/reply/sfo/lab/7964964651/__SERVICE_ID__"
    )


def test_gen_e_job_posting_location_times_and_notices(parsed: Parse) -> None:
    result = parsed("posting_lab_sfbay_www_2026.html")
    assert result.map_address == "7640 National Dr. near Greenville"
    assert (result.latitude, result.longitude) == (37.695611, -121.700363)
    assert result.posted_at == "2026-09-11T16:43:56-07:00"
    assert result.source_updated_at == "2026-09-11T16:43:57-07:00"
    assert result.notices == [
        "Principals only. Recruiters, please don't contact this job poster."
    ]
    assert result.images == []
    assert result.errors == []


def test_gen_e_job_posting_description_keeps_lines_and_drops_qr_block(
    parsed: Parse,
) -> None:
    description = parsed("posting_lab_sfbay_www_2026.html").description or ""
    assert description.startswith("Fault Line Plumbing is a family owned, mid-size")
    assert description.endswith(
        "logistics, plumber, plumb, mechanical, HVAC, supply house, supplier,"
    )
    assert "Requirements:\n· 1 - 3 years of work experience\n" in description
    assert (
        "Compensation:\n· $52,000 to $66,800 a year, depending on experience"
        in description
    )
    assert "QR Code" not in description
    assert "Sacramento \u2013 Modesto" in description  # en dash kept, NFC text


# --------------------------------------------------------------- gen D housing (2026)


def test_gen_d_milwaukee_housing_posting_reads_price_and_summary(parsed: Parse) -> None:
    result = parsed("posting_apa_milwaukee_2026.html")
    assert result.post_id == "7936415355"
    assert result.title == "Wauwatosa 2 Bdrm, 1 Bath Near MCW"
    assert result.hood == "Wauwatosa"
    assert (result.price, result.currency) == (1325, "USD")
    assert (result.bedrooms, result.bathrooms, result.sqft) == (2, 1, 925)
    assert result.repost_of == "4832645238"
    assert (result.site, result.category, result.subarea) == ("milwaukee", "apa", None)


def test_gen_d_milwaukee_attributes_keep_labels_and_flags(parsed: Parse) -> None:
    attributes = parsed("posting_apa_milwaukee_2026.html").attributes
    assert attributes["rent period"] == "monthly"
    for flag in (
        "2BR / 1Ba",
        "available jun 1",
        "cats are OK - purrr",
        "apartment",
        "w/d hookups",
        "detached garage",
        "no smoking",
        "air conditioning",
    ):
        assert attributes[flag] is True
    assert len(attributes) == 10


def test_gen_d_milwaukee_images_are_distinct_full_size_urls(parsed: Parse) -> None:
    images = parsed("posting_apa_milwaukee_2026.html").images
    # 11 gallery slides, one of them repeated.
    assert len(images) == 10
    assert (
        images[0]
        == "https://images.craigslist.org/00a0a_ktGWIym8Pre_0ww0oo_600x450.jpg"
    )
    assert all(url.endswith("_600x450.jpg") for url in images)


def test_gen_d_milwaukee_location_prefers_map_address_and_map_coordinates(
    parsed: Parse,
) -> None:
    result = parsed("posting_apa_milwaukee_2026.html")
    assert result.map_address == "1506 N. 116th Street near vliet"
    assert (result.latitude, result.longitude) == (43.049222, -88.057494)
    assert result.posted_at == "2026-05-24T08:45:51-05:00"
    assert result.notices == []
    assert [obj.get("@type") for obj in result.json_ld] == [
        "BreadcrumbList",
        "Apartment",
    ]


def test_gen_d_manhattan_page_with_utf8_bom_parses(parsed: Parse) -> None:
    result = parsed("posting_apa_manhattan_2026.html")
    assert result.status == "active"
    assert result.post_id == "7942602776"
    assert result.title == "‼️NO FEE ! Bright 1BR ! Central Park ONE BLOCK !"
    assert result.hood == "Upper West Side"
    assert result.price == 3850
    assert (result.bedrooms, result.bathrooms, result.sqft) == (1, 1, None)
    assert result.repost_of == "7941364281"
    assert (result.site, result.subarea, result.category) == ("newyork", "mnh", "apa")
    assert len(result.images) == 8
    assert result.posted_at == "2026-06-22T13:43:46-04:00"


def test_gen_d_manhattan_description_keeps_paragraphs(parsed: Parse) -> None:
    description = parsed("posting_apa_manhattan_2026.html").description or ""
    assert description.startswith("NO FEE\n\nLOCATION LOCATION LOCATION")
    assert (
        "Apartment features:\n\n-Large living room\n-Ample closet + storage space\n"
        in (description)
    )
    assert description.endswith("Whole Foods, Equinox and more!")


# --------------------------------------------------------------------- gen C (2021)


def test_gen_c_seattle_housing_reads_attrgroup_spans(parsed: Parse) -> None:
    result = parsed("posting_apa_seattle_2021.html")
    assert result.post_id == "7344465455"
    assert result.title == "Recycling, Controlled Access, Guest Room"
    assert result.hood is None
    assert result.price == 1967
    assert (result.bedrooms, result.bathrooms, result.sqft) == (1, 1, 448)
    assert result.attributes == {
        "1BR / 1Ba": True,
        "448ft2": True,
        "available jun 30": True,
        "EV charging": True,
        "cats are OK - purrr": True,
        "dogs are OK - wooof": True,
        "apartment": True,
        "w/d in unit": True,
        "no smoking": True,
        "attached garage": True,
        "wheelchair accessible": True,
    }


def test_gen_c_seattle_housing_has_posted_and_updated_times(parsed: Parse) -> None:
    result = parsed("posting_apa_seattle_2021.html")
    assert result.posted_at == "2021-06-30T14:19:59-07:00"
    assert result.source_updated_at == "2021-07-02T14:40:20-07:00"
    assert result.map_address == "1205 NE 66TH ST"
    assert (result.latitude, result.longitude) == (47.676416, -122.315484)
    assert len(result.images) == 24
    assert result.notices == ["do NOT contact me with unsolicited services or offers"]


def test_gen_c_seattle_description_drops_show_contact_info(parsed: Parse) -> None:
    result = parsed("posting_apa_seattle_2021.html")
    description = result.description or ""
    assert description.startswith(
        "Embrace a New Point-of-View\n\nBedrooms: 1\nBathrooms: 1\n"
    )
    assert (
        "Amenities Include:\n\nOnline Payments Available\nStorage rooms\n"
        in description
    )
    assert "show contact info" not in description
    assert description.endswith("for the most up to date information!")
    assert result.contact_phone is None


def test_gen_c_services_posting_reads_cl_init_and_body_phone(parsed: Parse) -> None:
    result = parsed("posting_rts_seattle_2021.html")
    assert result.post_id == "7339959651"
    assert result.repost_of == "6551715916"
    assert result.title == "HARD MONEY LENDER - FIX & FLIPS - COMMERCIAL - CONSTRUCTION"
    assert result.hood == "Washington State"
    assert result.contact_phone == "206-512-8400"
    assert result.attributes == {}
    assert (result.latitude, result.longitude) == (47.8392, -122.2855)
    assert (result.site, result.subarea, result.category) == ("seattle", "see", "rts")
    assert result.images == [
        "https://images.craigslist.org/00T0T_1eyFQ9xwe0I_600x450.jpg"
    ]
    assert "Multifamily\nRetail\nOffice\n" in (result.description or "")
    assert result.posted_at == "2021-06-21T11:24:38-07:00"


def test_gen_c_2017_posting_reads_price_map_images_and_notices(parsed: Parse) -> None:
    result = parsed("posting_apa_washingtondc_2017.html")
    assert result.post_id == "6129297133"
    assert result.title == "Big Beautiful Custom Brick Colonial in GREAT FALLS"
    assert result.price == 4500
    assert (result.latitude, result.longitude) == (39.0039, -77.3083)
    assert result.attributes == {"available may 12": True, "apartment": True}
    assert len(result.images) == 7
    assert result.posted_at == "2017-05-12T19:16:40-04:00"
    assert result.notices == ["do NOT contact me with unsolicited services or offers"]
    assert (result.site, result.subarea, result.category) == (
        "washingtondc",
        "nva",
        "apa",
    )
    assert result.url == "http://washingtondc.craigslist.org/nva/apa/6129297133.html"
    assert (
        result.reply_url
        == "http://washingtondc.craigslist.org/reply/wdc/apa/6129297133"
    )


def test_gen_c_2017_description_removes_qr_code_print_block(parsed: Parse) -> None:
    description = parsed("posting_apa_washingtondc_2017.html").description
    assert description == (
        "Big Beautiful Custom Brick Colonial w/a flat grassy yard, backing to trees on "
        "a cul-de-sac! Gourmet Kitchen & Gracious Master Suite. This home is Open, "
        "Light, Bright, & Spacious! Full Kitchen in Basement perfect for Lower Lvl "
        "Au-Paire/In-Law Suite. Pets considered case-by-case. No Smokers"
    )


# --------------------------------------------------------------------- gen A (≤2013)


def test_gen_a_2012_title_line_gives_price_bedrooms_and_sqft(parsed: Parse) -> None:
    result = parsed("posting_reb_miami_2012.html")
    assert result.post_id == "3438004368"
    assert result.title == "✱✱✱BEAUTIFUL HOUSE FOR SALE IN FLORIDA KEYS"
    assert result.hood == "Florida Key Islamorada"
    assert (result.price, result.bedrooms, result.sqft) == (1149000, 3, 2000)
    assert result.posted_at == "2012-12-05T12:46:00-05:00"
    assert (result.site, result.subarea, result.category) == ("miami", "mdc", "reb")


def test_gen_a_2012_zero_coordinates_mean_no_location(parsed: Parse) -> None:
    result = parsed("posting_reb_miami_2012.html")
    assert (result.latitude, result.longitude) == (None, None)


def test_gen_a_2012_cp1252_page_decodes_without_mojibake(parsed: Parse) -> None:
    description = parsed("posting_reb_miami_2012.html").description or ""
    assert description.startswith("• $1,149,000.00\n• 2000ft²\n• 3-bedroom\n")
    assert "(hablamos español)" in description
    assert description.endswith("Akoya Realty LLC\nwww.akoyarealty.com")
    assert "imgList" not in description
    assert "Location:" not in description  # CLTAG blurbs are not body text


def test_gen_a_2012_reply_relay_phone_images_and_notice(parsed: Parse) -> None:
    result = parsed("posting_reb_miami_2012.html")
    assert result.contact_email == "p7h8m-3438004368@hous.craigslist.org"
    assert result.contact_phone == "305.467.6348"
    assert len(result.images) == 3
    assert result.images[0] == (
        "http://images.craigslist.org/3M43Jb3ld5L55Z35M5cbr12a6ec99f72d18e2.jpg"
    )
    assert result.notices == [
        "it's NOT ok to contact this poster with services or other commercial interests"
    ]
    assert result.attributes == {"GeographicArea": "Florida Key Islamorada"}


def test_gen_a_2010_job_reads_h2_date_and_mailto_relay(parsed: Parse) -> None:
    result = parsed("posting_sof_newyork_2010_blurbs.html")
    assert result.status == "active"
    assert result.post_id == "1948608067"
    assert result.title == "Ultimate Agile Development Job"
    assert result.hood == "Union Square"
    assert result.posted_at == "2010-09-11T14:17:00-04:00"
    assert result.contact_email == "job-nubxa-1948608067@craigslist.org"
    assert result.url == "http://newyork.craigslist.org/mnh/sof/1948608067.html"
    assert (result.site, result.subarea, result.category) == ("newyork", "mnh", "sof")
    assert result.employment_type == []
    assert result.compensation is None


def test_gen_a_2010_blurbs_become_notices_not_description(parsed: Parse) -> None:
    result = parsed("posting_sof_newyork_2010_blurbs.html")
    assert result.notices == [
        "Principals only. Recruiters, please don't contact this job poster.",
        "Please, no phone calls about this job!",
        "Please do not contact job poster about other services, products or "
        "commercial interests.",
    ]
    description = result.description or ""
    assert description.startswith(
        "Senior Ruby on Rails Developer\nSan Francisco, New York City, and Boulder\n\n"
    )
    assert "Job Summary:\n\n* Developing Ruby on Rails applications" in description
    assert description.endswith(
        "Please specify the location of the position you are applying for."
    )
    assert "Principals only" not in description


def test_gen_a_2010_cltags_give_compensation_and_employment_type(parsed: Parse) -> None:
    result = parsed("posting_sof_newyork_2010_cltags.html")
    assert result.post_id == "1948304269"
    assert (
        result.title == "Part Time Web/App Developer Needed For A New Exciting Startup"
    )
    assert result.hood == "Chicago-based"
    assert result.compensation == "Equity in the company"
    assert result.employment_type == ["part-time", "contract"]
    assert result.attributes == {
        "GeographicArea": "Chicago-based",
        "compensation": "Equity in the company",
        "partTime": True,
        "contract": True,
    }
    assert len(result.notices) == 3
    assert result.posted_at == "2010-09-11T11:48:00-04:00"


def test_gen_a_2010_cp1252_quotes_decode_to_unicode(parsed: Parse) -> None:
    description = parsed("posting_sof_newyork_2010_cltags.html").description or ""
    assert "a user\u2019s social network\u2019s engagement" in description
    assert "“noise”" in description
    assert "\ufffd" not in description


# ------------------------------------------------------------------------ gone pages


def test_deleted_by_author_page_is_deleted_with_its_id(parsed: Parse) -> None:
    result = parsed("posting_deleted_by_author_2009.html")
    assert result.status == "deleted"
    assert result.post_id == "1187861811"  # from onload="initFlag(…)"
    assert result.title is None
    assert result.description is None
    assert (result.site, result.category) == ("miami", "cto")


def test_expired_page_is_expired_and_keeps_pid_from_script(parsed: Parse) -> None:
    result = parsed("posting_expired_2011.html")
    assert result.status == "expired"
    assert result.post_id == "1968731193"
    assert result.title is None
    assert (result.site, result.category) == ("charleston", "cto")
    assert result.errors == []


@pytest.mark.parametrize(
    "name",
    [
        "posting_apa_manhattan_2026.html",
        "posting_apa_milwaukee_2026.html",
        "posting_apa_seattle_2021.html",
        "posting_apa_washingtondc_2017.html",
        "posting_lab_sfbay_www_2026.html",
        "posting_reb_miami_2012.html",
        "posting_rts_seattle_2021.html",
        "posting_sof_newyork_2010_blurbs.html",
        "posting_sof_newyork_2010_cltags.html",
    ],
)
def test_every_live_sample_posting_is_active_and_complete(
    parsed: Parse, name: str
) -> None:
    result = parsed(name)
    assert result.status == "active"
    assert result.post_id and result.post_id.isdigit()
    assert result.title
    assert result.description
    assert result.posted_at and result.posted_at[19:] in {"-04:00", "-05:00", "-07:00"}
    assert result.errors == []


def test_the_same_page_as_str_and_bytes_gives_the_same_result(
    page: Callable[[str], bytes],
) -> None:
    raw = page("posting_apa_seattle_2021.html")
    assert parse_posting(raw) == parse_posting(raw.decode("utf-8"))
