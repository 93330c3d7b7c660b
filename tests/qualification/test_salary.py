"""Compensation normaliser: real-world Craigslist pay texts → annual amounts."""

from __future__ import annotations

import json
import math
import time
from io import StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.salary import PERIODS, Compensation, normalise_compensation

N = None  # keeps the table narrow

# (compensation text, min_annual, max_annual, period, currency, is_paid)
CASES = [
    # hourly
    ("$25/hr", 52000, 52000, "hour", "USD", True),
    ("$22.50/hr", 46800, 46800, "hour", "USD", True),
    ("$18-22/hour", 37440, 45760, "hour", "USD", True),
    ("$25.00-$32.00 per hour", 52000, 66560, "hour", "USD", True),
    ("$18 - $20 an hour", 37440, 41600, "hour", "USD", True),
    ("between $20 and $25 an hour", 41600, 52000, "hour", "USD", True),
    ("$20/hr - $25/hr DOE", 41600, 52000, "hour", "USD", True),
    ("25 dollars an hour", 52000, 52000, "hour", "USD", True),
    ("$ 25 per hour", 52000, 52000, "hour", "USD", True),
    ("$25 p/h", 52000, 52000, "hour", "USD", True),
    ("18-20/hr", 37440, 41600, "hour", N, True),
    ("$7.25 per hour", 15080, 15080, "hour", "USD", True),
    ("Hourly rate: $25", 52000, 52000, "hour", "USD", True),
    ("$15/hour + tips", 31200, 31200, "hour", "USD", True),
    ("$15-$20 per hour depending on experience", 31200, 41600, "hour", "USD", True),
    ("$45/hr W2", 93600, 93600, "hour", "USD", True),
    ("$19/hr, 401k, dental", 39520, 39520, "hour", "USD", True),
    ("$18", 37440, 37440, "hour", "USD", True),
    ("Pay: $21 hr", 43680, 43680, "hour", "USD", True),
    # daily, weekly, monthly
    ("$200/day", 52000, 52000, "day", "USD", True),
    ("Day rate: $300", 78000, 78000, "day", "USD", True),
    ("$150 a day cash", 39000, 39000, "day", "USD", True),
    ("$200 per shift", 52000, 52000, "day", "USD", True),
    ("$800/week", 41600, 41600, "week", "USD", True),
    ("$1,000 - $1,200 weekly", 52000, 62400, "week", "USD", True),
    ("$2,000 biweekly", 52000, 52000, "week", "USD", True),
    ("$2,000 bi-weekly", 52000, 52000, "week", "USD", True),
    ("$2,000 semi-monthly", 48000, 48000, "month", "USD", True),
    ("$3,000 - $4,000 monthly", 36000, 48000, "month", "USD", True),
    ("$3000/m", 36000, 36000, "month", "USD", True),
    ("$4k/month", 48000, 48000, "month", "USD", True),
    ("$1,500/month stipend", 18000, 18000, "month", "USD", True),
    # yearly and k-forms
    ("$52,000 to $66,800 a year", 52000, 66800, "year", "USD", True),
    ("$85,000 - $95,000 annually", 85000, 95000, "year", "USD", True),
    ("$100,000 base salary per year", 100000, 100000, "year", "USD", True),
    ("$60,000 - $80,000/year + bonus", 60000, 80000, "year", "USD", True),
    ("$40K/yr", 40000, 40000, "year", "USD", True),
    ("$90-110k", 90000, 110000, "year", "USD", True),
    ("100K-140K + equity", 100000, 140000, "year", N, True),
    ("$120k - $150k DOE", 120000, 150000, "year", "USD", True),
    ("$75k", 75000, 75000, "year", "USD", True),
    ("Salary: 45,000", 45000, 45000, "year", N, True),
    ("USD 120,000", 120000, 120000, "year", "USD", True),
    ("$65,000 salary, paid biweekly", 65000, 65000, "year", "USD", True),
    ("$95K OTE", 95000, 95000, "year", "USD", True),
    # open ends
    ("up to $120k", N, 120000, "year", "USD", True),
    ("Up to $40/hr", N, 83200, "hour", "USD", True),
    ("starting at $65,000", 65000, N, "year", "USD", True),
    ("Starting pay $18/hr", 37440, N, "hour", "USD", True),
    ("from $20/hr", 41600, N, "hour", "USD", True),
    ("$60k+", 60000, N, "year", "USD", True),
    ("$25+/hr", 52000, N, "hour", "USD", True),
    ("$100k or more", 100000, N, "year", "USD", True),
    ("$25/hr to start", 52000, N, "hour", "USD", True),
    ("$30/hr max", N, 62400, "hour", "USD", True),
    ("Starting at $18/hr, up to $25/hr", 37440, 52000, "hour", "USD", True),
    ("at least $50,000 a year", 50000, N, "year", "USD", True),
    ("No less than $22/hr", 45760, N, "hour", "USD", True),
    ("$70,000+ DOE", 70000, N, "year", "USD", True),
    ("$25/hr minimum 4 hrs", 52000, 52000, "hour", "USD", True),
    # no amount, but paid
    ("DOE", N, N, "unknown", N, True),
    ("D.O.E.", N, N, "unknown", N, True),
    ("Commensuruate with experience.", N, N, "unknown", N, True),
    ("Depending on experience", N, N, "unknown", N, True),
    ("Based on qualifications", N, N, "unknown", N, True),
    ("Paid by the hour", N, N, "hour", N, True),
    ("competitive", N, N, "unknown", N, True),
    ("Competetive pay + benefits", N, N, "unknown", N, True),
    ("Negotiable", N, N, "unknown", N, True),
    ("TBD", N, N, "unknown", N, True),
    ("pay is negotiable", N, N, "unknown", N, True),
    ("tips", N, N, "unknown", N, True),
    ("Commission only", N, N, "unknown", N, True),
    ("Paid internship", N, N, "unknown", N, True),
    ("Hourly, DOE", N, N, "hour", N, True),
    ("Equity + competitive salary", N, N, "unknown", N, True),
    ("Non-profit; salary DOE", N, N, "unknown", N, True),
    # not paid
    ("no pay", N, N, "unknown", N, False),
    ("Unpaid internship", N, N, "unknown", N, False),
    ("volunteer", N, N, "unknown", N, False),
    ("This is a volunteer position", N, N, "unknown", N, False),
    ("Not paid", N, N, "unknown", N, False),
    ("No compensation, great exposure", N, N, "unknown", N, False),
    ("for free", N, N, "unknown", N, False),
    ("$0", N, N, "unknown", N, False),
    ("Equity in the company", N, N, "unknown", N, False),
    ("equity only", N, N, "unknown", N, False),
    ("No pay - equity only", N, N, "unknown", N, False),
    ("TFP (trade for prints)", N, N, "unknown", N, False),
    # per project
    ("$500 per project", N, N, "project", "USD", True),
    ("$40 per lawn", N, N, "project", "USD", True),
    ("$120 for the whole job", N, N, "project", "USD", True),
    ("$300 flat fee", N, N, "project", "USD", True),
    ("Per project", N, N, "project", N, True),
    ("Project based", N, N, "project", N, True),
    ("$1k-$2k per project", N, N, "project", "USD", True),
    ("10 cents per word", N, N, "project", N, True),
    # currencies
    ("£30,000 pa", 30000, 30000, "year", "GBP", True),
    ("£12.50 per hour", 26000, 26000, "hour", "GBP", True),
    ("€1.400/Monat", 16800, 16800, "month", "EUR", True),
    ("2.500 € brutto pro Monat", 30000, 30000, "month", "EUR", True),
    ("€45.000 brutto/Jahr", 45000, 45000, "year", "EUR", True),
    ("45.000,50 €", 45000.5, 45000.5, "year", "EUR", True),
    ("60.000-70.000 € p.a.", 60000, 70000, "year", "EUR", True),
    ("R$2.000 por mês", 24000, 24000, "month", "BRL", True),
    ("£9.50ph", 19760, 19760, "hour", "GBP", True),
    ("CHF 100'000", 100000, 100000, "year", "CHF", True),
    ("50 000 $ par année", 50000, 50000, "year", "USD", True),
    ("CAD $25/hr", 52000, 52000, "hour", "CAD", True),
    ("C$25/hr", 52000, 52000, "hour", "CAD", True),
    ("$30/hr CAD", 62400, 62400, "hour", "CAD", True),
    ("$28/hr (Canadian)", 58240, 58240, "hour", "CAD", True),
    ("A$30/hr", 62400, 62400, "hour", "AUD", True),
    ("AU$35 per hour", 72800, 72800, "hour", "AUD", True),
    ("₹50,000 per month", 600000, 600000, "month", "INR", True),
    ("15 € de l'heure", 31200, 31200, "hour", "EUR", True),
    ("$20 por hora", 41600, 41600, "hour", "USD", True),
    # amounts whose period is not stated and cannot be inferred
    ("$500", N, N, "unknown", "USD", True),
    ("$2,500", N, N, "unknown", "USD", True),
    # noise numbers are not pay
    ("3+ years experience", N, N, "unknown", N, N),
    ("1 - 3 years of work experience", N, N, "unknown", N, N),
    ("Call 555-123-4567", N, N, "unknown", N, N),
    ("24/7", N, N, "unknown", N, N),
    ("2024", N, N, "unknown", N, N),
    ("1099 contract", N, N, "unknown", N, N),
    ("401k", N, N, "unknown", N, N),
    ("Livermore, CA 94550", N, N, "unknown", N, N),
    ("Mon-Fri 9am-5pm", N, N, "unknown", N, N),
    ("40 hours/week", N, N, "unknown", N, N),
    ("10% commission", N, N, "unknown", N, True),
    ("$500 sign on bonus", N, N, "unknown", N, True),
    ("$50/hr; $500 signing bonus", 104000, 104000, "hour", "USD", True),
    ("call (555) 555-0123, $20/hr", 41600, 41600, "hour", "USD", True),
    ("$$$", N, N, "unknown", N, N),
    ("", N, N, "unknown", N, N),
    ("see description", N, N, "unknown", N, N),
]


def _expected(row: tuple) -> dict[str, object]:
    _text, low, high, period, currency, paid = row
    return {
        "min_annual": low,
        "max_annual": high,
        "period": period,
        "currency": currency,
        "is_paid": paid,
    }


@pytest.mark.parametrize("row", CASES, ids=[row[0] or "<empty>" for row in CASES])
def test_compensation_texts_normalise_to_the_contract(row: tuple) -> None:
    assert normalise_compensation(row[0]).as_contract() == _expected(row)


def test_the_table_covers_at_least_eighty_real_world_strings() -> None:
    assert len({row[0] for row in CASES}) >= 80


def test_raw_amounts_are_kept_in_the_stated_period() -> None:
    pay = normalise_compensation("$18-22/hour")
    assert (pay.amount_min, pay.amount_max) == (18, 22)
    assert pay.source == "compensation"
    project = normalise_compensation("$500 per project")
    assert (project.amount_min, project.amount_max) == (500, 500)
    assert project.min_annual is None


def test_as_contract_gives_exactly_the_contract_keys() -> None:
    keys = set(normalise_compensation("$25/hr").as_contract())
    assert keys == {"min_annual", "max_annual", "period", "currency", "is_paid"}


def test_none_and_blank_text_say_nothing() -> None:
    for text in (None, "", "   \n"):
        assert normalise_compensation(text) == Compensation()


# --- description fallback ----------------------------------------------------

LAB_BODY = """We are looking for a full time Warehouse/Purchasing Associate.
We have a solid 25 years in business.
Requirements:
· 1 - 3 years of work experience
· Able to lift 50-lbs over head & Forklift experience
Compensation:
· $52,000 to $66,800 a year, depending on experience
Benefits:
· 401K
· Paid holidays
Call (925) 555-0142 between 9am and 5pm. 7640 National Dr, Livermore, CA 94550.
"""


def test_pay_only_in_the_body_is_found_when_the_field_says_doe() -> None:
    pay = normalise_compensation("Commensuruate with experience.", LAB_BODY)
    assert pay.as_contract() == {
        "min_annual": 52000.0,
        "max_annual": 66800.0,
        "period": "year",
        "currency": "USD",
        "is_paid": True,
    }
    assert pay.source == "description"


def test_an_empty_compensation_field_falls_back_to_the_body() -> None:
    pay = normalise_compensation(None, "Pay: $25 - $32 per hour, paid weekly.")
    assert (pay.min_annual, pay.max_annual, pay.period) == (52000, 66560, "hour")
    assert pay.source == "description"


def test_a_stated_amount_in_the_field_wins_over_the_body() -> None:
    pay = normalise_compensation("$30/hr", "Salary range $115k-$145k plus equity.")
    assert (pay.min_annual, pay.source) == (62400, "compensation")


def test_the_body_names_the_period_of_a_bare_amount_in_the_field() -> None:
    pay = normalise_compensation("$80", "I can pay $80 for the whole job, cash.")
    assert (pay.period, pay.min_annual, pay.amount_min) == ("project", None, 80)


def test_an_unpaid_field_is_not_overridden_by_numbers_in_the_body() -> None:
    pay = normalise_compensation("no pay", "Shoot is 3-6 hours, $500 of gear.")
    assert (pay.is_paid, pay.min_annual, pay.source) == (False, None, "compensation")


def test_numbers_in_the_body_that_are_not_pay_are_ignored() -> None:
    body = (
        "In business since 1998 with 25 employees. 3+ years experience required. "
        "Must lift 50 lbs. 401k match up to 4%. Rent deposit $500. "
        "We raised $5M last year. Call 555-123-4567, 7am-3pm, Mon-Fri."
    )
    assert normalise_compensation("", body) == Compensation()


def test_the_body_sentence_about_pay_beats_other_amounts() -> None:
    body = "Parking costs $150/month. The salary is $60,000 a year."
    pay = normalise_compensation(None, body)
    assert (pay.min_annual, pay.period) == (60000, "year")


def test_a_period_word_in_the_field_applies_to_amounts_in_the_body() -> None:
    pay = normalise_compensation("hourly", "Pay: $18-20 depending on experience")
    assert (pay.min_annual, pay.max_annual, pay.period) == (37440, 41600, "hour")


def test_a_bare_k_range_counts_in_a_sentence_about_salary() -> None:
    pay = normalise_compensation(None, "Salary: 60-75k DOE. 401(k) with 4% match.")
    assert (pay.min_annual, pay.max_annual, pay.currency) == (60000, 75000, None)


def test_tips_and_bonuses_in_the_body_are_not_the_wage() -> None:
    pay = normalise_compensation(None, "Tips average $30/hr. Base wage $15.")
    assert (pay.amount_min, pay.period) == (15, "hour")
    bonus = normalise_compensation(None, "Sign-on bonus of $1,000! Pay rate $19.50/hr.")
    assert bonus.amount_min == 19.5


def test_a_body_that_says_equity_only_marks_the_job_unpaid() -> None:
    pay = normalise_compensation("", "We are a startup; pay is equity only for now.")
    assert (pay.is_paid, pay.source) == (False, "description")


def test_a_body_that_says_unpaid_marks_the_job_unpaid() -> None:
    pay = normalise_compensation("", "This is unpaid, but you get credit.")
    assert (pay.is_paid, pay.source) == (False, "description")


def test_a_body_that_says_pay_is_doe_marks_the_job_paid() -> None:
    pay = normalise_compensation(None, "Pay is DOE (depends on experience).")
    assert (pay.is_paid, pay.min_annual, pay.source) == (True, None, "description")


def test_paid_holidays_or_unpaid_leave_in_the_body_say_nothing_about_pay() -> None:
    assert normalise_compensation(None, "Benefits: paid holidays.").is_paid is None
    assert normalise_compensation(None, "Benefits: unpaid leave.").is_paid is None


# --- robustness --------------------------------------------------------------

FRAGMENTS = [
    "$", "£", "€", "C$", "25", "22.50", "1.400", "45.000,50", "52,000", "0", "7",
    "100", "2024", "401k", "k", "K", "-", "\u2013", "to", "and", "between", "up to",
    "starting at", "from", "+", "plus", "/hr", "per hour", "a year", "/Monat",
    "monthly", "weekly", "per project", "DOE", "competitive", "no pay", "unpaid",
    "equity", "tips", "(", ")", ",", ".", "\n", "CAD", "USD", "years", "24/7",
    "555-123-4567", "9am", "max", "or more", "free", "bonus", "%", "p.a.", "·",
    "99999999999999999999", "1e308", "½", "٣", "\u00a0", "'",
]  # fmt: skip

pay_texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
)


def _check_invariants(pay: Compensation) -> None:
    assert pay.period in PERIODS
    for value in (pay.min_annual, pay.max_annual, pay.amount_min, pay.amount_max):
        assert value is None or (math.isfinite(value) and value >= 0)
    if pay.min_annual is not None and pay.max_annual is not None:
        assert pay.min_annual <= pay.max_annual
    if pay.amount_min is not None and pay.amount_max is not None:
        assert pay.amount_min <= pay.amount_max
    if pay.is_paid is False:
        assert pay.amount_min is None and pay.amount_max is None
        assert pay.min_annual is None and pay.max_annual is None
    if pay.period in {"project", "unknown"}:
        assert pay.min_annual is None and pay.max_annual is None
    assert pay.source in {"compensation", "description", None}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=pay_texts, description=st.one_of(st.none(), pay_texts))
def test_any_text_normalises_without_raising_and_keeps_the_invariants(
    text: str, description: str | None
) -> None:
    _check_invariants(normalise_compensation(text, description))


@settings(max_examples=200, deadline=None)
@given(
    low=st.integers(min_value=7, max_value=150),
    spread=st.integers(min_value=0, max_value=40),
    joiner=st.sampled_from([" - ", "-", " to ", "\u2013"]),
)
def test_any_hourly_range_annualises_at_2080_hours(
    low: int, spread: int, joiner: str
) -> None:
    pay = normalise_compensation(f"${low}{joiner}${low + spread}/hr")
    assert (pay.min_annual, pay.max_annual) == (low * 2080, (low + spread) * 2080)


def test_pay_at_the_start_of_a_huge_unbroken_text_is_still_read() -> None:
    pay = normalise_compensation("$25/hr " + "x" * 1_000_000)
    assert (pay.min_annual, pay.period) == (52000, "hour")


@pytest.mark.parametrize(
    "text",
    [
        "1 " * 500_000,
        "$1-" * 300_000,
        "1/1/" * 250_000,
        "a." * 500_000,
        "up to " * 160_000 + "$5",
        "9" * 1_000_000,
        "\n".join(["Pay $20/hr. lorem 12 ipsum"] * 40_000),
    ],
    ids=["spaced-digits", "dash-chain", "slashes", "dotted", "qualifiers", "digits",
         "lines"],
)  # fmt: skip
def test_a_megabyte_of_hostile_text_is_read_in_well_under_seconds(text: str) -> None:
    started = time.perf_counter()
    _check_invariants(normalise_compensation(text, text))
    assert time.perf_counter() - started < 5


# --- management command ------------------------------------------------------


def _django_ready() -> bool:
    from django.apps import apps
    from django.conf import settings as django_settings

    return django_settings.configured and apps.ready


def test_parse_compensation_command_prints_one_json_line() -> None:
    if not _django_ready():
        pytest.skip("needs the Django settings (run with pytest-django)")
    from django.core.management import call_command

    out = StringIO()
    call_command("parse_compensation", "$52,000 to $66,800 a year", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "min_annual": 52000,
        "max_annual": 66800,
        "period": "year",
        "currency": "USD",
        "is_paid": True,
    }


def test_parse_compensation_command_reads_the_description_option() -> None:
    if not _django_ready():
        pytest.skip("needs the Django settings (run with pytest-django)")
    from django.core.management import call_command

    out = StringIO()
    call_command("parse_compensation", "DOE", "--description", LAB_BODY, stdout=out)
    assert json.loads(out.getvalue())["min_annual"] == 52000


def test_parse_compensation_command_without_text_is_a_usage_error() -> None:
    if not _django_ready():
        pytest.skip("needs the Django settings (run with pytest-django)")
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"TEXT|text"):
        call_command("parse_compensation")
