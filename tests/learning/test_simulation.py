"""The simulated operator and the evaluate_learning command."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from learning.agent import ACTIONS, Experience, QAgent, reward_for
from learning.simulation import (
    EvaluationResult,
    agrees,
    generate_leads,
    run_evaluation,
)


@pytest.fixture(scope="module")
def evaluation() -> EvaluationResult:
    return run_evaluation(200, seed=7)


def test_agent_reaches_the_seeds_target_and_beats_the_static_scorer(
    evaluation: EvaluationResult,
) -> None:
    assert evaluation.agreement >= 0.85
    assert evaluation.agreement > evaluation.static_agreement
    assert len(evaluation.curve) == len(evaluation.epsilons) == 200
    assert evaluation.curve[-1] == evaluation.agreement
    # It learns: the untrained agent is far below where it ends.
    assert evaluation.curve[0] < 0.6
    assert evaluation.epsilons[-1] == 0.01
    assert sum(evaluation.action_shares.values()) == pytest.approx(1.0)


def test_a_seed_replays_the_same_run() -> None:
    first = run_evaluation(8, seed=3, leads_per_episode=50, holdout_size=500)
    again = run_evaluation(8, seed=3, leads_per_episode=50, holdout_size=500)
    other = run_evaluation(8, seed=4, leads_per_episode=50, holdout_size=500)
    assert first == again
    assert first.curve != other.curve


def test_generated_leads_look_like_a_jobs_board() -> None:
    leads = generate_leads(3_000, np.random.default_rng(0))
    assert 0.1 < leads.approved.mean() < 0.5  # most postings are not for them
    assert not (leads.interview & ~leads.approved).any()
    interview_rate = leads.interview[leads.approved].mean()
    assert 0.01 < interview_rate < 0.15
    assert set(leads.static_actions) <= set(ACTIONS)
    paid = [f.salary_max for f in leads.features if f.salary_max is not None]
    assert 0.4 < len(paid) / len(leads) < 0.8
    assert leads.feedback(int(np.argmin(leads.approved))) == ("rejected",)
    same = generate_leads(3_000, np.random.default_rng(0))
    assert same.states == leads.states


def test_agreement_counts_direction_only() -> None:
    assert agrees("qualify_high", True)
    assert agrees("qualify_medium", True)
    assert not agrees("qualify_low", True)
    assert agrees("skip", False)
    assert agrees("qualify_low", False)
    assert not agrees("qualify_medium", False)


def test_evaluation_refuses_zero_episodes() -> None:
    with pytest.raises(ValueError):
        run_evaluation(0, seed=1)


def test_command_prints_the_curve_then_the_json_line() -> None:
    out = StringIO()
    call_command("evaluate_learning", episodes=5, seed=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("episode 1  agreement ")
    assert "epsilon" in lines[4]
    summary = json.loads(lines[-1])
    assert list(summary) == ["episodes", "agreement", "static_agreement"]
    assert summary["episodes"] == 5
    assert summary["agreement"] == round(summary["agreement"], 4)
    assert 0.0 <= summary["static_agreement"] <= 1.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"episodes": 0}, "--episodes"),
        ({"episodes": 10_001}, "--episodes"),
        ({"seed": -1}, "--seed"),
        ({"seed": 2**32}, "--seed"),
    ],
)
def test_command_refuses_bad_options(options: dict[str, int], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("evaluate_learning", **options, stdout=StringIO())


def test_an_agent_built_from_rows_advises_like_the_trained_one() -> None:
    agent = QAgent(seed=0)
    leads = generate_leads(500, np.random.default_rng(1))
    for i, key in enumerate(leads.states):
        action = agent.act(key)
        agent.remember(Experience(key, action, reward_for(action, leads.feedback(i))))
        agent.replay_batch()
    restored = QAgent.from_rows(agent.to_rows(), epsilon=0.0)
    assert all(
        restored.best_action(k) == agent.best_action(k) for k in set(leads.states)
    )
