"""Text embeddings without a downloaded model: signed feature hashing of word
unigrams and bigrams (sublinear term frequency, L2-normalised), and cosine
similarity search over a matrix of them.

No model is fetched at run time, the vectors are the same in every process
(sha1 of the token, not Python's randomised hash), and near-identical postings
(reposts, the same ad in several cities) land close together, which is what
"similar leads" needs.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import math
import re
import unicodedata
from collections import Counter
from typing import Protocol

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

DIMENSIONS = 256
Vector = npt.NDArray[np.float32]
_WORD = re.compile(r"[a-z0-9]+")
_MAX_TOKENS = 20_000


def _tokens(text: str) -> list[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())[:_MAX_TOKENS]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _slot(token: str) -> tuple[int, float]:
    digest = hashlib.sha1(token.encode(), usedforsecurity=False).digest()
    index = int.from_bytes(digest[:4], "little") % DIMENSIONS
    return index, (1.0 if digest[4] & 1 else -1.0)


def embed(text: str) -> Vector:
    """A unit vector for `text` (all zeros for text without words)."""
    vector = np.zeros(DIMENSIONS, dtype=np.float32)
    for token, count in Counter(_tokens(text)).items():
        index, sign = _slot(token)
        vector[index] += sign * (1.0 + math.log(count))
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def to_bytes(vector: Vector) -> bytes:
    return vector.astype(np.float32).tobytes()


def from_bytes(data: bytes) -> Vector:
    return np.frombuffer(data, dtype=np.float32)


def most_similar(
    query: Vector, matrix: npt.NDArray[np.float32], k: int
) -> list[tuple[int, float]]:
    """(row index, cosine similarity) of the k rows nearest to `query`."""
    if matrix.size == 0 or k <= 0:
        return []
    scores = matrix @ query
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    return [(int(i), float(scores[i])) for i in top[np.argsort(-scores[top])]]


class Embedder(Protocol):
    """What the memory needs from an embedding model."""

    name: str

    def embed(self, text: str) -> Vector: ...


class HashingEmbedder:
    """The default: no download, deterministic, 256 dimensions."""

    name = "hashing-256"

    def embed(self, text: str) -> Vector:
        return embed(text)


class SentenceTransformerEmbedder:
    """A sentence-transformers model that is already installed locally (never
    fetched at run time: the library is told to stay offline)."""

    def __init__(self, model_name: str) -> None:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        self.name = f"st:{model_name}"
        self._model = SentenceTransformer(model_name, local_files_only=True)

    def embed(self, text: str) -> Vector:
        vector = self._model.encode(text, normalize_embeddings=True)
        return np.asarray(vector, dtype=np.float32)


@functools.cache
def get_embedder(spec: str = "hashing") -> Embedder:
    """The embedder named by MEMORY_EMBEDDER: "hashing" (default) or
    "sentence-transformers:<model>"; an unusable model falls back to hashing."""
    if spec.startswith("sentence-transformers:"):
        try:
            return SentenceTransformerEmbedder(spec.split(":", 1)[1])
        except Exception:
            logger.warning(
                "embedder %s unavailable; using hashing", spec, exc_info=True
            )
    return HashingEmbedder()
