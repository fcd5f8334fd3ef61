"""bot.embeddings: the NumPy forward pass gives the vectors Hugging Face's own model gives."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.embeddings import DIMENSIONS, cosine, encoder

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" / "reference_embeddings.json").read_text())


@pytest.mark.parametrize("sentence", sorted(REFERENCE["vectors"]))
def test_matches_transformers(sentence):
    ours = encoder().encode_one(sentence)
    theirs = np.array(REFERENCE["vectors"][sentence], dtype=np.float32)
    assert ours.shape == (DIMENSIONS,)
    assert np.abs(ours - theirs).max() < 1e-4
    assert float(ours @ theirs) > 0.9999


def test_a_batch_gives_the_same_vectors_as_one_at_a_time():
    texts = ["hi", "how do i become a paramedic", "wat do porters get paid in london tbh"]
    batch = encoder()._forward(texts)  # padded together, sorted by length
    for text, vector in zip(texts, batch, strict=True):
        assert np.abs(vector - encoder()._forward_batch([text])[0]).max() < 1e-5


def test_vectors_have_unit_length_and_repeats_come_from_the_cache():
    first = encoder().encode(["what does a porter earn", "what does a porter earn"])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first[0], first[1])
    assert encoder().encode([]).shape == (0, DIMENSIONS)


def test_meaning_not_words():
    xray, = encoder().encode(["the person who takes x-rays"])
    radiographer, porter = encoder().encode(["diagnostic radiographer: takes x-ray images of patients",
                                             "porter: moves patients and equipment around the hospital"])
    assert cosine(xray, radiographer) > cosine(xray, porter)
