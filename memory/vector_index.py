"""The semantic memories (one embedding per lead) as one matrix, kept in each
process and refreshed from the database only by what changed.

Reading every stored vector for each similarity query cost more than the rest of
the request, and grew with the number of leads. A cheap fingerprint (how many
rows, the latest `updated_at`) says whether anything changed; new and re-embedded
rows are read by `updated_at`, and any deletion (the cache then holds more rows
than the database) reloads everything. Other processes' writes are seen at the
next query, since the fingerprint is read every time.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Max, QuerySet

from . import embeddings
from .models import MemoryStore

Matrix = npt.NDArray[np.float32]


def _rows() -> QuerySet[MemoryStore]:
    return MemoryStore.objects.filter(
        memory_type=MemoryStore.Kind.SEMANTIC, embedding__isnull=False
    )


class SemanticIndex:
    """Keys (`lead:<id>`) and their unit vectors, one row each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vectors: dict[str, Any] = {}
        self._fingerprint: tuple[int, datetime | None] | None = None
        self._snapshot: tuple[list[str], Matrix] = ([], _empty())
        self.full_loads = 0  # read by the tests and the benchmark

    def current(self) -> tuple[list[str], Matrix]:
        """The keys and matrix as the database holds them now."""
        found = _rows().aggregate(n=Count("id"), latest=Max("updated_at"))
        fingerprint = (int(found["n"]), found["latest"])
        with self._lock:
            if fingerprint == self._fingerprint:
                return self._snapshot
            seen_up_to = self._fingerprint[1] if self._fingerprint else None
            if seen_up_to is not None:
                # >=: rows written in the same instant as the last one seen
                self._merge(_rows().filter(updated_at__gte=seen_up_to))
            if seen_up_to is None or len(self._vectors) != fingerprint[0]:
                self._vectors = {}
                self.full_loads += 1
                self._merge(_rows())
            self._fingerprint = fingerprint
            self._snapshot = _stack(self._vectors)
            return self._snapshot

    def _merge(self, rows: QuerySet[MemoryStore]) -> None:
        for key, blob in rows.values_list("key", "embedding").iterator(2000):
            self._vectors[key] = embeddings.from_bytes(bytes(blob or b""))


def _empty() -> Matrix:
    return np.zeros((0, 0), dtype=np.float32)


def _stack(vectors: dict[str, Any]) -> tuple[list[str], Matrix]:
    width = max((len(v) for v in vectors.values()), default=0)
    # Vectors of another embedder (after a switch) are skipped until re-embedded.
    keys = [k for k, v in vectors.items() if len(v) == width]
    if not keys:
        return [], _empty()
    return keys, np.stack([vectors[k] for k in keys])


INDEX = SemanticIndex()
