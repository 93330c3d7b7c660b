"""Reading scoring features from realistic posting text."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification import text
from qualification.features import LeadFeatures, extract_features, years_required


def read(
    title: str = "Developer", description: str = "", **fields: object
) -> LeadFeatures:
    return extract_features(title=title, description=description, **fields)


# --- words --------------------------------------------------------------------


def test_word_forms_share_a_stem() -> None:
    assert text.terms("developers developing") == text.terms("developer develop")
    assert text.terms("APIs") == text.terms("api")


def test_stop_words_and_bare_numbers_are_not_terms_but_it_and_us_are() -> None:
    assert text.terms("the $120,000 for IT in the US") == ("it", "us")


def test_programming_language_names_survive_tokenising() -> None:
    assert text.terms("C++ and C# and Node.js") == ("c++", "c#", "node", "js")


def test_title_and_body_terms_are_counted_separately() -> None:
    f = read("Python Developer", "Python, python and more Python.")
    assert f.title_terms == {"python": 1, "develop": 1}
    assert f.body_terms["python"] == 3
    assert f.body_length == 5


def test_compensation_and_attribute_values_are_part_of_the_body() -> None:
    f = read(
        "Clerk",
        "Filing.",
        compensation="$20/hr DOE",
        attributes={"employment type": "full-time", "telecommuting okay": True},
    )
    assert {"doe", "full", "time", "telecommut"} <= f.body_terms.keys()
    assert f.remote == 1.0


# --- pay ----------------------------------------------------------------------


def test_pay_is_read_from_the_compensation_text_when_not_given() -> None:
    f = read(compensation="$120,000 - $140,000")
    assert (f.salary_min, f.salary_max, f.is_paid) == (120000.0, 140000.0, True)


def test_given_annual_salary_is_trusted_over_the_text() -> None:
    f = read(compensation="$20/hr", salary_min=90000.0, salary_max=None)
    assert (f.salary_min, f.salary_max, f.is_paid) == (90000.0, None, True)


def test_an_unpaid_posting_is_not_paid() -> None:
    f = read("Volunteer", "This internship is unpaid.", compensation="no pay")
    assert f.is_paid is False and f.salary_min is None


# --- remote -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "is_remote", "expected"),
    [
        ("Great team.", True, 1.0),
        ("This is a work from home position.", None, 1.0),
        ("100% remote, anywhere in the US.", None, 1.0),
        ("Hybrid: 3 days in the office, 2 from home.", None, 0.5),
        ("Remote for training, then on-site in Oakland.", None, 0.5),
        ("No remote work. This position is on-site.", None, 0.0),
        ("Apply in person at our shop.", None, 0.0),
        ("Great team.", False, 0.0),
        ("Remote-friendly team, sometimes.", False, 0.0),
        ("We repair remote controls.", None, math.nan),
        ("Great team.", None, math.nan),
    ],
)
def test_remote_reads_the_flag_then_the_wording(
    description: str, is_remote: bool | None, expected: float
) -> None:
    remote = read(description=description, is_remote=is_remote).remote
    assert remote == expected or (math.isnan(expected) and math.isnan(remote))


# --- experience ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "years"),
    [
        ("5+ years of Python required", 5),
        ("3-5 years experience", 3),
        ("3 \u2013 5 yrs", 3),
        ("At least 4 years in a similar role", 4),
        ("two years of professional experience", 2),
        ("2+ years with AWS, 6+ years of Python", 6),
        ("Serving the Bay Area for 25+ years; 3+ yrs exp", 3),
        ("Family business, 30 years in business", math.nan),
        ("Must be 18 years old", math.nan),
        ("4 year degree preferred", math.nan),
    ],
)
def test_years_required_takes_the_lower_end_and_ignores_company_age(
    content: str, years: float
) -> None:
    found = years_required(content)
    assert found == years or (math.isnan(years) and math.isnan(found))


@pytest.mark.parametrize(
    ("title", "description", "experience_level", "seniority"),
    [
        ("Senior Python Developer", "", "", 3.0),
        ("Sr. Backend Engineer", "", "", 3.0),
        ("Junior/Mid Web Developer", "", "", 2.0),
        ("Staff Engineer, Payments", "", "", 4.0),
        ("Lead Generation Specialist", "", "", math.nan),
        ("Software Intern", "", "", 0.0),
        ("Developer", "This is an entry-level role.", "", 0.0),
        ("Developer", "You will report to the senior engineer.", "", math.nan),
        ("Senior Developer", "", "entry level", 0.0),
        ("Developer", "", "Mid-Senior level", 3.0),
    ],
)
def test_seniority_comes_from_the_field_then_the_title_then_level_wording(
    title: str, description: str, experience_level: str, seniority: float
) -> None:
    found = read(title, description, experience_level=experience_level).seniority
    assert found == seniority or (math.isnan(seniority) and math.isnan(found))


# --- poster and company -------------------------------------------------------


def test_recruiter_wording_is_counted_once_per_phrase() -> None:
    f = read(
        "Java Developer",
        "Our client, a bank, is hiring through ACME Staffing Agency. "
        "We recruit on behalf of employers.",
    )
    assert f.recruiter_cues == 3  # our client, staffing agency, on behalf of


def test_an_employer_agency_is_not_a_recruiter() -> None:
    f = read("Clerk", "A government agency: the county's own government agency.")
    assert f.recruiter_cues == 0
    assert "government" in f.industries


def test_exact_words_keep_look_alikes_apart() -> None:
    assert math.isnan(read("Internal Auditor").seniority)
    assert read("Lead Cook").seniority == 4.0
    assert math.isnan(read("Leading firm seeks bookkeeper").seniority)
    assert read(description="We are recruiting cooks.").recruiter_cues == 0
    f = read("Hotel Front Desk", "Hospitality group. Our hospitality team.")
    assert f.industries == frozenset({"hospitality"})


def test_scam_wording_is_counted() -> None:
    f = read(
        "Personal Assistant",
        "We will mail a cashier's check; deposit it and send the rest by "
        "Western Union or wire transfer. Small training fee.",
    )
    assert f.scam_cues == 4


def test_an_ordinary_posting_has_no_cues() -> None:
    f = read(
        "Line Cook",
        "Busy restaurant needs a line cook. Weekends required. Restaurant "
        "experience preferred; we are a family-owned restaurant.",
        category="fbh",
    )
    assert (f.recruiter_cues, f.scam_cues) == (0, 0)
    assert f.company_size == "small"
    assert f.industries == frozenset({"hospitality"})


def test_company_size_reads_headcounts_and_cues() -> None:
    assert read(description="Join our 10,000 employees.").company_size == "large"
    assert read(description="A Fortune 500 enterprise.").company_size == "large"
    assert read(description="A startup with a small team.").company_size == "small"
    assert read(description="Nice people.").company_size is None


def test_benefits_alone_do_not_make_an_employer_a_hospital() -> None:
    f = read(
        "Welder", "Benefits: medical, dental, health insurance. High school diploma."
    )
    assert f.industries == frozenset()


def test_nonprofit_comes_from_the_flag_or_the_wording() -> None:
    assert read(description="We are a 501(c)(3) organisation.").nonprofit
    assert read(description="A non-profit.", is_nonprofit=False).nonprofit is False
    assert read(is_nonprofit=True).nonprofit


def test_company_and_poster_are_normalised() -> None:
    f = read(company="  ACME   Corp ", contact_email=" Jobs@ACME.com ", category="SOF")
    assert (f.company, f.poster, f.category) == ("acme corp", "jobs@acme.com", "sof")


# --- time, place, storage -----------------------------------------------------


def test_posted_at_becomes_epoch_seconds_and_naive_times_are_utc() -> None:
    aware = read(posted_at=datetime(2025, 3, 1, 12, tzinfo=UTC)).posted_at
    naive = read(posted_at=datetime(2025, 3, 1, 12)).posted_at
    assert aware == naive == 1740830400.0


def test_features_round_trip_through_json() -> None:
    f = read(
        "Senior Python Developer (Remote)",
        "5+ years. Our client is a startup in healthcare. Hospital software.",
        compensation="$120k",
        latitude=37.77,
        longitude=-122.42,
        posted_at=datetime(2025, 3, 1, tzinfo=UTC),
        company="Acme",
    )
    data = json.loads(json.dumps(f.to_dict(), allow_nan=False))
    assert LeadFeatures.from_dict(data) == f


def test_unknown_numbers_are_stored_as_null() -> None:
    data = read().to_dict()
    assert data["remote"] is None and data["seniority"] is None
    assert data["years_required"] is None and data["salary_min"] is None
    restored = LeadFeatures.from_dict(data)
    assert math.isnan(restored.remote) and math.isnan(restored.seniority)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=40))
def test_extraction_never_raises_on_any_text(
    title: str, description: str, compensation: str
) -> None:
    f = read(title, description, compensation=compensation, experience_level=title)
    assert f.body_length >= 0
    json.dumps(f.to_dict(), allow_nan=False)
