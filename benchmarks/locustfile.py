"""Locust users for bench_load.py: API clients with their own Token.

Each simulated client holds one token (one user each, like 50 scripts of 50
people) and reads what an integration would: the lead list with filters, lead
details, text search, similar leads, dashboard-style JSON (agent metrics, queue
status, the review queue) and the advisor's prediction.

bench_load.py writes the tokens and the lead id range to a JSON file named by
LOCUST_SETUP; run it through bench_load.py rather than by hand.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, task

with open(os.environ["LOCUST_SETUP"], encoding="utf-8") as handle:
    SETUP: dict[str, Any] = json.load(handle)
_tokens = itertools.cycle(SETUP["tokens"])

LIST_FILTERS = [
    {"limit": 50},
    {"limit": 50, "grade": "A"},
    {"limit": 50, "qualified_only": "true", "min_score": 0.6},
    {"limit": 25, "site": "sfbay", "category": "sof"},
    {"limit": 25, "status": "active", "offset": 100},
]
SEARCHES = ["python", "remote django", "react developer", "data engineer", "nurse"]


class ApiClient(FastHttpUser):
    """One script polling the API, with a short think time between calls."""

    # Think time between calls; bench_load.py --think sets it.
    wait_time = between(*SETUP["think_seconds"])

    def on_start(self) -> None:
        self.headers = {
            "Authorization": f"Token {next(_tokens)}",
            "Accept": "application/json",
        }

    def _lead_id(self) -> int:
        return random.randint(SETUP["first_lead_id"], SETUP["last_lead_id"])

    @task(6)
    def lead_list(self) -> None:
        params = random.choice(LIST_FILTERS)
        self.client.get(
            "/api/v1/leads",
            params=params,
            headers=self.headers,
            name="/api/v1/leads?filters",
        )

    @task(6)
    def lead_detail(self) -> None:
        self.client.get(
            f"/api/v1/leads/{self._lead_id()}",
            headers=self.headers,
            name="/api/v1/leads/[id]",
        )

    @task(3)
    def search(self) -> None:
        self.client.get(
            "/api/v1/leads",
            params={"q": random.choice(SEARCHES), "limit": 20},
            headers=self.headers,
            name="/api/v1/leads?q=",
        )

    @task(1)
    def memory_search(self) -> None:
        self.client.get(
            "/api/v1/memory/search",
            params={"q": random.choice(SEARCHES), "k": 10},
            headers=self.headers,
            name="/api/v1/memory/search",
        )

    @task(1)
    def similar(self) -> None:
        self.client.get(
            f"/api/v1/leads/{self._lead_id()}/similar",
            headers=self.headers,
            name="/api/v1/leads/[id]/similar",
        )

    @task(2)
    def dashboard(self) -> None:
        for path in ("/api/v1/ml/metrics", "/api/v1/scraper/queue/status"):
            self.client.get(path, headers=self.headers, name=path)

    @task(1)
    def review_queue(self) -> None:
        self.client.get(
            "/api/v1/drafts",
            params={"state": "pending_review"},
            headers=self.headers,
            name="/api/v1/drafts?state=",
        )

    @task(3)
    def predict(self) -> None:
        self.client.post(
            "/api/v1/ml/predict",
            json={"lead_id": self._lead_id()},
            headers=self.headers,
            name="/api/v1/ml/predict",
        )
