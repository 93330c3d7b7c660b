"""How well the qualify advisor learns a team's taste: a simulated operator.

Pure and Django-free; `evaluate_learning` prints what `run_evaluation` returns.

The lead set. Leads are generated as `LeadFeatures`, deterministically from a
seed, with the correlations of a software-jobs board: seniority (entry to
lead) sets the pay (median annual maximum 42k, 58k, 88k, 125k, 150k; large
companies pay 15% more) and the chance of remote work; recruiters post more of
the senior jobs, and their employer's size is unknown; large companies state
pay more often and offer hybrid more often. About 30% of postings are off-topic
for the operator (no wanted keyword); the rest match each keyword with a
per-posting relevance. Posting ages are mostly days, with a tail of stale
reposts of 25 to 60 days.

The operator (hidden from the agent) is a Python web developer. Their taste,
scored per lead from its raw values, not from the agent's bins:

- keywords (python, django, postgresql, aws): none found is a strong no, each
  one found counts more;
- pay: under 40k is a no, 40-80k rises towards neutral, 80k and more is good,
  120k and more very good; unstated pay is a small minus;
- remote is a plus, hybrid neutral, unstated a small minus, on-site a strong
  minus -- tolerated only at 130k or more;
- recruiters and agencies are a strong minus, a named company a small plus;
- a posting older than three weeks is ignored whatever else it offers.

They approve when the sum clears a bar, and 5% of decisions go the other way
(a bad day, a friend's company). Approved leads later get an interview or no
response; interviews are rare (a few per hundred applications), likelier for a
close keyword match and a small company, rarer for recruiters and remote jobs
(more applicants) and for old postings.

Agreement. The operator decides approve or reject; an action agrees with an
approval when it is qualify_high or qualify_medium and with a rejection when
it is qualify_low or skip. Agreement is the share of leads whose action agrees
with the operator's actual (noisy) decision, so even a perfect advisor stays
near 95%.

The static scorer. The qualification engine's default profile
(`ProfileConfig.default()`: weights salary 30, keywords 25, location 20,
experience 15, company 10; a 60k salary wish, remote preferred, recruiters
avoided) with the operator's keywords filled in as required keywords, since
the default has none. Its grade maps to an action the way the console drafts
replies: A qualify_high, B qualify_medium, C qualify_low, D and F skip.

The run. Each episode the agent meets `leads_per_episode` new leads: it acts
epsilon-greedily, the operator's feedback becomes the reward
(`agent.reward_for`), the experience is remembered and a batch is replayed
(epsilon decays once per replay). After each episode the greedy agent is
measured on a held-out set of leads; that is the learning curve, and its last
point is the final agreement.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from learning.agent import (
    ACTIONS,
    PURSUE,
    Experience,
    QAgent,
    discretise,
    raw_state_from_features,
    reward_for,
)
from qualification.features import LeadFeatures
from qualification.scoring import FACTORS, ProfileConfig, score_batch

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

OPERATOR_KEYWORDS = ("python", "django", "postgresql", "aws")
# A fixed "now" (mid-2025, epoch seconds), so a seed replays the same ages.
NOW = 1_750_000_000.0
HOLDOUT_SIZE = 5_000
DECISION_NOISE = 0.05
GRADE_ACTIONS = {
    "A": "qualify_high",
    "B": "qualify_medium",
    "C": "qualify_low",
    "D": "skip",
    "F": "skip",
}

_DAY = 86_400.0
# entry, junior, mid, senior, lead
_SENIORITY_SHARE = (0.15, 0.2, 0.3, 0.25, 0.1)
_MEDIAN_PAY = np.array([42_000.0, 58_000.0, 88_000.0, 125_000.0, 150_000.0])
# Share of postings stating pay: small, large, unknown size, recruiter.
_PAY_STATED = np.array([0.55, 0.75, 0.5, 0.65])
_SMALL, _LARGE, _UNKNOWN, _RECRUITER = 0, 1, 2, 3
_REMOTE, _HYBRID, _ONSITE, _UNSTATED = 1.0, 0.5, 0.0, math.nan
_OFF_TOPIC = 0.3
_STALE = 0.12
_AGE_UNKNOWN = 0.04
_APPROVAL_BAR = 1.0
_IGNORED_AFTER_DAYS = 21.0
_BASE_INTERVIEW = 0.06


@dataclass(frozen=True)
class LeadSet:
    """Generated leads with what the operator did with each.

    `states` are the agent's state keys, `approved` the operator's decisions
    (noise included), `interview` whether an approved lead got an interview,
    `static_actions` the static scorer's action per lead.
    """

    features: list[LeadFeatures]
    states: list[str]
    approved: BoolArray
    interview: BoolArray
    static_actions: list[str]

    def __len__(self) -> int:
        return len(self.features)

    def feedback(self, i: int) -> tuple[str, ...]:
        """The operator's feedback events on lead i, as `reward_for` reads them."""
        if not self.approved[i]:
            return ("rejected",)
        return ("approved", "interview" if self.interview[i] else "no_response")


@dataclass(frozen=True)
class EvaluationResult:
    """A run's learning curve (held-out agreement after each episode), the
    epsilon after each episode, the final and the static scorer's agreement,
    and the share of held-out leads the final agent gives each action."""

    episodes: int
    curve: list[float]
    epsilons: list[float]
    agreement: float
    static_agreement: float
    action_shares: dict[str, float]
    states_learned: int
    holdout_size: int


def static_profile() -> ProfileConfig:
    """The default profile with the operator's keywords as required keywords."""
    profile = ProfileConfig.default()
    profile.settings["keywords"]["required"] = list(OPERATOR_KEYWORDS)
    return profile


def agrees(action: str, approved: bool) -> bool:
    """Whether an action agrees with an approve (True) or reject decision."""
    return (action in PURSUE) == approved


def generate_leads(count: int, rng: np.random.Generator) -> LeadSet:
    """`count` realistic leads and the hidden operator's feedback on them."""
    seniority = rng.choice(5, size=count, p=_SENIORITY_SHARE)
    recruiter = rng.random(count) < 0.12 + 0.04 * seniority
    company = np.where(
        recruiter, _RECRUITER, rng.choice(3, size=count, p=(0.4, 0.25, 0.35))
    )
    large = company == _LARGE

    stated = rng.random(count) < _PAY_STATED[company]
    top = _MEDIAN_PAY[seniority] * np.where(large, 1.15, 1.0)
    top = np.round(top * np.exp(rng.normal(0.0, 0.22, count)), -3)
    pay_max = np.where(stated, top, np.nan)
    pay_min = np.where(
        stated, np.round(top * rng.uniform(0.7, 0.95, count), -3), np.nan
    )

    p_remote = 0.08 + 0.06 * seniority
    p_hybrid = 0.12 + 0.12 * large
    p_unstated = np.where(recruiter, 0.3, 0.22)
    roll = rng.random(count)
    remote = np.select(
        [
            roll < p_remote,
            roll < p_remote + p_hybrid,
            roll < p_remote + p_hybrid + p_unstated,
        ],
        [_REMOTE, _HYBRID, _UNSTATED],
        _ONSITE,
    )

    # Per posting, how relevant it is to the operator; python leads the stack.
    relevance = np.where(rng.random(count) < _OFF_TOPIC, 0.0, rng.beta(2, 2, count))
    wanted = np.clip(relevance[:, None] + np.array([0.2, 0.0, -0.1, -0.1]), 0, 1)
    found = rng.random((count, len(OPERATOR_KEYWORDS))) < wanted
    in_title = rng.random(found.shape) < 0.35
    mentions = rng.integers(1, 4, found.shape)
    body_length = rng.integers(120, 600, count)

    age = np.where(
        rng.random(count) < _STALE,
        rng.uniform(25.0, 60.0, count),
        rng.exponential(6.0, count),
    )
    age = np.where(rng.random(count) < _AGE_UNKNOWN, np.nan, age)

    utility = _operator_utility(
        matches=found.sum(axis=1),
        pay=pay_max,
        remote=remote,
        company=company,
        age=age,
    )
    approved = (utility > _APPROVAL_BAR) ^ (rng.random(count) < DECISION_NOISE)
    chance = _interview_chance(found.sum(axis=1), remote, company, age)
    interview = approved & (rng.random(count) < chance)

    features = [
        LeadFeatures(
            title_terms={
                k: int(mentions[i, j])
                for j, k in enumerate(OPERATOR_KEYWORDS)
                if found[i, j] and in_title[i, j]
            },
            body_terms={
                k: int(mentions[i, j])
                for j, k in enumerate(OPERATOR_KEYWORDS)
                if found[i, j] and not in_title[i, j]
            },
            body_length=int(body_length[i]),
            salary_min=_optional(pay_min[i]),
            salary_max=_optional(pay_max[i]),
            is_paid=True if stated[i] else None,
            remote=float(remote[i]),
            latitude=None,
            longitude=None,
            posted_at=None if math.isnan(age[i]) else NOW - float(age[i]) * _DAY,
            seniority=float(seniority[i]),
            years_required=math.nan,
            category="sof",
            company="",
            poster="",
            recruiter_cues=int(recruiter[i]),
            scam_cues=0,
            nonprofit=False,
            company_size={_SMALL: "small", _LARGE: "large"}.get(int(company[i])),
            industries=frozenset({"tech"}),
        )
        for i in range(count)
    ]
    batch = score_batch(features, static_profile(), now=NOW)
    ratios = batch.factor_scores[:, FACTORS.index("keywords")].tolist()
    states = [
        discretise(raw_state_from_features(f, keyword_ratio=ratio, now=NOW)).key
        for f, ratio in zip(features, ratios, strict=True)
    ]
    return LeadSet(
        features=features,
        states=states,
        approved=approved,
        interview=interview,
        static_actions=[GRADE_ACTIONS[str(g)] for g in batch.grades.tolist()],
    )


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _operator_utility(
    *,
    matches: npt.NDArray[np.int64],
    pay: FloatArray,
    remote: FloatArray,
    company: npt.NDArray[np.int64],
    age: FloatArray,
) -> FloatArray:
    """The hidden taste, from raw values (see the module docstring)."""
    keywords = np.where(matches == 0, -1.5, 0.8 * matches - 0.5)
    with np.errstate(invalid="ignore"):
        salary = np.select(
            [np.isnan(pay), pay < 40_000, pay < 80_000, pay < 120_000],
            [-0.4, -2.5, -1.0 + (pay - 40_000) / 40_000, 0.5],
            1.5,
        )
        very_high_pay = np.nan_to_num(pay) >= 130_000
    location = np.select(
        [remote == _REMOTE, remote == _HYBRID, np.isnan(remote)],
        [1.2, 0.2, -0.5],
        np.where(very_high_pay, -0.3, -2.0),
    )
    employer = np.select(
        [company == _RECRUITER, company == _UNKNOWN], [-2.0, 0.0], 0.25
    )
    # Unknown age reads as not stale; an old posting is simply ignored.
    stale = np.nan_to_num(age, nan=0.0) > _IGNORED_AFTER_DAYS
    return np.where(stale, -10.0, keywords + salary + location + employer)


def _interview_chance(
    matches: npt.NDArray[np.int64],
    remote: FloatArray,
    company: npt.NDArray[np.int64],
    age: FloatArray,
) -> FloatArray:
    """How likely an approved lead leads to an interview: a few in a hundred."""
    chance = np.full(matches.shape, _BASE_INTERVIEW)
    chance *= np.where(matches >= 3, 1.5, np.where(matches <= 1, 0.5, 1.0))
    chance *= np.select([company == _RECRUITER, company == _SMALL], [0.4, 1.4], 1.0)
    chance *= np.where(remote == _REMOTE, 0.7, 1.0)
    chance *= np.where(np.nan_to_num(age, nan=0.0) > 14.0, 0.3, 1.0)
    return chance


class _Holdout:
    """Held-out leads grouped by state, so a greedy pass costs one look-up per
    distinct state rather than per lead."""

    def __init__(self, leads: LeadSet) -> None:
        self.size = len(leads)
        keys = np.array(leads.states)
        self.keys, inverse = np.unique(keys, return_inverse=True)
        self.approvals = np.bincount(inverse, weights=leads.approved)
        self.totals = np.bincount(inverse).astype(np.float64)

    def greedy(self, agent: QAgent) -> tuple[float, dict[str, float]]:
        """Agreement of the agent's best actions, and each action's share."""
        agreed = 0.0
        shares = dict.fromkeys(ACTIONS, 0.0)
        for key, approvals, total in zip(
            self.keys.tolist(),
            self.approvals.tolist(),
            self.totals.tolist(),
            strict=True,
        ):
            action = agent.best_action(key)
            agreed += approvals if action in PURSUE else total - approvals
            shares[action] += total / self.size
        return agreed / self.size, shares


def run_evaluation(
    episodes: int,
    seed: int,
    leads_per_episode: int = 100,
    *,
    holdout_size: int = HOLDOUT_SIZE,
    on_episode: Callable[[int, float, float], None] | None = None,
) -> EvaluationResult:
    """Train a fresh agent for `episodes` episodes against the simulated
    operator and measure it after each on held-out leads.

    Deterministic for a seed. `on_episode(episode, agreement, epsilon)` is
    called after each episode (1-based), for progress output.
    """
    if episodes < 1 or leads_per_episode < 1 or holdout_size < 1:
        raise ValueError("episodes, leads per episode and held-out size must be >= 1")
    # Independent streams: the same held-out set whatever the episode count.
    holdout_leads = generate_leads(holdout_size, np.random.default_rng([seed, 1]))
    holdout = _Holdout(holdout_leads)
    static_agreement = float(
        np.mean(
            [
                agrees(action, bool(approved))
                for action, approved in zip(
                    holdout_leads.static_actions,
                    holdout_leads.approved.tolist(),
                    strict=True,
                )
            ]
        )
    )
    stream = np.random.default_rng([seed, 2])
    agent = QAgent(seed=seed)
    curve: list[float] = []
    epsilons: list[float] = []
    shares: dict[str, float] = {}
    for episode in range(1, episodes + 1):
        leads = generate_leads(leads_per_episode, stream)
        for i, key in enumerate(leads.states):
            action = agent.act(key)
            reward = reward_for(action, leads.feedback(i))
            agent.remember(Experience(key, action, reward))
            agent.replay_batch()
        agreement, shares = holdout.greedy(agent)
        curve.append(agreement)
        epsilons.append(agent.epsilon)
        if on_episode is not None:
            on_episode(episode, agreement, agent.epsilon)
    return EvaluationResult(
        episodes=episodes,
        curve=curve,
        epsilons=epsilons,
        agreement=curve[-1],
        static_agreement=static_agreement,
        action_shares=shares,
        states_learned=len(agent.q),
        holdout_size=holdout.size,
    )
