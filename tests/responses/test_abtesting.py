"""Pure A/B statistics: stable assignment, Beta posteriors, chance to beat control."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from responses import abtesting as ab
from responses.abtesting import VariantCounts

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def counts(
    name: str, sent: int, replies: int, interviews: int = 0, *, control: bool = False
) -> VariantCounts:
    return VariantCounts(name, sent, replies, interviews, is_control=control)


def result(report: ab.TestReport, name: str) -> ab.VariantResult:
    return next(v for v in report.variants if v.name == name)


# --- Assignment -----------------------------------------------------------------------


def test_assignment_is_stable_for_the_same_inputs() -> None:
    first = [ab.assign_variant("t1", f"lead-{i}", ["A", "B", "C"]) for i in range(200)]
    again = [ab.assign_variant("t1", f"lead-{i}", ["A", "B", "C"]) for i in range(200)]
    assert first == again


def test_assignment_matches_pinned_vectors() -> None:
    # Computed once and pinned: a change here reshuffles every running test.
    assert ab.assign_variant("t1", "lead-42", ["A", "B"]) == "B"
    assert [ab.assign_variant("t1", f"lead-{i}", ["A", "B"]) for i in range(12)] == [
        "A", "B", "B", "B", "B", "A", "A", "B", "A", "A", "A", "B",
    ]  # fmt: skip
    weighted = [
        ab.assign_variant(
            "subject-line", f"lead-{i}", ["control", "short", "long"], [2, 1, 1]
        )
        for i in range(12)
    ]
    assert weighted == [
        "long", "control", "short", "short", "short", "long",
        "control", "control", "long", "long", "control", "short",
    ]  # fmt: skip


def test_assignment_follows_the_documented_sha256_recipe() -> None:
    # Spelled out so another language (a JS preview, a SQL report) can match it.
    for i in range(50):
        digest = hashlib.sha256(f"recipe:lead-{i}".encode()).digest()
        unit = (int.from_bytes(digest[:8], "big") >> 11) / 2**53
        expected = ["A", "B", "C", "D"][int(unit * 4)]
        variant = ab.assign_variant("recipe", f"lead-{i}", ["A", "B", "C", "D"])
        assert variant == expected


def test_two_variants_split_ten_thousand_leads_roughly_evenly() -> None:
    tally = Counter(
        ab.assign_variant("even-split", f"lead-{i}", ["A", "B"]) for i in range(10_000)
    )
    assert set(tally) == {"A", "B"}
    for variant in ("A", "B"):
        assert 0.47 <= tally[variant] / 10_000 <= 0.53


def test_weights_skew_the_split_and_a_zero_weight_is_never_chosen() -> None:
    tally = Counter(
        ab.assign_variant("weighted", f"lead-{i}", ["A", "B", "off"], [0.8, 0.2, 0.0])
        for i in range(10_000)
    )
    assert tally["off"] == 0
    assert 0.77 <= tally["A"] / 10_000 <= 0.83
    assert 0.17 <= tally["B"] / 10_000 <= 0.23


def test_variant_order_matters_but_a_fixed_order_is_stable() -> None:
    # Documented behaviour: buckets follow list order, so reordering moves leads.
    leads = [f"lead-{i}" for i in range(500)]
    forward = [ab.assign_variant("order", lead, ["A", "B"]) for lead in leads]
    assert forward == [ab.assign_variant("order", lead, ["A", "B"]) for lead in leads]
    backward = [ab.assign_variant("order", lead, ["B", "A"]) for lead in leads]
    assert forward != backward


def test_a_fresh_interpreter_with_another_hash_seed_assigns_the_same_variants() -> None:
    leads = [f"lead-{i}" for i in range(20)]
    in_process = [ab.assign_variant("t1", lead, ["A", "B", "C"]) for lead in leads]
    code = (
        "from responses.abtesting import assign_variant\n"
        f"print(','.join(assign_variant('t1', l, ['A', 'B', 'C']) for l in {leads!r}))"
    )
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        output = subprocess.run(
            [sys.executable, "-c", code],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        assert output.strip().split(",") == in_process


@pytest.mark.parametrize(
    ("variants", "weights", "complaint"),
    [
        ([], None, "at least one variant"),
        (["A", "B"], [1.0], "one weight per variant"),
        (["A", "B"], [1.0, -1.0], "non-negative"),
        (["A", "B"], [1.0, math.nan], "finite"),
        (["A", "B"], [0.0, 0.0], "positive"),
        (["A", "A"], None, "unique"),
    ],
)
def test_assignment_rejects_unusable_variant_lists(
    variants: list[str], weights: list[float] | None, complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        ab.assign_variant("t", "lead", variants, weights)


# --- Beta distribution helpers --------------------------------------------------------


@pytest.mark.parametrize("p", [0.001, 0.025, 0.3, 0.5, 0.975, 0.999])
def test_uniform_beta_quantiles_equal_the_probability(p: float) -> None:
    assert ab.beta_quantile(p, 1, 1) == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize("shape", [0.5, 2, 7, 40])
@pytest.mark.parametrize("p", [0.025, 0.5, 0.975])
def test_one_sided_beta_quantiles_match_their_closed_forms(
    shape: float, p: float
) -> None:
    # Beta(a, 1) has CDF x**a; Beta(1, b) has CDF 1 - (1 - x)**b.
    assert ab.beta_quantile(p, shape, 1) == pytest.approx(p ** (1 / shape), abs=1e-9)
    assert ab.beta_quantile(p, 1, shape) == pytest.approx(
        1 - (1 - p) ** (1 / shape), abs=1e-9
    )


def test_beta_two_two_has_median_one_half_and_its_known_cdf() -> None:
    assert ab.beta_quantile(0.5, 2, 2) == pytest.approx(0.5, abs=1e-9)
    for x in (0.1, 0.25, 0.7, 0.95):
        assert ab.beta_cdf(x, 2, 2) == pytest.approx(3 * x**2 - 2 * x**3, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    p=st.floats(0.001, 0.999),
    a=st.floats(0.5, 500),
    b=st.floats(0.5, 500),
)
def test_beta_quantiles_mirror_when_the_parameters_swap(
    p: float, a: float, b: float
) -> None:
    assert ab.beta_quantile(p, a, b) == pytest.approx(
        1 - ab.beta_quantile(1 - p, b, a), abs=1e-6
    )


@settings(max_examples=80, deadline=None)
@given(a=st.integers(1, 60), b=st.integers(1, 60), x=st.floats(0.001, 0.999))
def test_beta_cdf_matches_the_binomial_tail_for_integer_parameters(
    a: int, b: int, x: float
) -> None:
    n = a + b - 1
    tail = math.fsum(
        math.comb(n, k) * x**k * (1 - x) ** (n - k) for k in range(a, n + 1)
    )
    assert ab.beta_cdf(x, a, b) == pytest.approx(tail, abs=1e-10)


@pytest.mark.parametrize(("a", "b"), [(3, 5), (51, 951), (5_001, 995_001)])
def test_quantiles_are_accurate_in_x_even_for_large_samples(a: int, b: int) -> None:
    # Accuracy is promised in x: the true quantile lies within 1e-9 of the answer.
    for p in (0.025, 0.5, 0.975):
        x = ab.beta_quantile(p, a, b)
        assert ab.beta_cdf(x - 1e-9, a, b) < p < ab.beta_cdf(x + 1e-9, a, b)


@pytest.mark.parametrize(("replies", "sent"), [(0, 30), (3, 40), (30, 100), (97, 100)])
def test_credible_interval_matches_monte_carlo_percentiles(
    replies: int, sent: int
) -> None:
    rng = np.random.Generator(np.random.PCG64(7))
    samples = rng.beta(1 + replies, 1 + sent - replies, size=400_000)
    low, high = ab.credible_interval(replies, sent)
    assert low == pytest.approx(float(np.quantile(samples, 0.025)), abs=2e-3)
    assert high == pytest.approx(float(np.quantile(samples, 0.975)), abs=2e-3)


def test_interval_contains_the_observed_rate_and_narrows_with_more_data() -> None:
    widths = []
    for sent in (40, 400, 4000):
        replies = sent // 4
        low, high = ab.credible_interval(replies, sent)
        assert low < replies / sent < high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]


# --- Comparing two posteriors ---------------------------------------------------------


def test_exact_chance_has_known_small_values() -> None:
    assert ab.exact_chance_to_beat(1, 1, 1, 1) == pytest.approx(0.5, abs=1e-12)
    # X1 has density 2x, X2 is uniform: P(X1 > X2) = integral of 2x * x = 2/3.
    assert ab.exact_chance_to_beat(2, 1, 1, 1) == pytest.approx(2 / 3, abs=1e-12)
    assert ab.exact_chance_to_beat(1, 1, 2, 1) == pytest.approx(1 / 3, abs=1e-12)


# Each row makes a different parameter the smallest, so every rewrite of the
# closed form (direct, complement, mirrored, mirrored complement) is exercised.
COMPARISONS = [
    (31, 71, 11, 91),
    (11, 91, 31, 71),
    (71, 31, 91, 11),
    (91, 11, 71, 31),
    (5, 20, 7, 30),
    (40, 60, 45, 55),
    (1, 30, 1, 30),
    (13, 200, 9, 180),
]


@pytest.mark.parametrize(("a1", "b1", "a2", "b2"), COMPARISONS)
def test_exact_and_monte_carlo_comparisons_agree(
    a1: int, b1: int, a2: int, b2: int
) -> None:
    chance, loss = ab.simulate_comparison(a1, b1, a2, b2, draws=20_000, seed=3)
    assert ab.exact_chance_to_beat(a1, b1, a2, b2) == pytest.approx(chance, abs=0.01)
    assert ab.exact_expected_loss(a1, b1, a2, b2) == pytest.approx(loss, abs=0.002)


@pytest.mark.parametrize(("a1", "b1", "a2", "b2"), COMPARISONS)
def test_chances_of_a_pair_in_both_directions_sum_to_one(
    a1: int, b1: int, a2: int, b2: int
) -> None:
    forward = ab.exact_chance_to_beat(a1, b1, a2, b2)
    assert forward + ab.exact_chance_to_beat(a2, b2, a1, b1) == pytest.approx(
        1.0, abs=1e-9
    )


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_exact_comparison_needs_positive_integer_parameters(bad: int) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        ab.exact_chance_to_beat(bad, 2, 3, 4)


def test_simulation_is_deterministic_for_a_seed() -> None:
    assert ab.simulate_comparison(5, 20, 7, 30, seed=11) == ab.simulate_comparison(
        5, 20, 7, 30, seed=11
    )


# --- Reports --------------------------------------------------------------------------


def test_a_clearly_better_variant_beats_control_and_leads() -> None:
    report = ab.analyse([counts("A", 100, 10, control=True), counts("B", 100, 30)])
    b = result(report, "B")
    assert report.enough_data
    assert b.chance_to_beat_control is not None
    assert b.chance_to_beat_control > 0.99
    assert b.expected_loss is not None
    assert b.expected_loss < 0.001
    assert report.leader == "B"
    assert report.message == "Variant B beats control with 99% probability."
    control = result(report, "A")
    assert control.chance_to_beat_control is None
    assert control.expected_loss is None


def test_identical_variants_have_even_odds_and_no_winner() -> None:
    report = ab.analyse([counts("A", 200, 20, control=True), counts("B", 200, 20)])
    chance = result(report, "B").chance_to_beat_control
    assert chance == pytest.approx(0.5, abs=0.01)
    assert report.leader is None
    assert report.message == "No clear winner yet (best: B, 50%)."


def test_a_clearly_worse_variant_leaves_the_control_ahead() -> None:
    report = ab.analyse([counts("A", 100, 30, control=True), counts("B", 100, 10)])
    assert report.leader is None
    assert report.message.startswith("Control A is ahead")
    assert "(best: B, 0%)" in report.message


def test_too_few_sends_anywhere_means_not_enough_data_yet() -> None:
    report = ab.analyse([counts("A", 12, 5, control=True), counts("B", 80, 30)])
    assert not report.enough_data
    assert report.leader is None
    assert report.message == (
        "Not enough data yet: each variant needs 30 sends (control A has 12)."
    )
    a, b = result(report, "A"), result(report, "B")
    assert (a.enough_data, b.enough_data) == (False, True)
    assert b.chance_to_beat_control is None
    assert b.expected_loss is None
    # Rates and intervals are still shown while the test is collecting data.
    assert a.reply_rate == pytest.approx(5 / 12)
    assert a.interval is not None


def test_not_enough_data_names_the_smallest_challenger_and_threshold() -> None:
    report = ab.analyse(
        [
            counts("control", 40, 5, control=True),
            counts("B", 9, 1),
            counts("C", 0, 0),
        ],
        min_sample=50,
    )
    assert report.message == (
        "Not enough data yet: each variant needs 50 sends (C has 0)."
    )
    c = result(report, "C")
    assert c.reply_rate is None
    assert c.interval is None
    control_report = ab.analyse(
        [counts("control", 3, 0, control=True), counts("B", 40, 1)]
    )
    assert "(control has 3)" in control_report.message


def test_the_interviews_metric_counts_interviews_not_replies() -> None:
    variants = [
        counts("A", 100, 40, interviews=2, control=True),
        counts("B", 100, 40, interviews=15),
    ]
    by_replies = ab.analyse(variants)
    by_interviews = ab.analyse(variants, metric="interviews")
    assert result(by_replies, "B").chance_to_beat_control == pytest.approx(
        0.5, abs=0.01
    )
    assert result(by_interviews, "B").reply_rate == pytest.approx(0.15)
    assert by_interviews.leader == "B"


def test_the_leader_is_the_variant_most_likely_to_beat_control() -> None:
    report = ab.analyse(
        [
            counts("A", 300, 15, control=True),
            counts("B", 300, 45),
            counts("C", 300, 60),
            counts("D", 300, 14),
        ]
    )
    assert report.leader == "C"
    assert result(report, "D").chance_to_beat_control == pytest.approx(0.43, abs=0.05)


def test_large_samples_fall_back_to_a_seeded_monte_carlo() -> None:
    variants = [
        counts("A", 100_000, 10_000, control=True),
        counts("B", 100_000, 10_100),
    ]
    report = ab.analyse(variants, seed=5)
    assert report == ab.analyse(variants, seed=5)
    chance = result(report, "B").chance_to_beat_control
    assert chance is not None
    # Monte Carlo answers come in steps of 1/draws; the exact sum, run here
    # despite its cost, confirms the simulated value.
    assert (chance * 20_000) == pytest.approx(round(chance * 20_000))
    exact = ab.exact_chance_to_beat(10_101, 89_901, 10_001, 90_001)
    assert chance == pytest.approx(exact, abs=0.01)


def test_the_report_is_json_safe() -> None:
    report = ab.analyse([counts("A", 100, 10, control=True), counts("B", 100, 30)])
    data = report.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["leader"] == "B"
    assert isinstance(data["variants"][1]["interval"], list)


@pytest.mark.parametrize(
    ("variants", "complaint"),
    [
        ([counts("A", 10, 1), counts("B", 10, 1)], "exactly one variant"),
        (
            [counts("A", 10, 1, control=True), counts("B", 10, 1, control=True)],
            "exactly one variant",
        ),
        ([counts("A", 10, 1, control=True), counts("B", 10, 11)], "'B' has more"),
        (
            [counts("A", 10, 1, control=True), counts("B", 10, 1, interviews=12)],
            "'B' has more interviews",
        ),
        ([counts("A", 10, -1, control=True), counts("B", 10, 1)], "negative"),
        ([counts("A", 10, 1, control=True), counts("A", 10, 1)], "unique"),
        ([counts("A", 10, 1, control=True)], "at least one other"),
    ],
)
def test_analyse_rejects_malformed_tests(
    variants: list[VariantCounts], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        ab.analyse(variants)


@pytest.mark.parametrize(
    ("option", "value"),
    [("metric", "clicks"), ("min_sample", 0), ("decision", 1.0), ("draws", 0)],
)
def test_analyse_rejects_unusable_options(option: str, value: object) -> None:
    variants = [counts("A", 10, 1, control=True), counts("B", 10, 1)]
    with pytest.raises(ValueError, match=option):
        ab.analyse(variants, **{option: value})  # type: ignore[arg-type]


@st.composite
def variant_lists(draw: st.DrawFn) -> list[VariantCounts]:
    size = draw(st.integers(2, 4))
    control = draw(st.integers(0, size - 1))
    result = []
    for i in range(size):
        sent = draw(st.integers(0, 400))
        replies = draw(st.integers(0, sent))
        interviews = draw(st.integers(0, replies))
        result.append(counts(f"V{i}", sent, replies, interviews, control=i == control))
    return result


@settings(max_examples=60, deadline=None)
@given(
    variants=variant_lists(),
    min_sample=st.integers(1, 60),
    metric=st.sampled_from(ab.METRICS),
)
def test_reports_always_hold_probabilities_losses_and_ordered_intervals(
    variants: list[VariantCounts], min_sample: int, metric: str
) -> None:
    report = ab.analyse(variants, min_sample=min_sample, metric=metric, draws=2000)
    assert report.enough_data == all(v.sent >= min_sample for v in variants)
    for v in report.variants:
        if v.chance_to_beat_control is not None:
            assert 0.0 <= v.chance_to_beat_control <= 1.0
        if v.expected_loss is not None:
            assert v.expected_loss >= 0.0
        if v.interval is not None:
            low, high = v.interval
            assert 0.0 <= low <= high <= 1.0
            assert v.reply_rate is not None
        has_chance = report.enough_data and not v.is_control
        assert (v.chance_to_beat_control is not None) == has_chance
    if report.leader is not None:
        leader = result(report, report.leader)
        assert leader.chance_to_beat_control is not None
        assert leader.chance_to_beat_control >= 0.95
    json.dumps(report.as_dict())
