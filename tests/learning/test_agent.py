"""The Q-learning advisor: update rule, replay, exploration, storage, states."""

from __future__ import annotations

import math

import numpy as np
import pytest

from learning.agent import (
    ACTIONS,
    HYPERPARAMETERS,
    STATE_FEATURES,
    Experience,
    QAgent,
    State,
    discretise,
    raw_state_from_features,
    reward_for,
)
from qualification.features import LeadFeatures

S = "salary_range=4|keyword_match_ratio=3|location_type=0|company_size=0|posting_age=0"
S2 = "salary_range=1|keyword_match_ratio=0|location_type=2|company_size=3|posting_age=4"


def test_hyperparameters_are_the_seeds() -> None:
    assert HYPERPARAMETERS == {
        "learning_rate": 0.1,
        "discount": 0.95,
        "epsilon_start": 1.0,
        "epsilon_decay": 0.995,
        "epsilon_min": 0.01,
        "replay_capacity": 10_000,
        "batch_size": 32,
    }
    agent = QAgent()
    assert agent.epsilon == 1.0
    assert agent.replay.maxlen == 10_000
    assert agent.batch_size == 32
    assert ACTIONS == ("qualify_high", "qualify_medium", "qualify_low", "skip")


def test_terminal_update_moves_q_a_tenth_of_the_way_to_the_reward() -> None:
    agent = QAgent()
    assert agent.update(Experience(S, "qualify_high", 10.0)) == pytest.approx(1.0)
    # From 1.0: 1.0 + 0.1 * (10 - 1.0) = 1.9
    assert agent.update(Experience(S, "qualify_high", 10.0)) == pytest.approx(1.9)
    # A negative reward from 0: 0.1 * -5
    assert agent.update(Experience(S, "skip", -5.0)) == pytest.approx(-0.5)
    assert agent.q_values(S) == pytest.approx(
        {"qualify_high": 1.9, "qualify_medium": 0.0, "qualify_low": 0.0, "skip": -0.5}
    )


def test_non_terminal_update_discounts_the_best_next_value() -> None:
    agent = QAgent()
    agent.q[S2] = np.array([5.0, -2.0, 1.0, 0.0])
    new = agent.update(Experience(S, "qualify_low", 10.0, S2, done=False))
    assert new == pytest.approx(0.1 * (10.0 + 0.95 * 5.0))  # 1.475


def test_a_done_transition_ignores_its_next_state() -> None:
    agent = QAgent()
    agent.q[S2] = np.array([5.0, 0.0, 0.0, 0.0])
    assert agent.update(Experience(S, "skip", 10.0, S2, done=True)) == pytest.approx(
        1.0
    )


def test_an_unseen_next_state_is_worth_zero() -> None:
    agent = QAgent()
    assert agent.update(Experience(S, "skip", 10.0, S2, done=False)) == pytest.approx(
        1.0
    )


def test_epsilon_decays_once_per_replay_down_to_the_floor() -> None:
    agent = QAgent()
    assert agent.replay_batch() == 0  # nothing to replay, no decay
    assert agent.epsilon == 1.0
    agent.remember(Experience(S, "skip", 1.0))
    agent.replay_batch()
    assert agent.epsilon == pytest.approx(0.995)
    agent.replay_batch()
    assert agent.epsilon == pytest.approx(0.995**2)
    for _ in range(1_000):
        agent.replay_batch()
    assert agent.epsilon == 0.01


def test_replay_samples_a_batch_of_32_distinct_experiences() -> None:
    agent = QAgent()
    for i in range(5):
        agent.remember(Experience(f"{S}-{i}", "skip", 1.0))
    assert agent.replay_batch() == 5  # fewer than a batch: all of them

    agent = QAgent()
    for i in range(100):
        agent.remember(Experience(f"k{i}", "qualify_high", 10.0))
    assert agent.replay_batch() == 32
    # Sampled without replacement: 32 states each moved once to 1.0.
    assert len(agent.q) == 32
    assert all(values[0] == pytest.approx(1.0) for values in agent.q.values())


def test_replay_memory_keeps_the_newest_10000() -> None:
    agent = QAgent()
    for i in range(10_005):
        agent.remember(Experience(S, "skip", float(i)))
    assert len(agent.replay) == 10_000
    assert agent.replay[0].reward == 5.0
    assert agent.replay[-1].reward == 10_004.0
    assert agent.visits[S] == 10_005


def test_remember_refuses_an_unknown_action() -> None:
    with pytest.raises(ValueError, match="unknown action"):
        QAgent().remember(Experience(S, "qualify_maybe", 1.0))


def test_greedy_act_picks_the_argmax_and_breaks_ties_by_action_order() -> None:
    agent = QAgent(epsilon=0.0)
    assert agent.act(S) == "qualify_high"  # unseen: all 0, the first wins
    agent.q[S] = np.array([-1.0, 2.0, 2.0, 0.5])
    assert agent.act(S) == "qualify_medium"
    assert agent.best_action(S) == "qualify_medium"
    assert {agent.act(S) for _ in range(50)} == {"qualify_medium"}


def test_exploring_agent_tries_every_action_and_is_seeded() -> None:
    agent = QAgent(seed=3)
    picks = [agent.act(S) for _ in range(200)]
    assert set(picks) == set(ACTIONS)
    again = QAgent(seed=3)
    assert [again.act(S) for _ in range(200)] == picks
    assert QAgent(seed=3, epsilon=1.0).act(S, explore=False) == "qualify_high"


def test_confidence_is_the_normalised_gap_between_best_and_runner_up() -> None:
    agent = QAgent()
    assert agent.confidence(S) == 0.0
    agent.q[S] = np.array([7.0, 2.0, -1.0, 0.0])
    assert agent.confidence(S) == pytest.approx(0.5)  # gap 5 / (5 + 5)
    agent.q[S] = np.array([100.0, -100.0, -100.0, -100.0])
    assert 0.97 < agent.confidence(S) < 1.0


def test_rows_round_trip_through_from_rows() -> None:
    agent = QAgent()
    agent.remember(Experience(S, "qualify_high", 10.0))
    agent.update(Experience(S, "qualify_high", 10.0))
    agent.update(Experience(S2, "skip", 10.0))
    rows = agent.to_rows()
    assert rows == [
        {
            "state_key": S2,
            "state_features": {
                "salary_range": "<40k",
                "keyword_match_ratio": "none",
                "location_type": "onsite",
                "company_size": "recruiter",
                "posting_age": ">=30d",
            },
            "q_values": {
                "qualify_high": 0.0,
                "qualify_medium": 0.0,
                "qualify_low": 0.0,
                "skip": pytest.approx(1.0),
            },
            "visit_count": 0,
        },
        {
            "state_key": S,
            "state_features": State.from_key(S).features,
            "q_values": {
                "qualify_high": pytest.approx(1.0),
                "qualify_medium": 0.0,
                "qualify_low": 0.0,
                "skip": 0.0,
            },
            "visit_count": 1,
        },
    ]
    restored = QAgent.from_rows(rows, epsilon=0.2, seed=1)
    assert restored.to_rows() == rows
    assert restored.epsilon == 0.2
    assert restored.best_action(S2) == "skip"
    assert len(restored.replay) == 0


def test_from_rows_refuses_a_malformed_state_key() -> None:
    with pytest.raises(ValueError):
        QAgent.from_rows([{"state_key": "salary_range=9", "q_values": {}}], epsilon=0)
    with pytest.raises(ValueError, match="out of range"):
        QAgent.from_rows(
            [{"state_key": S.replace("posting_age=0", "posting_age=6")}], epsilon=0
        )


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        (None, 0),
        (math.nan, 0),
        (-1.0, 0),
        (0.0, 1),
        (39_999.0, 1),
        (40_000.0, 2),
        (79_999.0, 2),
        (80_000.0, 3),
        (119_999.0, 3),
        (120_000.0, 4),
        (1e7, 4),
    ],
)
def test_salary_bins(pay: float | None, expected: int) -> None:
    assert discretise({"salary_range": pay}).bins[0] == expected


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (None, 0),
        (0.0, 0),
        (0.01, 1),
        (0.3399, 1),
        (0.34, 2),
        (0.6699, 2),
        (0.67, 3),
        (1.0, 3),
    ],
)
def test_keyword_ratio_bins(ratio: float | None, expected: int) -> None:
    assert discretise({"keyword_match_ratio": ratio}).bins[1] == expected


@pytest.mark.parametrize(
    ("remote", "expected"),
    [(1.0, 0), (0.5, 1), (0.0, 2), (None, 3), (math.nan, 3), (0.8, 0), (0.2, 2)],
)
def test_location_bins(remote: float | None, expected: int) -> None:
    assert discretise({"location_type": remote}).bins[2] == expected


@pytest.mark.parametrize(
    ("size", "expected"), [(0.0, 0), (1.0, 1), (None, 2), (7.0, 2), (2.0, 3)]
)
def test_company_bins(size: float | None, expected: int) -> None:
    assert discretise({"company_size": size}).bins[3] == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-2.0, 0),
        (0.0, 0),
        (0.999, 0),
        (1.0, 1),
        (3.0, 2),
        (6.99, 2),
        (7.0, 3),
        (29.9, 3),
        (30.0, 4),
        (400.0, 4),
        (None, 5),
    ],
)
def test_posting_age_bins(days: float | None, expected: int) -> None:
    assert discretise({"posting_age": days}).bins[4] == expected


def test_an_empty_raw_state_is_all_unknown_and_keys_round_trip() -> None:
    state = discretise({})
    assert state.bins == (0, 0, 3, 2, 5)
    assert state.key == (
        "salary_range=0|keyword_match_ratio=0|location_type=3|"
        "company_size=2|posting_age=5"
    )
    assert State.from_key(state.key) == state
    assert list(state.features) == list(STATE_FEATURES)


def _features(**changes: object) -> LeadFeatures:
    base = LeadFeatures.from_dict({"remote": 1.0, "posted_at": 1_000_000.0})
    return LeadFeatures.from_dict({**base.to_dict(), **changes})


def test_raw_state_from_stored_features() -> None:
    now = 1_000_000.0 + 2.5 * 86_400
    raw = raw_state_from_features(
        _features(salary_min=90_000.0, salary_max=130_000.0, company_size="small"),
        keyword_ratio=0.5,
        now=now,
    )
    assert raw == {
        "salary_range": 130_000.0,
        "keyword_match_ratio": 0.5,
        "location_type": 1.0,
        "company_size": 0.0,
        "posting_age": pytest.approx(2.5),
    }
    assert discretise(raw).features == {
        "salary_range": ">=120k",
        "keyword_match_ratio": "0.34-0.67",
        "location_type": "remote",
        "company_size": "small",
        "posting_age": "1-3d",
    }


def test_raw_state_reads_recruiters_unpaid_and_unknowns() -> None:
    recruiter = _features(company_size="large", recruiter_cues=2, salary_min=50_000.0)
    raw = raw_state_from_features(recruiter, keyword_ratio=0.0, now=0.0)
    assert raw["company_size"] == 2.0  # recruiter wins over size
    assert raw["salary_range"] == 50_000.0  # one-sided pay
    unpaid = _features(is_paid=False, remote=None, posted_at=None)
    raw = raw_state_from_features(unpaid, keyword_ratio=0.0, now=0.0)
    assert raw["salary_range"] == 0.0
    assert raw["location_type"] is None
    assert raw["posting_age"] is None
    assert discretise(raw).features["salary_range"] == "<40k"


@pytest.mark.parametrize(
    ("action", "events", "expected"),
    [
        ("qualify_high", ["approved", "interview"], 30.0),
        ("qualify_high", ["approved", "no_response"], 9.0),
        ("qualify_high", ["rejected"], -5.0),
        ("qualify_medium", ["approved", "interview"], 10.0),
        ("qualify_medium", ["rejected"], -5.0),
        ("qualify_low", ["approved", "interview"], -5.0),
        ("qualify_low", ["rejected"], 10.0),
        ("skip", ["rejected"], 10.0),
        ("skip", ["approved", "interview"], -25.0),
        ("skip", ["approved", "no_response"], -4.0),
        ("qualify_high", ["approved", "reply_received"], 10.0),
        ("qualify_high", [], 0.0),
    ],
)
def test_feedback_rewards_judge_the_advice(
    action: str, events: list[str], expected: float
) -> None:
    assert reward_for(action, events) == expected


def test_reward_refuses_unknown_actions_and_events() -> None:
    with pytest.raises(ValueError, match="unknown action"):
        reward_for("maybe", ["approved"])
    with pytest.raises(ValueError, match="unknown feedback"):
        reward_for("skip", ["ghosted"])
