"""Pure A/B statistics for reply-template tests: no Django, no database.

Leads are assigned to variants by a stable hash, so the same lead sees the same
template in every process and on every Python version. Results are Bayesian: each
variant's rate has a Beta(1 + successes, 1 + failures) posterior (a uniform prior),
and a variant is compared with the control by its chance to beat it and by the
expected loss of choosing it. Until every variant has `min_sample` sends the report
says "not enough data yet" instead of a chance.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = [
    "EXACT_MAX_TERMS",
    "METRICS",
    "TestReport",
    "VariantCounts",
    "VariantResult",
    "analyse",
    "assign_variant",
    "beta_cdf",
    "beta_quantile",
    "credible_interval",
    "exact_chance_to_beat",
    "exact_expected_loss",
    "simulate_comparison",
]

METRICS = ("replies", "interviews")

# The exact sums cost one term per unit of the smallest Beta parameter; past this
# many terms Monte Carlo is cheaper and its error (~0.005 at 20,000 draws) is
# already below what the report displays.
EXACT_MAX_TERMS = 5000

_CONTINUED_FRACTION_EPS = 1e-15
_FPMIN = 1e-300
_QUANTILE_TOLERANCE = 1e-12


# --- Assignment -----------------------------------------------------------------------


def assign_variant(
    test_key: str,
    lead_key: str,
    variants: Sequence[str],
    weights: Sequence[float] | None = None,
) -> str:
    """Return the variant that `lead_key` sees in the test `test_key`.

    The choice depends only on the two keys, the variant list *in its order* and the
    weights: sha256 of "test_key:lead_key" gives a uniform number in [0, 1) that is
    bucketed by cumulative weight. Reordering, adding or removing variants moves
    some leads to another bucket, so fix the list when the test starts.
    """
    if not variants:
        raise ValueError("assign_variant needs at least one variant")
    if len(set(variants)) != len(variants):
        raise ValueError(f"variant names must be unique, got {list(variants)}")
    if weights is None:
        weights = [1.0] * len(variants)
    elif len(weights) != len(variants):
        raise ValueError(
            f"got {len(weights)} weights for {len(variants)} variants; "
            "give one weight per variant"
        )
    if any(not math.isfinite(w) or w < 0 for w in weights):
        raise ValueError(f"weights must be finite and non-negative, got {weights}")
    total = math.fsum(weights)
    if total <= 0:
        raise ValueError("at least one weight must be positive")

    digest = hashlib.sha256(f"{test_key}:{lead_key}".encode()).digest()
    # Only the top 53 of the first 64 bits: a double holds 53, and dividing the
    # full 64-bit value by 2**64 can round up to exactly 1.0.
    unit = (int.from_bytes(digest[:8], "big") >> 11) / 2**53
    target = unit * total
    cumulative = 0.0
    for variant, weight in zip(variants, weights, strict=True):
        cumulative += weight
        if target < cumulative:
            return variant
    # Rounding in the running sum can leave the top sliver unclaimed; it belongs
    # to the last variant that can be chosen at all.
    pairs = zip(reversed(variants), reversed(weights), strict=True)
    return next(v for v, w in pairs if w > 0)


# --- Beta distribution helpers (math only; scipy is not a dependency) -----------------


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta (modified Lentz, as NR's betacf)."""
    # Convergence takes O(sqrt(max(a, b))) steps when x is below the mean.
    max_iterations = 200 + int(20 * math.sqrt(max(a, b)))
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _FPMIN:
        d = _FPMIN
    d = 1.0 / d
    h = d
    for m in range(1, max_iterations + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = 1.0 + aa / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _FPMIN:
            d = _FPMIN
        c = 1.0 + aa / c
        if abs(c) < _FPMIN:
            c = _FPMIN
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < _CONTINUED_FRACTION_EPS:
            return h
    raise ArithmeticError(
        f"incomplete beta did not converge for a={a}, b={b}, x={x}"
    )  # pragma: no cover - the iteration budget scales with the parameters


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularised incomplete beta I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive, got a={a}, b={b}")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    front = math.exp(log_front)
    # The fraction converges fast only below the mean; above it use the symmetry
    # I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def beta_quantile(p: float, a: float, b: float) -> float:
    """The x with I_x(a, b) = p, by bisection (monotone, so it cannot diverge)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive, got a={a}, b={b}")
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    while hi - lo > _QUANTILE_TOLERANCE:
        mid = 0.5 * (lo + hi)
        if beta_cdf(mid, a, b) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def credible_interval(
    successes: int, trials: int, level: float = 0.95
) -> tuple[float, float]:
    """Equal-tailed credible interval of a rate under a uniform Beta(1, 1) prior."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    a, b = 1 + successes, 1 + trials - successes
    tail = (1.0 - level) / 2.0
    return beta_quantile(tail, a, b), beta_quantile(1.0 - tail, a, b)


# --- Comparing two Beta posteriors ----------------------------------------------------


def _miller_sum(a1: int, b1: int, a2: int, b2: int) -> float:
    """P(X1 > X2) by Evan Miller's closed form: one term per unit of `a1`."""
    log_norm = _log_beta(a2, b2)
    return math.fsum(
        math.exp(
            _log_beta(a2 + i, b1 + b2)
            - math.log(b1 + i)
            - _log_beta(1 + i, b1)
            - log_norm
        )
        for i in range(a1)
    )


def _exact_terms(a1: int, b1: int, a2: int, b2: int) -> int:
    return min(a1, b1, a2, b2)


def _check_beta_ints(*params: int) -> None:
    for value in params:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"exact comparison needs positive integer Beta parameters, got {value}"
            )


def exact_chance_to_beat(a1: int, b1: int, a2: int, b2: int) -> float:
    """P(X1 > X2) for independent X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), exactly.

    The closed form sums over one parameter, so it is rewritten (by complement and
    by X -> 1 - X) to sum over the smallest of the four: with low reply rates that
    is the replies, which stays small however many messages go out.
    """
    _check_beta_ints(a1, b1, a2, b2)
    smallest = _exact_terms(a1, b1, a2, b2)
    if a1 == smallest:
        chance = _miller_sum(a1, b1, a2, b2)
    elif a2 == smallest:
        chance = 1.0 - _miller_sum(a2, b2, a1, b1)
    elif b2 == smallest:
        chance = _miller_sum(b2, a2, b1, a1)
    else:
        chance = 1.0 - _miller_sum(b1, a1, b2, a2)
    return min(1.0, max(0.0, chance))


def exact_expected_loss(a1: int, b1: int, a2: int, b2: int) -> float:
    """E[max(X2 - X1, 0)]: what choosing X1 over X2 costs, on average.

    Uses E[X2 * 1{X2 > X1}] = a2 / (a2 + b2) * P(Beta(a2 + 1, b2) > X1), and the
    same identity for X1, so it reduces to two exact chances.
    """
    _check_beta_ints(a1, b1, a2, b2)
    loss = a2 / (a2 + b2) * exact_chance_to_beat(a2 + 1, b2, a1, b1) - a1 / (
        a1 + b1
    ) * exact_chance_to_beat(a2, b2, a1 + 1, b1)
    return max(0.0, loss)


def simulate_comparison(
    a1: float, b1: float, a2: float, b2: float, *, draws: int = 20000, seed: int = 0
) -> tuple[float, float]:
    """Monte Carlo (chance X1 > X2, E[max(X2 - X1, 0)]); same seed, same answer."""
    rng = np.random.Generator(np.random.PCG64(seed))
    x1 = rng.beta(a1, b1, size=draws)
    x2 = rng.beta(a2, b2, size=draws)
    return float(np.mean(x1 > x2)), float(np.mean(np.maximum(x2 - x1, 0.0)))


# --- Reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class VariantCounts:
    """What one variant has done so far."""

    name: str
    sent: int
    replies: int
    interviews: int
    is_control: bool = False


@dataclass(frozen=True)
class VariantResult:
    """One variant's posterior; `reply_rate` is the rate of the chosen metric."""

    name: str
    is_control: bool
    sent: int
    replies: int
    interviews: int
    reply_rate: float | None
    interval: tuple[float, float] | None
    chance_to_beat_control: float | None
    expected_loss: float | None
    enough_data: bool


@dataclass(frozen=True)
class TestReport:
    """The whole test: one result per variant, a verdict and a sentence for people."""

    # Keeps pytest from treating this dataclass as a test class when imported.
    __test__ = False

    variants: list[VariantResult]
    enough_data: bool
    message: str
    leader: str | None

    def as_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, strings, numbers and None, ready for JSON."""
        data = asdict(self)
        for variant in data["variants"]:
            if variant["interval"] is not None:
                variant["interval"] = list(variant["interval"])
        return data


def _validate(variants: Sequence[VariantCounts]) -> VariantCounts:
    if len(variants) < 2:
        raise ValueError("an A/B test needs a control and at least one other variant")
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise ValueError(f"variant names must be unique, got {names}")
    controls = [v.name for v in variants if v.is_control]
    if len(controls) != 1:
        raise ValueError(
            "exactly one variant must be the control (is_control=True), "
            f"got {len(controls)}: {controls}"
        )
    for v in variants:
        if min(v.sent, v.replies, v.interviews) < 0:
            raise ValueError(f"variant {v.name!r} has a negative count")
        if v.replies > v.sent:
            raise ValueError(
                f"variant {v.name!r} has more replies ({v.replies}) "
                f"than sends ({v.sent})"
            )
        if v.interviews > v.sent:
            raise ValueError(
                f"variant {v.name!r} has more interviews ({v.interviews}) "
                f"than sends ({v.sent})"
            )
    return next(v for v in variants if v.is_control)


def _label(counts: VariantCounts) -> str:
    if not counts.is_control:
        return counts.name
    return "control" if counts.name == "control" else f"control {counts.name}"


def _percent(probability: float) -> str:
    # Round down so the display never claims more certainty than was computed: a
    # chance shown as "95%" really clears a 0.95 threshold.
    return f"{math.floor(probability * 100 + 1e-9)}%"


def analyse(
    variants: Sequence[VariantCounts],
    *,
    min_sample: int = 30,
    decision: float = 0.95,
    metric: str = "replies",
    draws: int = 20000,
    seed: int = 0,
) -> TestReport:
    """Compare every variant with the control on `metric` ("replies"/"interviews").

    Chances and expected losses are exact while the Beta parameters are small
    (`EXACT_MAX_TERMS`) and Monte Carlo with `draws` samples from PCG64(`seed`)
    beyond that, so the same inputs always give the same report. A variant leads
    only when its chance to beat the control reaches `decision`; among several,
    the highest chance leads.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    if min_sample < 1:
        raise ValueError(f"min_sample must be at least 1, got {min_sample}")
    if not 0.0 < decision < 1.0:
        raise ValueError(f"decision must be in (0, 1), got {decision}")
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    control = _validate(variants)

    successes = [getattr(v, metric) for v in variants]
    alphas = [1 + s for s in successes]
    betas = [1 + v.sent - s for v, s in zip(variants, successes, strict=True)]
    control_index = variants.index(control)
    a2, b2 = alphas[control_index], betas[control_index]
    enough_data = all(v.sent >= min_sample for v in variants)

    chances: list[float | None] = [None] * len(variants)
    losses: list[float | None] = [None] * len(variants)
    if enough_data:
        needs_simulation = [
            i
            for i in range(len(variants))
            if i != control_index
            and _exact_terms(alphas[i], betas[i], a2, b2) > EXACT_MAX_TERMS
        ]
        if needs_simulation:
            # One vectorised draw for every posterior, shared by all comparisons
            # so each variant is judged against the same control samples.
            rng = np.random.Generator(np.random.PCG64(seed))
            samples = rng.beta(
                np.array(alphas, dtype=float)[:, None],
                np.array(betas, dtype=float)[:, None],
                size=(len(variants), draws),
            )
            control_samples = samples[control_index]
            for i in needs_simulation:
                chances[i] = float(np.mean(samples[i] > control_samples))
                losses[i] = float(
                    np.mean(np.maximum(control_samples - samples[i], 0.0))
                )
        for i in range(len(variants)):
            if i != control_index and i not in needs_simulation:
                chances[i] = exact_chance_to_beat(alphas[i], betas[i], a2, b2)
                losses[i] = exact_expected_loss(alphas[i], betas[i], a2, b2)

    results = [
        VariantResult(
            name=v.name,
            is_control=v.is_control,
            sent=v.sent,
            replies=v.replies,
            interviews=v.interviews,
            reply_rate=s / v.sent if v.sent else None,
            interval=credible_interval(s, v.sent) if v.sent else None,
            chance_to_beat_control=chance,
            expected_loss=loss,
            enough_data=v.sent >= min_sample,
        )
        for v, s, chance, loss in zip(variants, successes, chances, losses, strict=True)
    ]

    if not enough_data:
        smallest = min(variants, key=lambda v: v.sent)
        message = (
            f"Not enough data yet: each variant needs {min_sample} sends "
            f"({_label(smallest)} has {smallest.sent})."
        )
        return TestReport(
            variants=results, enough_data=False, message=message, leader=None
        )

    challengers = [r for r in results if not r.is_control]
    # Highest chance first; a lower expected loss breaks ties.
    best = max(
        challengers,
        key=lambda r: (r.chance_to_beat_control or 0.0, -(r.expected_loss or 0.0)),
    )
    best_chance = best.chance_to_beat_control or 0.0
    if best_chance >= decision:
        leader: str | None = best.name
        message = (
            f"Variant {best.name} beats control with {_percent(best_chance)} "
            "probability."
        )
    elif best_chance <= 1.0 - decision:
        leader = None
        message = (
            f"Control {control.name} is ahead: no variant beats it with more than "
            f"{_percent(1.0 - decision)} probability "
            f"(best: {best.name}, {_percent(best_chance)})."
        )
    else:
        leader = None
        message = f"No clear winner yet (best: {best.name}, {_percent(best_chance)})."
    return TestReport(
        variants=results, enough_data=True, message=message, leader=leader
    )
