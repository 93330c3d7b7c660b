"""The per-process vector index: it answers like a fresh read of every stored
embedding, reading only what changed since the last query."""

from __future__ import annotations

import numpy as np
import pytest

from memory import services
from memory.models import MemoryStore
from memory.vector_index import SemanticIndex

pytestmark = pytest.mark.django_db

TEXTS = {
    1: "Senior Python developer, Django and PostgreSQL, remote",
    2: "Line cook for weekend brunch shifts",
    3: "Registered nurse, night shift, hospital",
}


def _fresh() -> tuple[list[str], np.ndarray]:
    """What a reader without any cache sees."""
    return SemanticIndex().current()


def _same(index: SemanticIndex) -> None:
    keys, matrix = index.current()
    fresh_keys, fresh = _fresh()
    assert sorted(keys) == sorted(fresh_keys)
    order = [keys.index(k) for k in fresh_keys]
    assert np.array_equal(matrix[order], fresh)


def test_new_and_re_embedded_leads_are_read_without_a_full_reload() -> None:
    for lead_id, text in TEXTS.items():
        services.remember_lead_text(lead_id=lead_id, text=text)
    index = SemanticIndex()
    _same(index)
    assert index.full_loads == 1

    services.remember_lead_text(lead_id=4, text="Django backend engineer, remote")
    services.remember_lead_text(lead_id=2, text="Pastry chef for a bakery")
    _same(index)
    assert index.full_loads == 1, "a new or changed row should be merged, not reloaded"
    keys, matrix = index.current()
    nearest = services.embeddings.most_similar(matrix[keys.index("lead:4")], matrix, 2)
    assert keys[nearest[1][0]] == "lead:1"


def test_a_deleted_embedding_is_dropped_by_a_full_reload() -> None:
    for lead_id, text in TEXTS.items():
        services.remember_lead_text(lead_id=lead_id, text=text)
    index = SemanticIndex()
    index.current()
    MemoryStore.objects.filter(key="lead:3").delete()
    keys, _ = index.current()
    assert "lead:3" not in keys and index.full_loads == 2
    _same(index)


def test_similar_leads_see_writes_made_after_the_first_query() -> None:
    services.remember_lead_text(lead_id=1, text=TEXTS[1])
    services.remember_lead_text(lead_id=2, text=TEXTS[2])
    assert services.similar_leads(lead_id=1, minimum=0.5) == []
    services.remember_lead_text(lead_id=5, text=TEXTS[1] + " and Celery")
    assert [pk for pk, _ in services.similar_leads(lead_id=1, minimum=0.5)] == [5]
