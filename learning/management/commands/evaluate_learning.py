"""`python manage.py evaluate_learning --episodes N --seed S` (CONTRACTS.md).

Trains a fresh qualify advisor against a simulated operator whose taste it
does not see (`learning.simulation`), prints the learning curve one episode a
line, then the static scorer's agreement, and last one JSON line:
`{"episodes", "agreement", "static_agreement"}`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.simulation import run_evaluation

MAX_EPISODES = 10_000
# numpy seeds are non-negative; 32 bits is plenty and easy to type.
MAX_SEED = 2**32 - 1


class Command(BaseCommand):
    help = (
        "Simulate an operator with a hidden preference, train the Q-learning "
        "qualify advisor on their feedback, and print the learning curve and "
        "the final agreement against the static scorer's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--episodes",
            type=int,
            default=300,
            help=f"episodes of 100 leads each, 1 to {MAX_EPISODES} (default 300)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help=f"random seed, 0 to {MAX_SEED}; a seed replays a run exactly",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        episodes, seed = options["episodes"], options["seed"]
        if not 1 <= episodes <= MAX_EPISODES:
            raise CommandError(
                f"--episodes must be between 1 and {MAX_EPISODES}, not {episodes}"
            )
        if not 0 <= seed <= MAX_SEED:
            raise CommandError(f"--seed must be between 0 and {MAX_SEED}, not {seed}")

        def show(episode: int, agreement: float, epsilon: float) -> None:
            self.stdout.write(
                f"episode {episode}  agreement {agreement:.3f}  epsilon {epsilon:.3f}"
            )

        result = run_evaluation(episodes, seed, on_episode=show)
        self.stdout.write(f"static scorer  agreement {result.static_agreement:.3f}")
        self.stdout.write(
            json.dumps(
                {
                    "episodes": result.episodes,
                    "agreement": round(result.agreement, 4),
                    "static_agreement": round(result.static_agreement, 4),
                }
            )
        )
