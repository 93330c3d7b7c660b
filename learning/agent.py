"""The qualify advisor: tabular Q-learning with experience replay.

Pure and Django-free. The agent learns, for a discretised lead state, which
qualify action the team would take; the Django side stores its table in
`learning_states` through `QAgent.to_rows`/`QAgent.from_rows`.

Hyper-parameters (the seed's, in `HYPERPARAMETERS`): learning rate 0.1,
discount 0.95, epsilon 1.0 decaying x0.995 per replay down to 0.01, replay
memory of 10,000 experiences (the oldest dropped first), batches of 32.

State: five features, each cut into bins (the index is what the table keys on;
the label is what people read). Edges belong to the bin above: 40,000 is
"40-80k", 0.34 is "0.34-0.67", 1 day is "1-3d".

- ``salary_range`` -- the best stated annual pay (the range's maximum):
  0 unknown, 1 under 40k, 2 40-80k, 3 80-120k, 4 120k and more. Unpaid is 0 a
  year, so under 40k; missing, negative or not a number is unknown.
- ``keyword_match_ratio`` -- how well the posting matches the wanted keywords,
  0 to 1: 0 none (exactly 0, or unknown), 1 under 0.34, 2 0.34-0.67,
  3 0.67 and more.
- ``location_type`` -- as `LeadFeatures.remote` (1 remote, 0.5 hybrid,
  0 on-site): 0 remote, 1 hybrid, 2 on-site, 3 unknown. Values in between
  round to the nearest kind.
- ``company_size`` -- `COMPANY_SMALL`, `COMPANY_LARGE` or `COMPANY_RECRUITER`:
  0 small, 1 large, 2 unknown, 3 recruiter or agency. A recruiter is its own
  bin whatever the size, since the team judges agencies apart.
- ``posting_age`` -- days since posting: 0 under 1, 1 1-3, 2 3-7, 3 7-30,
  4 30 and more, 5 unknown. A date in the future (clock skew) is under 1.

Episodes: qualifying one lead is one step and the whole episode. The agent
sees the lead's state, advises an action, and the team's feedback on that lead
is the reward; nothing the advice does changes which lead comes next, so the
transition is terminal (``done=True``, no next state) and the update target is
the reward alone. That makes the agent a contextual bandit learning the
expected reward of each action per state, which is what "what would the team
do with this lead" asks. The discount still applies when a caller passes a
non-terminal transition with a next state.

Rewards (`reward_for`): the seed's feedback values -- approved +10, rejected
-5, interview +20, no response -1 -- judge the advice, not the lead:

- The team's decision judges the advice's direction. Advice that points the
  way the team went (qualify_high or qualify_medium on a lead the team
  approved, qualify_low or skip on one it rejected) was approved: +10.
  Advice pointing the other way was rejected: -5. Both directions earn the
  same, so on the decision alone the best advice in a state flips from
  passing to pursuing where the team approves half its leads there: the
  greedy agent maximises agreement with the team. The outcome bets below
  lower that point a little, to 15 / (30 + |21q - 1|) for an interview rate
  q among approved leads (0.47 at q = 0.15).
- The outcome of an approved lead judges how strongly the advice leaned.
  qualify_high bets that the lead leads somewhere (interview +20, no response
  -1), skip bets the other way (interview -20, no response +1); the two
  middle actions do not bet. So qualify_high beats qualify_medium where at
  least 1 approved lead in 21 gets an interview, and the reverse for skip
  against qualify_low.
- A reply received carries no reward in the seed; it is accepted and counts 0.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from qualification.features import LeadFeatures

STATE_FEATURES = (
    "salary_range",
    "keyword_match_ratio",
    "location_type",
    "company_size",
    "posting_age",
)
ACTIONS = ("qualify_high", "qualify_medium", "qualify_low", "skip")
PURSUE = frozenset({"qualify_high", "qualify_medium"})
HYPERPARAMETERS: dict[str, float | int] = {
    "learning_rate": 0.1,
    "discount": 0.95,
    "epsilon_start": 1.0,
    "epsilon_decay": 0.995,
    "epsilon_min": 0.01,
    "replay_capacity": 10_000,
    "batch_size": 32,
}
BINS: dict[str, tuple[str, ...]] = {
    "salary_range": ("unknown", "<40k", "40-80k", "80-120k", ">=120k"),
    "keyword_match_ratio": ("none", "<0.34", "0.34-0.67", ">=0.67"),
    "location_type": ("remote", "hybrid", "onsite", "unknown"),
    "company_size": ("small", "large", "unknown", "recruiter"),
    "posting_age": ("<1d", "1-3d", "3-7d", "7-30d", ">=30d", "unknown"),
}
# Raw `company_size` codes; anything else (None included) is unknown.
COMPANY_SMALL = 0.0
COMPANY_LARGE = 1.0
COMPANY_RECRUITER = 2.0

FEEDBACK_REWARDS: dict[str, float] = {
    "approved": 10.0,
    "rejected": -5.0,
    "interview": 20.0,
    "no_response": -1.0,
    "reply_received": 0.0,
}
DECISIONS = frozenset({"approved", "rejected"})
# How much of an outcome's reward each action stakes (see the module docstring).
OUTCOME_STAKE = {
    "qualify_high": 1.0,
    "qualify_medium": 0.0,
    "qualify_low": 0.0,
    "skip": -1.0,
}
# The Q-value lead at which confidence is one half: a rejection's worth.
CONFIDENCE_SCALE = 5.0

_ACTION_INDEX = {action: i for i, action in enumerate(ACTIONS)}
_SALARY_EDGES = (40_000.0, 80_000.0, 120_000.0)
_RATIO_EDGES = (0.34, 0.67)
_AGE_EDGES = (1.0, 3.0, 7.0, 30.0)
_COMPANY_BIN = {COMPANY_SMALL: 0, COMPANY_LARGE: 1, COMPANY_RECRUITER: 3}
_DAY_SECONDS = 86_400.0

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class State:
    """A discretised lead state: one bin index per feature, in `STATE_FEATURES`
    order."""

    bins: tuple[int, ...]

    @property
    def key(self) -> str:
        """ "salary_range=2|keyword_match_ratio=1|...": the table's key."""
        return "|".join(
            f"{name}={index}"
            for name, index in zip(STATE_FEATURES, self.bins, strict=True)
        )

    @property
    def features(self) -> dict[str, str]:
        """Each feature's bin label, for people and for `state_features`."""
        return {
            name: BINS[name][index]
            for name, index in zip(STATE_FEATURES, self.bins, strict=True)
        }

    @classmethod
    def from_key(cls, key: str) -> State:
        """The inverse of `key`; raises ValueError on a malformed key."""
        parts = dict(part.partition("=")[::2] for part in key.split("|"))
        if set(parts) != set(STATE_FEATURES):
            raise ValueError(f"not a state key: {key!r}")
        bins = tuple(int(parts[name]) for name in STATE_FEATURES)
        for name, index in zip(STATE_FEATURES, bins, strict=True):
            if not 0 <= index < len(BINS[name]):
                raise ValueError(f"bin {index} out of range for {name} in {key!r}")
        return cls(bins)


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _bin(value: float, edges: tuple[float, ...]) -> int:
    """How many edges the value reaches: 0 below the first edge."""
    return sum(value >= edge for edge in edges)


def discretise(raw: Mapping[str, float | None]) -> State:
    """Bin the raw state features (see the module docstring); missing keys
    read as unknown."""
    pay = _number(raw.get("salary_range"))
    salary = 0 if pay is None or pay < 0 else 1 + _bin(pay, _SALARY_EDGES)

    ratio = _number(raw.get("keyword_match_ratio"))
    keywords = 0 if ratio is None or ratio <= 0 else 1 + _bin(ratio, _RATIO_EDGES)

    remote = _number(raw.get("location_type"))
    if remote is None:
        location = 3
    elif remote >= 0.75:
        location = 0
    else:
        location = 1 if remote >= 0.25 else 2

    size = _number(raw.get("company_size"))
    company = _COMPANY_BIN.get(size, 2) if size is not None else 2

    days = _number(raw.get("posting_age"))
    age = 5 if days is None else _bin(days, _AGE_EDGES)
    return State((salary, keywords, location, company, age))


def raw_state_from_features(
    features: LeadFeatures, *, keyword_ratio: float, now: float
) -> dict[str, float | None]:
    """The raw state features of a lead, for `discretise`.

    `keyword_ratio` depends on the criteria, so the caller passes it (the
    keywords factor's sub-score); `now` (epoch seconds) dates the posting.
    """
    # A one-sided figure ("from $90k") is the best stated pay too.
    pay = features.salary_min if features.salary_max is None else features.salary_max
    if features.is_paid is False:
        pay = 0.0
    if features.recruiter_cues > 0:
        company: float | None = COMPANY_RECRUITER
    else:
        company = {"small": COMPANY_SMALL, "large": COMPANY_LARGE}.get(
            features.company_size or ""
        )
    remote = None if math.isnan(features.remote) else features.remote
    age = None
    if features.posted_at is not None:
        age = (now - features.posted_at) / _DAY_SECONDS
    return {
        "salary_range": pay,
        "keyword_match_ratio": keyword_ratio,
        "location_type": remote,
        "company_size": company,
        "posting_age": age,
    }


def reward_for(action: str, events: Iterable[str]) -> float:
    """The reward advice `action` earns from the team's feedback on its lead.

    `events` are the lead's feedback kinds (keys of `FEEDBACK_REWARDS`); see
    the module docstring for how each judges the advice. Raises ValueError on
    an unknown action or event.
    """
    if action not in _ACTION_INDEX:
        raise ValueError(f"unknown action {action!r}")
    approve, reject = FEEDBACK_REWARDS["approved"], FEEDBACK_REWARDS["rejected"]
    total = 0.0
    for event in events:
        if event not in FEEDBACK_REWARDS:
            raise ValueError(f"unknown feedback {event!r}")
        if event in DECISIONS:
            agrees = (action in PURSUE) == (event == "approved")
            total += approve if agrees else reject
        else:
            total += OUTCOME_STAKE[action] * FEEDBACK_REWARDS[event]
    return total


class Experience(NamedTuple):
    """One transition: the advice given in a state and the reward it earned."""

    state_key: str
    action: str
    reward: float
    next_state_key: str | None = None
    done: bool = True


class QAgent:
    """Tabular Q-learning over `ACTIONS`, with uniform experience replay.

    `q` maps a state key to its four Q-values (in `ACTIONS` order, 0 until
    learned); `visits` counts the experiences remembered per state. Random
    choices (exploration, replay samples) come from one seeded generator, so a
    seed replays a run exactly.
    """

    def __init__(
        self,
        *,
        seed: int | None = 0,
        epsilon: float | None = None,
        learning_rate: float = float(HYPERPARAMETERS["learning_rate"]),
        discount: float = float(HYPERPARAMETERS["discount"]),
        epsilon_decay: float = float(HYPERPARAMETERS["epsilon_decay"]),
        epsilon_min: float = float(HYPERPARAMETERS["epsilon_min"]),
        replay_capacity: int = int(HYPERPARAMETERS["replay_capacity"]),
        batch_size: int = int(HYPERPARAMETERS["batch_size"]),
    ) -> None:
        self.learning_rate = learning_rate
        self.discount = discount
        self.epsilon = float(
            HYPERPARAMETERS["epsilon_start"] if epsilon is None else epsilon
        )
        self.epsilon_decay = epsilon_decay
        self.epsilon_min = epsilon_min
        self.batch_size = batch_size
        self.q: dict[str, FloatArray] = {}
        self.visits: dict[str, int] = {}
        self.replay: deque[Experience] = deque(maxlen=replay_capacity)
        self.rng = np.random.default_rng(seed)

    # --- reading ------------------------------------------------------------

    def _values(self, key: str) -> FloatArray:
        values = self.q.get(key)
        return values if values is not None else np.zeros(len(ACTIONS))

    def q_values(self, state: State | str) -> dict[str, float]:
        """The state's Q-value per action; all 0 for a state never learned."""
        values = self._values(_key(state)).tolist()
        return dict(zip(ACTIONS, values, strict=True))

    def best_action(self, state: State | str) -> str:
        """The action with the highest Q-value; ties go to the earliest in
        `ACTIONS`, so an unseen state is advised the same way every time."""
        return ACTIONS[int(np.argmax(self._values(_key(state))))]

    def confidence(self, state: State | str) -> float:
        """How far the best action leads the runner-up, in [0, 1).

        gap / (gap + `CONFIDENCE_SCALE`): 0 for a tie (an unseen state), one
        half when the best action is worth a rejection (5) more than the next.
        """
        values = np.sort(self._values(_key(state)))
        gap = float(values[-1] - values[-2])
        return gap / (gap + CONFIDENCE_SCALE)

    def act(self, state: State | str, *, explore: bool = True) -> str:
        """Epsilon-greedy: a uniformly random action with probability epsilon
        when exploring, else `best_action`."""
        if explore and self.rng.random() < self.epsilon:
            return ACTIONS[int(self.rng.integers(len(ACTIONS)))]
        return self.best_action(state)

    # --- learning -----------------------------------------------------------

    def update(self, exp: Experience) -> float:
        """One Q-learning step; returns the new Q(s, a).

        Q(s,a) += lr * (r + discount * max Q(s',.) - Q(s,a)), where a terminal
        transition (done, or no next state) uses r alone.
        """
        values = self.q.get(exp.state_key)
        if values is None:
            values = self.q[exp.state_key] = np.zeros(len(ACTIONS))
        index = _ACTION_INDEX[exp.action]
        target = float(exp.reward)
        if not exp.done and exp.next_state_key is not None:
            target += self.discount * float(self._values(exp.next_state_key).max())
        values[index] += self.learning_rate * (target - values[index])
        return float(values[index])

    def remember(self, exp: Experience) -> None:
        """Store an experience for replay (the oldest drops out past capacity)
        and count a visit to its state. Raises ValueError on an unknown action."""
        if exp.action not in _ACTION_INDEX:
            raise ValueError(f"unknown action {exp.action!r}")
        self.replay.append(exp)
        self.visits[exp.state_key] = self.visits.get(exp.state_key, 0) + 1

    def replay_batch(self) -> int:
        """Update on a uniform sample (without replacement) of up to
        `batch_size` remembered experiences, then decay epsilon once.

        Returns how many were updated; with an empty memory nothing happens.
        """
        size = min(self.batch_size, len(self.replay))
        if size == 0:
            return 0
        picks = self.rng.choice(len(self.replay), size=size, replace=False)
        for index in picks.tolist():
            self.update(self.replay[index])
        self.epsilon = max(self.epsilon_min, self.epsilon * self.epsilon_decay)
        return size

    # --- storage ------------------------------------------------------------

    def to_rows(self) -> list[dict[str, Any]]:
        """One JSON-safe row per known state, sorted by key: `state_key`,
        `state_features` (bin labels), `q_values` (action -> float) and
        `visit_count`. The agent id is the caller's to add."""
        return [
            {
                "state_key": key,
                "state_features": State.from_key(key).features,
                "q_values": self.q_values(key),
                "visit_count": self.visits.get(key, 0),
            }
            for key in sorted(self.q.keys() | self.visits.keys())
        ]

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, Any]],
        *,
        epsilon: float,
        seed: int | None = 0,
        **hyperparameters: Any,
    ) -> QAgent:
        """An agent holding the table of `to_rows` rows; the replay memory
        starts empty. Actions missing from a row read as 0; unknown ones are
        ignored. Raises ValueError on a malformed state key."""
        agent = cls(seed=seed, epsilon=epsilon, **hyperparameters)
        for row in rows:
            key = State.from_key(str(row["state_key"])).key
            stored = row.get("q_values") or {}
            agent.q[key] = np.array(
                [float(stored.get(action, 0.0)) for action in ACTIONS]
            )
            visits = int(row.get("visit_count") or 0)
            if visits:
                agent.visits[key] = visits
        return agent


def _key(state: State | str) -> str:
    return state if isinstance(state, str) else state.key
