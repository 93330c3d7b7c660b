"""Text embeddings without a downloaded model: signed feature hashing of word
unigrams and bigrams (sublinear term frequency, L2-normalised), and cosine
similarity search over a matrix of them.

No model is fetched at run time, the vectors are the same in every process
(sha1 of the token, not Python's randomised hash), and near-identical postings
(reposts, the same ad in several cities) land close together, which is what
"similar leads" needs.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
from collections import Counter

import numpy as np
import numpy.typing as npt

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
