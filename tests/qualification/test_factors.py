"""Each soft factor: its sub-score and the sentence a person can check."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification import factors as fx
from qualification.features import LeadArrays, LeadFeatures, extract_features

BLANK = LeadFeatures.from_dict({})


def lead(**fields: Any) -> LeadFeatures:
    return replace(BLANK, **fields)


def judge(factor: fx.Factor, *leads: LeadFeatures) -> list[tuple[float, str]]:
    arrays = LeadArrays(leads, factor.terms())
    scores = factor.scores(arrays)
    return [(float(scores[i]), factor.reason(arrays, i)) for i in range(len(leads))]


def one(factor: fx.Factor, f: LeadFeatures) -> tuple[float, str]:
    return judge(factor, f)[0]


# --- salary -------------------------------------------------------------------

WANT = fx.Salary({"min_annual": 100000, "max_annual": 160000})


def pay(low: float | None, high: float | None) -> LeadFeatures:
    return lead(salary_min=low, salary_max=high, is_paid=True)


def test_a_range_inside_the_wanted_one_matches_fully() -> None:
    score, reason = one(WANT, pay(120000, 140000))
    assert score == 1.0
    assert reason == (
        "Salary range matches: $120k\u2013$140k a year is within your $100k\u2013$160k"
    )


def test_a_range_above_the_wanted_one_matches_fully() -> None:
    score, reason = one(WANT, pay(170000, 190000))
    assert score == 1.0 and "is above your $100k\u2013$160k" in reason


def test_a_straddling_range_scores_by_how_much_of_it_is_wanted() -> None:
    (half, reason), (most, _) = judge(WANT, pay(90000, 110000), pay(90000, 150000))
    assert half == pytest.approx(0.75) and 0.5 < half < most < 1.0
    assert reason == (
        "Salary $90k\u2013$110k a year overlaps your $100k\u2013$160k range "
        "(50% of it is at or above $100k)"
    )


def test_pay_below_the_range_scores_under_half_and_falls_with_the_gap() -> None:
    (near, reason), (far, _), (very_far, _) = judge(
        WANT, pay(80000, 90000), pay(60000, 70000), pay(20000, 30000)
    )
    assert 0.5 > near > far > very_far == 0.0
    assert reason == (
        "Salary $80k\u2013$90k a year is below your $100k\u2013$160k range "
        "($10k short of $100k)"
    )


def test_unpaid_scores_zero_and_unstated_pay_scores_half() -> None:
    (unpaid, why_unpaid), (unknown, why_unknown) = judge(
        WANT, lead(is_paid=False), lead()
    )
    assert (unpaid, why_unpaid) == (0.0, "Unpaid: the posting offers no pay")
    assert (unknown, why_unknown) == (0.5, "Pay is not stated")


def test_a_one_sided_figure_stands_for_both_ends() -> None:
    score, reason = one(WANT, pay(None, 120000))
    assert score == 1.0 and "$120k a year is within" in reason


def test_salary_without_a_wanted_range_is_not_counted() -> None:
    factor = fx.Salary({})
    assert not factor.configured
    assert "not counted" in one(factor, pay(1, 2))[1]


amounts = st.floats(min_value=0, max_value=400_000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(amounts, amounts, amounts, amounts, amounts)
def test_salary_never_falls_when_either_end_of_the_pay_rises(
    want: float, a: float, b: float, up_low: float, up_high: float
) -> None:
    factor = fx.Salary({"min_annual": want, "max_annual": want + 50_000})
    low, high = sorted((a, b))
    raised_high = high + up_high
    raised_low = min(low + up_low, raised_high)
    before, after = judge(factor, pay(low, high), pay(raised_low, raised_high))
    assert after[0] >= before[0]


# --- keywords -----------------------------------------------------------------


def posting(title: str, description: str) -> LeadFeatures:
    return extract_features(title=title, description=description)


def test_word_forms_match_through_stems() -> None:
    factor = fx.Keywords({"required": ["developer", "develop"]})
    score, reason = one(factor, posting("Developers wanted", "Developing apps daily."))
    assert score > 0.95
    assert reason.startswith("Title mentions developer, develop")


def test_synonyms_count_as_the_term_and_are_named() -> None:
    factor = fx.Keywords(
        {"required": ["python"], "synonyms": {"Python": ["py", "django"]}}
    )
    score, reason = one(
        factor, posting("Web developer", "Our stack: Django, Postgres.")
    )
    assert score > 0.7
    assert reason.startswith("Body mentions python (as django)")


def test_a_term_in_the_title_counts_more_than_in_the_body() -> None:
    factor = fx.Keywords({"required": ["rust"]})
    (title, _), (body, _) = judge(
        factor,
        posting("Rust engineer", "Systems work in a small team."),
        posting("Systems engineer", "Systems work in Rust in a small team."),
    )
    assert title > body > 0


def test_a_phrase_needs_all_its_words() -> None:
    factor = fx.Keywords({"required": ["machine learning"]})
    (both, _), (half, reason) = judge(
        factor,
        posting("ML engineer", "Machine learning at scale."),
        posting("Machinist", "Operate the machine."),
    )
    assert both > 0.7 and half < 0.1
    assert "missing: machine learning" in reason


def test_required_terms_dominate_nice_to_have_ones() -> None:
    factor = fx.Keywords({"required": ["python"], "nice_to_have": ["aws", "docker"]})
    (required_only, _), (nice_only, _) = judge(
        factor,
        posting("Python developer", "Build services."),
        posting("Developer", "AWS and Docker."),
    )
    assert required_only > 0.7 > 0.3 > nice_only


def test_the_keyword_sentence_names_what_was_found_and_what_is_missing() -> None:
    factor = fx.Keywords(
        {"required": ["python", "fastapi", "kubernetes"], "nice_to_have": ["django"]}
    )
    _, reason = one(factor, posting("Python developer", "We use FastAPI and Python."))
    assert reason == (
        "Title mentions python; body mentions fastapi; missing: kubernetes; "
        "no django (nice to have); 2 keyword hits in 5 body words"
    )


# --- location -----------------------------------------------------------------

SF = {"latitude": 37.7749, "longitude": -122.4194}
OAKLAND = {"latitude": 37.8044, "longitude": -122.2712}
SACRAMENTO = {"latitude": 38.5816, "longitude": -121.4944}


def test_great_circle_distance_is_right() -> None:
    km = fx.haversine_km(
        np.array([OAKLAND["latitude"]]),
        np.array([OAKLAND["longitude"]]),
        37.7749,
        -122.4194,
    )
    assert km[0] == pytest.approx(13.4, abs=0.2)


def test_remote_scores_full_whatever_the_distance() -> None:
    factor = fx.Location({"prefer_remote": True, "home": SF, "max_commute_km": 40})
    assert one(factor, lead(remote=1.0, **SACRAMENTO)) == (1.0, "Remote: no commute")


def test_commute_within_the_limit_beats_one_beyond_it() -> None:
    factor = fx.Location({"prefer_remote": False, "home": SF, "max_commute_km": 40})
    (near, near_why), (far, far_why) = judge(
        factor, lead(remote=0.0, **OAKLAND), lead(remote=0.0, **SACRAMENTO)
    )
    assert near > 0.9 > 0.5 > far
    assert near_why == "On-site, 13 km from home, within your 40 km commute"
    assert far_why == "On-site, 121 km from home, beyond your 40 km commute"


def test_on_site_scores_low_when_remote_is_preferred_and_no_home_is_set() -> None:
    factor = fx.Location({"prefer_remote": True, "home": None})
    (onsite, why), (hybrid, _), (unknown, _) = judge(
        factor, lead(remote=0.0), lead(remote=0.5), lead()
    )
    assert onsite < unknown < hybrid < 1.0
    assert onsite <= 0.2
    assert (
        why == "On-site, no home location set to judge the commute; you prefer remote"
    )


def test_an_unknown_place_is_said_when_a_home_is_set() -> None:
    factor = fx.Location({"prefer_remote": False, "home": SF})
    assert one(factor, lead(remote=0.0)) == (
        0.5,
        "On-site, the posting's location is unknown",
    )


def test_hybrid_near_home_beats_hybrid_far_away() -> None:
    factor = fx.Location({"prefer_remote": True, "home": SF})
    (near, _), (far, _) = judge(
        factor, lead(remote=0.5, **OAKLAND), lead(remote=0.5, **SACRAMENTO)
    )
    assert near > far


# --- experience ---------------------------------------------------------------


def test_wanted_seniority_scores_above_a_distant_one() -> None:
    factor = fx.Experience({"seniority": ["mid", "senior"]})
    (senior, why), (lead_level, _), (intern, _), (unknown, why_unknown) = judge(
        factor, lead(seniority=3.0), lead(seniority=4.0), lead(seniority=0.0), lead()
    )
    assert senior == 1.0 > lead_level > unknown > intern
    assert why == "Seniority senior matches your mid, senior"
    assert why_unknown == "Seniority not stated (you want mid, senior)"


def test_asking_for_more_years_than_your_maximum_lowers_the_score() -> None:
    factor = fx.Experience({"max_years_required": 5})
    (fits, why_fits), (over, why_over), (unstated, _) = judge(
        factor, lead(years_required=3.0), lead(years_required=8.0), lead()
    )
    assert fits == unstated == 1.0 > over
    assert why_fits == "Asks for 3+ years, within your max 5"
    assert why_over == "Asks for 8+ years, over your max 5"


def test_skills_count_by_share_found() -> None:
    factor = fx.Experience({"skills": ["sql", "docker", "ci/cd"]})
    score, why = one(factor, posting("Data engineer", "SQL daily; CI/CD pipelines."))
    assert score == pytest.approx(2 / 3)
    assert why == "Skills found: sql, ci/cd, missing: docker"


# --- company ------------------------------------------------------------------


def test_recruiter_wording_costs_when_recruiters_are_avoided() -> None:
    agency = posting("Java developer", "Our client, a bank, seeks a developer.")
    direct = posting("Java developer", "We are a bank seeking a developer.")
    avoid = fx.Company({"avoid_recruiters": True})
    (via_agency, why), (from_employer, why_direct) = judge(avoid, agency, direct)
    assert via_agency < 0.5 < from_employer
    assert why == "Recruiter or agency wording (our client)"
    assert why_direct == "No recruiter or agency wording"
    indifferent = fx.Company({"avoid_recruiters": False})
    assert one(indifferent, agency)[0] == one(indifferent, direct)[0]


def test_scam_wording_costs_heavily_and_is_named() -> None:
    scam = posting(
        "Assistant", "Payment by cashier's check; send the rest by Western Union."
    )
    score, why = one(fx.Company({}), scam)
    assert score < 0.1
    assert why.startswith("Possible scam: mentions western union, cashier's check")


def test_cues_counted_under_an_older_vocabulary_are_still_reported() -> None:
    _, why = one(fx.Company({}), lead(scam_cues=2))
    assert why == "Possible scam: mentions 2 such phrases"


def test_nonprofit_size_and_industry_preferences_add_up() -> None:
    factor = fx.Company(
        {
            "prefer_nonprofit": True,
            "preferred_size": "small",
            "industries": ["healthcare"],
        }
    )
    fits = lead(
        nonprofit=True, company_size="small", industries=frozenset({"healthcare"})
    )
    misfits = lead(company_size="large", industries=frozenset({"retail"}))
    (good, why_good), (bad, why_bad) = judge(factor, fits, misfits)
    assert good > 0.9 and bad < 0.2
    assert why_good == (
        "A non-profit; small-company cues, as you prefer; industry healthcare "
        "matches your healthcare"
    )
    assert why_bad == (
        "Not a non-profit; large-company cues, you prefer small; industry retail, "
        "not your healthcare"
    )


def test_an_unset_company_config_judges_only_scam_wording() -> None:
    factor = fx.Company({})
    (clean, why), (agency, _) = judge(factor, lead(), lead(recruiter_cues=2))
    assert clean == agency == 0.5
    assert why == "Nothing notable about the poster"


# --- config reading -----------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [({"n": "60000"}, 60000.0), ({"n": "lots"}, None), ({"n": True}, None), ({}, None)],
)
def test_config_numbers_may_be_strings_and_junk_reads_as_unset(
    config: dict[str, Any], expected: float | None
) -> None:
    assert fx.number(config, "n") == expected


def test_a_single_word_stands_for_a_list() -> None:
    assert fx.words({"w": "python"}, "w") == ["python"]
    assert fx.words({"w": [" go ", "", 3, None]}, "w") == ["go", "3"]


def test_no_factor_scores_outside_zero_to_one_on_blank_leads() -> None:
    for factor in fx.build_factors({}):
        assert all(
            0.0 <= s <= 1.0 and not math.isnan(s) for s, _ in judge(factor, BLANK)
        )
