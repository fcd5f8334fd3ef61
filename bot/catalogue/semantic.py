"""Search the catalogue by meaning: "the one who takes x-rays", "do student nurses get money".

Each entry (a role, an answer-bank item) has one or more passages, embedded once with the
shared sentence encoder (`bot.embeddings`); a query is ranked by its best cosine against each
entry's passages. Built from the catalogue's own text, so a role or answer staff add is found
without retraining.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Vectors = np.ndarray[Any, np.dtype[np.float32]]
Encode = Callable[[Sequence[str]], Vectors]


@dataclass(frozen=True)
class Hit:
    key: str
    score: float


class SemanticIndex:
    def __init__(self, entries: Iterable[tuple[str, Sequence[str]]], encode: Encode) -> None:
        keys: list[str] = []
        passages: list[str] = []
        for key, texts in entries:
            for text in texts:
                if text and text.strip():
                    keys.append(key)
                    passages.append(text.strip())
        self._encode = encode
        self._keys = np.array(keys, dtype=object)
        self._unique = list(dict.fromkeys(keys))
        position = {key: i for i, key in enumerate(self._unique)}
        self._entry_of = np.array([position[key] for key in keys], dtype=np.intp)  # passage -> entry
        self._vectors = encode(passages) if passages else np.zeros((0, 384), dtype=np.float32)
        self._means = self._prototypes() if passages else np.zeros((0, 384), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._unique)

    def sureness(self, query: str, limit: int = 3, prefer: frozenset[str] = frozenset(),
                 temperature: float = 0.05, boost: float = 0.0) -> list[Hit]:
        """The entries as a classifier sees them: each entry is the mean of its passages'
        vectors (a nearest-class-mean classifier, fitted on the catalogue's own text, so an
        entry staff add is in at once), and a hit's score is a softmax over every entry's
        cosine to the query: how sure, on one scale, whatever the number of passages.
        ``prefer``: entries whose cosine gets ``boost`` first (those about the job named)."""
        if not self._unique or not query.strip():
            return []
        cosines = self._means @ self._encode([query])[0]
        if prefer and boost:
            cosines = cosines + boost * np.array([key in prefer for key in self._unique])
        weights = np.exp((cosines - cosines.max()) / temperature)
        probabilities = weights / weights.sum()
        order = np.argsort(-probabilities)[:limit]
        return [Hit(self._unique[i], float(probabilities[i])) for i in order]

    def _prototypes(self) -> Vectors:
        means = np.stack([self._vectors[self._keys == key].mean(axis=0) for key in self._unique])
        prototypes: Vectors = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        return prototypes

    def rank(self, query: str, limit: int = 3) -> list[Hit]:
        """The entries nearest in meaning to ``query``, best first (one hit per entry)."""
        if not self._unique or not query.strip():
            return []
        scores = self._vectors @ self._encode([query])[0]
        best = np.full(len(self._unique), -np.inf)
        np.maximum.at(best, self._entry_of, scores)  # each entry's best passage, without a Python loop
        order = np.argsort(-best, kind="stable")[:limit]  # ties: the entry listed first
        return [Hit(self._unique[i], float(best[i])) for i in order]


@dataclass(frozen=True)
class Confidence:
    """When a top hit counts as the answer: a floor on its score and a lead over the next."""

    floor: float
    lead: float = 0.0

    def sure(self, hits: Sequence[Hit]) -> bool:
        if not hits or hits[0].score < self.floor:
            return False
        return len(hits) == 1 or hits[0].score - hits[1].score >= self.lead
