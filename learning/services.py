"""The learning advisor in the database: feedback becomes experience, the
Q-table lives in `learning_states`, replays produce versions that can be rolled
back, and advice is read for a lead or for raw features.

Every feedback teaches all four actions at once (`reward_for` scores any advice
from the feedback alone), so the table learns from every decision, not only
from the action the advisor happened to try.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet, Sum

from leads.models import Lead
from qualification.services import features_for

from .agent import (
    ACTIONS,
    CONFIDENCE_SCALE,
    DECISIONS,
    FEEDBACK_REWARDS,
    HYPERPARAMETERS,
    PURSUE,
    Experience,
    QAgent,
    State,
    discretise,
    raw_state_from_features,
    reward_for,
)
from .models import AgentVersion, Feedback, LearningState

logger = logging.getLogger(__name__)

AGENT_ID = "qualify-advisor"
REPLAY_EVERY = 20
AGREEMENT_WINDOW = 200
CURVE_BLOCK = 20


class LearningError(Exception):
    """A learning request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Advice:
    action: str
    q_values: dict[str, float]
    confidence: float
    state: State

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "q_values": self.q_values,
            "confidence": round(self.confidence, 4),
            "state": {"key": self.state.key, **self.state.features},
        }


# --- the table ---------------------------------------------------------------------


def _epsilon() -> float:
    latest = AgentVersion.objects.filter(agent_id=AGENT_ID).first()
    return latest.epsilon if latest else float(HYPERPARAMETERS["epsilon_start"])


def load_agent() -> QAgent:
    rows = LearningState.objects.filter(agent_id=AGENT_ID).values(
        "state_key", "q_values", "visit_count"
    )
    return QAgent.from_rows(rows, epsilon=_epsilon(), seed=None)


def _save_rows(agent: QAgent, keys: set[str] | None = None) -> None:
    for row in agent.to_rows():
        if keys is not None and row["state_key"] not in keys:
            continue
        LearningState.objects.update_or_create(
            agent_id=AGENT_ID,
            state_key=row["state_key"],
            defaults={
                "state_features": row["state_features"],
                "q_values": row["q_values"],
                "visit_count": row["visit_count"],
            },
        )


def state_for_lead(lead: Lead) -> State:
    """The advisor's view of a lead, from its qualification features."""
    (features,) = features_for([lead])
    keywords = (lead.qualification_breakdown or {}).get("keywords") or {}
    ratio = float(keywords.get("score") or 0.0)
    return discretise(
        raw_state_from_features(features, keyword_ratio=ratio, now=time.time())
    )


def advise(*, lead: Lead | None = None, raw: Mapping[str, Any] | None = None) -> Advice:
    """The advised action for a lead (or raw state features), with Q-values and a
    confidence in [0, 1]. Reads only; never acts on its own."""
    if lead is None and raw is None:
        raise LearningError("Give a lead_id or features.")
    state = state_for_lead(lead) if lead is not None else discretise(dict(raw or {}))
    agent = load_agent()
    q_values = agent.q_values(state)
    action = agent.best_action(state)
    return Advice(
        action=action,
        q_values=q_values,
        confidence=direction_confidence(q_values, action),
        state=state,
    )


def direction_confidence(q_values: Mapping[str, float], action: str) -> float:
    """How sure the advice is about pursuing versus passing, in [0, 1).

    The team's decisions teach direction; two actions of the same direction (low
    and skip) often tie, so the gap that matters is to the best action of the
    other direction, scaled as the agent scales its own confidence."""
    same = PURSUE if action in PURSUE else frozenset(ACTIONS) - PURSUE
    other = max(value for name, value in q_values.items() if name not in same)
    gap = q_values[action] - other
    return gap / (gap + CONFIDENCE_SCALE) if gap > 0 else 0.0


# --- feedback -----------------------------------------------------------------------


def record_feedback(
    *,
    lead_id: int,
    kind: str,
    reward: float | None = None,
    metadata: Mapping[str, Any] | None = None,
    source: str = "console",
) -> Feedback:
    """Store one piece of feedback and learn from it at once.

    Not idempotent: each call is one more experience. Queues a replay after every
    REPLAY_EVERY pieces of feedback.
    """
    if kind not in FEEDBACK_REWARDS and kind != Feedback.Kind.REPLY_RECEIVED:
        raise LearningError(
            f"Unknown feedback {kind!r}; use one of {', '.join(Feedback.Kind.values)}."
        )
    lead = Lead.objects.select_related("site", "category").get(pk=lead_id)
    state = state_for_lead(lead)
    events = [kind] if kind in FEEDBACK_REWARDS else []
    with transaction.atomic():
        agent = load_agent()
        advice = agent.best_action(state)
        for action in ACTIONS:
            # Every advice can be scored from the feedback alone.
            agent.update(Experience(state.key, action, reward_for(action, events)))
        agent.visits[state.key] = agent.visits.get(state.key, 0) + 1
        _save_rows(agent, {state.key})
        feedback = Feedback.objects.create(
            agent_id=AGENT_ID,
            lead=lead,
            kind=kind,
            reward=float(FEEDBACK_REWARDS.get(kind, 0.0) if reward is None else reward),
            state_key=state.key,
            advice=advice,
            source=source[:20],
            metadata=dict(metadata or {}),
        )
        if Feedback.objects.filter(agent_id=AGENT_ID).count() % REPLAY_EVERY == 0:
            from .tasks import replay_task

            replay_task.delay_on_commit()  # type: ignore[attr-defined]
    return feedback


def enqueue_feedback(lead_id: int, kind: str) -> None:
    """Hook for the console's decisions: learn once the decision is committed."""
    from .tasks import record_feedback_task

    record_feedback_task.delay_on_commit(lead_id, kind)  # type: ignore[attr-defined]


# --- replay, versions, rollback ------------------------------------------------------


def replay(*, seed: int | None = None) -> AgentVersion:
    """Relearn from a batch sampled out of the latest 10,000 experiences, decay
    epsilon once, and store the table as a new version."""
    capacity = int(HYPERPARAMETERS["replay_capacity"])
    batch = int(HYPERPARAMETERS["batch_size"])
    with transaction.atomic():
        agent = load_agent()
        memory = list(
            Feedback.objects.filter(agent_id=AGENT_ID)
            .order_by("-id")
            .values_list("state_key", "kind")[:capacity]
        )
        if memory:
            rng = np.random.default_rng(seed)
            picks = rng.choice(len(memory), size=min(batch, len(memory)), replace=False)
            for index in picks:
                state_key, kind = memory[int(index)]
                events = [kind] if kind in FEEDBACK_REWARDS else []
                for action in ACTIONS:
                    agent.update(
                        Experience(state_key, action, reward_for(action, events))
                    )
            agent.epsilon = max(agent.epsilon * agent.epsilon_decay, agent.epsilon_min)
        _save_rows(agent)
        latest = AgentVersion.objects.filter(agent_id=AGENT_ID).first()
        return AgentVersion.objects.create(
            agent_id=AGENT_ID,
            version=(latest.version + 1) if latest else 1,
            epsilon=agent.epsilon,
            rows=agent.to_rows(),
            agreement=metrics()["agreement"],
            note=f"replay of {min(batch, len(memory))} experiences",
        )


def rollback(*, version: int) -> AgentVersion:
    """Put the table of an earlier version back (as a new version, so the
    rollback itself can be undone)."""
    target = AgentVersion.objects.filter(agent_id=AGENT_ID, version=version).first()
    if target is None:
        raise LearningError(f"There is no version {version} to roll back to.")
    with transaction.atomic():
        LearningState.objects.filter(agent_id=AGENT_ID).delete()
        agent = QAgent.from_rows(target.rows, epsilon=target.epsilon, seed=None)
        _save_rows(agent)
        latest = AgentVersion.objects.filter(agent_id=AGENT_ID).first()
        return AgentVersion.objects.create(
            agent_id=AGENT_ID,
            version=(latest.version + 1) if latest else 1,
            epsilon=target.epsilon,
            rows=target.rows,
            note=f"rollback to version {version}",
        )


# --- metrics ------------------------------------------------------------------------


def metrics(*, window: int = AGREEMENT_WINDOW) -> dict[str, Any]:
    """How well the advice matched the team: agreement over the latest decisions,
    the learning curve by blocks of decisions, cumulative reward, epsilon and the
    number of states seen."""
    decisions = list(
        Feedback.objects.filter(agent_id=AGENT_ID, kind__in=DECISIONS)
        .order_by("id")
        .values_list("advice", "kind")
    )
    hits = [(advice in PURSUE) == (kind == "approved") for advice, kind in decisions]
    recent = hits[-window:]
    curve = [
        round(sum(hits[i : i + CURVE_BLOCK]) / len(hits[i : i + CURVE_BLOCK]), 4)
        for i in range(0, len(hits), CURVE_BLOCK)
    ]
    total = Feedback.objects.filter(agent_id=AGENT_ID).aggregate(r=Sum("reward"))["r"]
    return {
        "agreement": round(sum(recent) / len(recent), 4) if recent else None,
        "decisions_in_window": len(recent),
        "cumulative_reward": float(total or 0.0),
        "epsilon": round(_epsilon(), 4),
        "states_visited": LearningState.objects.filter(agent_id=AGENT_ID).count(),
        "learning_curve": curve,
        "version": getattr(
            AgentVersion.objects.filter(agent_id=AGENT_ID).first(), "version", 0
        ),
        "hyperparameters": dict(HYPERPARAMETERS),
    }


def list_versions() -> QuerySet[AgentVersion]:
    return AgentVersion.objects.filter(agent_id=AGENT_ID).defer("rows")
