"""Scoring a lead against a profile: filters, weights, grades, batches."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.features import LeadFeatures, extract_features
from qualification.scoring import (
    DEFAULT_THRESHOLDS,
    FACTORS,
    HARD_FILTERS,
    ProfileConfig,
    grade_for,
    score_batch,
    score_one,
)

NOW = datetime(2025, 6, 1, tzinfo=UTC).timestamp()
DAY = 86_400.0
BLANK = LeadFeatures.from_dict({})


def lead(**fields: Any) -> LeadFeatures:
    return replace(BLANK, **fields)


def profile(**settings: dict[str, Any]) -> ProfileConfig:
    """The default profile with some criterion configs replaced or added."""
    base = ProfileConfig.default()
    return replace(base, settings={**base.settings, **settings})


SEED = extract_features(
    title="Senior Python Developer",
    description=(
        "We build our APIs in Python with FastAPI and Postgres. Fully remote "
        "within the US. 5+ years of experience with Python."
    ),
    compensation="$120,000 - $140,000",
    is_remote=True,
    posted_at=datetime(2025, 5, 28, tzinfo=UTC),
    company="Acme Analytics",
    category="sof",
)


def test_the_seed_example_scores_high_with_a_matching_salary_reason() -> None:
    result = score_one(
        SEED,
        profile(
            salary={"min_annual": 100000, "max_annual": 160000},
            keywords={"required": ["python", "fastapi"]},
        ),
        now=NOW,
    )
    assert result.score > 0.8
    assert result.grade in {"A", "B"}
    assert result.passed and result.failed_filter is None
    assert any(r.startswith("Salary range matches") for r in result.reasons)
    assert result.breakdown["salary"]["score"] == 1.0


def test_the_result_is_json_safe_and_has_one_sentence_per_weighted_factor() -> None:
    result = score_one(SEED, ProfileConfig.default(), now=NOW)
    data = json.loads(json.dumps(result.as_dict(), allow_nan=False))
    assert set(data) == {
        "score",
        "grade",
        "passed",
        "failed_filter",
        "reasons",
        "breakdown",
    }
    assert list(data["breakdown"]) == list(FACTORS)
    assert len(data["reasons"]) == len(FACTORS)
    assert set(data["breakdown"]["salary"]) == {"score", "weight", "reason"}


def test_factors_with_nothing_to_compare_are_left_out_of_the_total() -> None:
    unset = replace(ProfileConfig.default(), settings={})
    result = score_one(lead(salary_min=150000.0, is_paid=True), unset, now=NOW)
    # With no configs, only the company factor (scam wording) still counts.
    assert [k for k, v in result.breakdown.items() if v["weight"]] == ["company"]
    assert result.breakdown["keywords"]["reason"] == (
        "No keywords set, so keywords are not counted"
    )


# --- hard filters -------------------------------------------------------------

FAILING: list[tuple[str, dict[str, Any], LeadFeatures, str]] = [
    (
        "pay_floor",
        {"min_annual": 50000},
        lead(salary_min=30000.0, salary_max=40000.0, is_paid=True),
        "Pay floor: $30k\u2013$40k a year is below your $50k a year floor",
    ),
    (
        "pay_floor",
        {"min_annual": 50000},
        lead(is_paid=False),
        "Pay floor: unpaid, and you need at least $50k a year",
    ),
    ("remote_required", {}, lead(remote=0.0), "Remote required: the job is on-site"),
    (
        "remote_required",
        {},
        lead(remote=0.5),
        "Remote required: the job is hybrid, partly in the office",
    ),
    (
        "categories",
        {"allowed": ["sof", "web"]},
        lead(category="fbh"),
        "Category fbh is not one of your categories: sof, web",
    ),
    (
        "blocked_words",
        {"words": ["commission only"]},
        extract_features(title="Sales rep", description="Pay is commission only."),
        "Blocked words: the posting mentions commission only",
    ),
    (
        "blocked_posters",
        {"emails": ["spam@example.com"], "companies": []},
        lead(poster="spam@example.com"),
        "Blocked poster: spam@example.com is on your blocklist",
    ),
    (
        "blocked_posters",
        {"emails": ["@scam.example"]},
        lead(poster="hr@scam.example"),
        "Blocked poster: hr@scam.example is on your blocklist",
    ),
    (
        "blocked_posters",
        {"companies": ["ACME Staffing"]},
        lead(company="acme staffing"),
        "Blocked poster: company acme staffing is on your blocklist",
    ),
    (
        "max_age",
        {"days": 30},
        lead(posted_at=NOW - 45 * DAY),
        "Too old: posted 45 days ago, past your 30-day limit",
    ),
]


@pytest.mark.parametrize(
    ("name", "config", "features", "sentence"),
    FAILING,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(FAILING)],
)
def test_each_hard_filter_fails_with_its_name_and_a_sentence(
    name: str, config: dict[str, Any], features: LeadFeatures, sentence: str
) -> None:
    result = score_one(features, profile(**{name: config}), now=NOW)
    assert (result.passed, result.failed_filter, result.grade) == (False, name, "F")
    assert result.reasons[0] == sentence
    assert 0.0 <= result.score <= 1.0  # still computed and reported


@pytest.mark.parametrize(
    ("name", "config", "features", "sentence"),
    FAILING,
    ids=[f"{case[0]}-{i}" for i, case in enumerate(FAILING)],
)
def test_each_hard_filter_passes_when_absent_or_inactive(
    name: str, config: dict[str, Any], features: LeadFeatures, sentence: str
) -> None:
    assert score_one(features, ProfileConfig.default(), now=NOW).failed_filter is None
    rows = [(name, config, 0, False), ("salary", {"min_annual": 1}, 30, True)]
    inactive = ProfileConfig.from_rows(rows)
    assert score_one(features, inactive, now=NOW).passed


@pytest.mark.parametrize(
    ("name", "config", "features"),
    [
        ("pay_floor", {"min_annual": 50000}, lead()),
        ("pay_floor", {"min_annual": 50000}, lead(salary_min=40e3, salary_max=60e3)),
        ("remote_required", {}, lead()),
        ("remote_required", {"allow_hybrid": True}, lead(remote=0.5)),
        ("categories", {"allowed": ["sof"]}, lead(category="")),
        ("categories", {"allowed": []}, lead(category="fbh")),
        ("blocked_words", {"words": ["commission only"]}, lead(body_terms={"onli": 1})),
        (
            "blocked_posters",
            {"emails": ["a@b.c"], "companies": ["x"]},
            lead(poster="d@b.c"),
        ),
        ("max_age", {"days": 30}, lead(posted_at=NOW - 29 * DAY)),
        ("max_age", {"days": 30}, lead()),
    ],
)
def test_hard_filters_pass_what_they_cannot_hold_against_a_lead(
    name: str, config: dict[str, Any], features: LeadFeatures
) -> None:
    assert score_one(features, profile(**{name: config}), now=NOW).passed


def test_unstated_remote_fails_only_when_asked_to() -> None:
    strict = profile(remote_required={"allow_unstated": False})
    result = score_one(lead(), strict, now=NOW)
    assert result.reasons[0] == "Remote required: the posting does not say it is remote"


def test_the_first_failing_filter_in_order_is_reported() -> None:
    both = profile(max_age={"days": 1}, pay_floor={"min_annual": 50000})
    failing = lead(is_paid=False, posted_at=NOW - 10 * DAY)
    assert score_one(failing, both, now=NOW).failed_filter == HARD_FILTERS[0]


# --- profiles and grades ------------------------------------------------------


def test_profile_rows_set_weights_configs_and_active_filters() -> None:
    config = ProfileConfig.from_rows(
        [
            ("salary", {"min_annual": 1}, 30, True),
            ("keywords", {"required": ["go"]}, 25, False),
            ("max_age", {"days": 3}, 0, True),
            ("pay_floor", {"min_annual": 3}, 0, False),
            ("mystery", {}, 99, True),
        ],
        thresholds={"A": 0.9},
    )
    assert config.weights == {
        "salary": 30.0,
        "keywords": 0.0,
        "location": 0.0,
        "experience": 0.0,
        "company": 0.0,
    }
    assert set(config.settings) == {"salary", "keywords", "max_age"}
    assert config.thresholds == {**DEFAULT_THRESHOLDS, "A": 0.9}


def test_the_default_profile_uses_the_design_weights() -> None:
    assert ProfileConfig.default().weights == {
        "salary": 30,
        "keywords": 25,
        "location": 20,
        "experience": 15,
        "company": 10,
    }


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (1.0, "A"),
        (0.8, "A"),
        (0.79, "B"),
        (0.65, "B"),
        (0.5, "C"),
        (0.35, "D"),
        (0.1, "F"),
    ],
)
def test_grades_come_from_the_thresholds(score: float, grade: str) -> None:
    assert grade_for(score, DEFAULT_THRESHOLDS) == grade


def test_batch_grades_use_the_same_thresholds_as_grade_for() -> None:
    leads = [lead(salary_min=s, is_paid=True) for s in (20e3, 50e3, 80e3, 99e3, 150e3)]
    config = profile(salary={"min_annual": 100000})
    batch = score_batch(leads, config, now=NOW)
    assert batch.grades.dtype == np.dtype("<U1") and len(batch) == 5
    assert list(batch.grades) == [grade_for(s, config.thresholds) for s in batch.scores]
    assert batch.factor_scores.shape == (5, len(FACTORS))


def test_an_empty_batch_scores_nothing() -> None:
    batch = score_batch([], ProfileConfig.default(), now=NOW)
    assert len(batch) == 0 and batch.factor_scores.shape == (0, len(FACTORS))


# --- properties ---------------------------------------------------------------

maybe_float = st.none() | st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
unknown_or = st.sampled_from([math.nan, 0.0, 0.5, 1.0])
stems = st.sampled_from(
    ["python", "develop", "remot", "sql", "docker", "commiss", "onli"]
)
bags = st.dictionaries(stems, st.integers(1, 5), max_size=5)

features_st = st.builds(
    LeadFeatures,
    title_terms=bags,
    body_terms=bags,
    body_length=st.integers(0, 2000),
    salary_min=maybe_float,
    salary_max=maybe_float,
    is_paid=st.none() | st.booleans(),
    remote=unknown_or,
    latitude=st.none() | st.floats(-90, 90),
    longitude=st.none() | st.floats(-180, 180),
    posted_at=st.none() | st.floats(NOW - 90 * DAY, NOW + DAY),
    seniority=st.sampled_from([math.nan, 0.0, 1.0, 2.0, 3.0, 4.0]),
    years_required=st.sampled_from([math.nan, 0.0, 2.0, 5.0, 12.0]),
    category=st.sampled_from(["", "sof", "fbh"]),
    company=st.sampled_from(["", "acme"]),
    poster=st.sampled_from(["", "a@b.c"]),
    recruiter_cues=st.integers(0, 3),
    scam_cues=st.integers(0, 3),
    nonprofit=st.booleans(),
    company_size=st.sampled_from([None, "small", "large"]),
    industries=st.frozensets(st.sampled_from(["tech", "retail", "healthcare"])),
)
junk = st.none() | st.text(max_size=5) | st.integers(-5, 5) | st.floats()
words = st.lists(st.sampled_from(["python", "sql", "docker", "machine learning", ""]))
settings_st = st.fixed_dictionaries(
    {},
    optional={
        "salary": st.fixed_dictionaries(
            {}, optional={"min_annual": maybe_float | junk, "max_annual": maybe_float}
        ),
        "keywords": st.fixed_dictionaries(
            {"required": words, "nice_to_have": words},
            optional={"synonyms": st.just({"python": ["py"]})},
        ),
        "location": st.fixed_dictionaries(
            {"prefer_remote": st.booleans() | junk},
            optional={
                "home": st.none() | st.just({"latitude": 37.77, "longitude": -122.42}),
                "max_commute_km": junk,
            },
        ),
        "experience": st.fixed_dictionaries(
            {},
            optional={
                "seniority": st.lists(
                    st.sampled_from(["entry", "senior", "lead", "x"])
                ),
                "max_years_required": junk,
                "skills": words,
            },
        ),
        "company": st.fixed_dictionaries(
            {},
            optional={
                "avoid_recruiters": st.booleans(),
                "prefer_nonprofit": st.booleans(),
                "preferred_size": st.sampled_from([None, "small", "large", "huge"]),
                "industries": st.lists(st.sampled_from(["tech", "retail", "x"])),
            },
        ),
        "pay_floor": st.fixed_dictionaries({"min_annual": maybe_float}),
        "remote_required": st.just({}),
        "blocked_words": st.fixed_dictionaries({"words": words}),
        "max_age": st.fixed_dictionaries({"days": junk}),
    },
)
weights_st = st.fixed_dictionaries(
    {name: st.floats(-10, 100) | st.just(math.nan) for name in FACTORS}
)
profiles = st.builds(
    ProfileConfig, weights=weights_st, settings=settings_st, thresholds=st.just({})
).map(lambda p: replace(p, thresholds=dict(DEFAULT_THRESHOLDS)))
quick = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@quick
@given(st.lists(features_st, min_size=1, max_size=6), profiles)
def test_scores_stay_within_zero_and_one_and_batches_match_single_leads(
    leads: list[LeadFeatures], config: ProfileConfig
) -> None:
    batch = score_batch(leads, config, now=NOW)
    assert np.all((batch.scores >= 0) & (batch.scores <= 1))
    assert np.all((batch.factor_scores >= 0) & (batch.factor_scores <= 1))
    for i, features in enumerate(leads):
        alone = score_one(features, config, now=NOW).as_dict()
        together = batch.result(i).as_dict()
        assert alone["score"] == pytest.approx(together.pop("score"), abs=1e-12)
        alone.pop("score")
        for part in (*alone["breakdown"].values(), *together["breakdown"].values()):
            part["score"] = round(part["score"], 9)
        assert alone == together
        json.dumps(together, allow_nan=False)


@quick
@given(
    features_st,
    profiles,
    st.floats(0, 300_000),
    st.floats(0, 300_000),
    st.floats(0, 100_000),
    st.floats(0, 100_000),
)
def test_widening_the_salary_overlap_never_lowers_the_score(
    features: LeadFeatures,
    config: ProfileConfig,
    a: float,
    b: float,
    raise_low: float,
    raise_high: float,
) -> None:
    low, high = sorted((a, b))
    wider_high = high + raise_high
    wider_low = min(low + raise_low, wider_high)
    config = replace(
        config,
        settings={
            **config.settings,
            "salary": {"min_annual": 100000, "max_annual": 160000},
        },
    )
    before = replace(features, salary_min=low, salary_max=high, is_paid=True)
    after = replace(features, salary_min=wider_low, salary_max=wider_high, is_paid=True)
    batch = score_batch([before, after], config, now=NOW)
    assert batch.factor_scores[1, 0] >= batch.factor_scores[0, 0]
    assert batch.scores[1] >= batch.scores[0] - 1e-12


@quick
@given(features_st, profiles, st.sampled_from(["python", "sql", "machine learning"]))
def test_adding_a_required_keyword_to_the_title_never_lowers_the_score(
    features: LeadFeatures, config: ProfileConfig, keyword: str
) -> None:
    keywords = dict(config.settings.get("keywords", {}))
    keywords["required"] = [*keywords.get("required", []), keyword]
    config = replace(config, settings={**config.settings, "keywords": keywords})
    title = dict(features.title_terms)
    for stem in {"python": ["python"], "sql": ["sql"]}.get(
        keyword, ["machin", "learn"]
    ):
        title[stem] = title.get(stem, 0) + 1
    richer = replace(features, title_terms=title)
    batch = score_batch([features, richer], config, now=NOW)
    assert batch.scores[1] >= batch.scores[0] - 1e-12
