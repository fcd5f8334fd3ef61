"""The learned safeguarding layer: logistic regression over sentence embeddings and n-grams.

Beside the rules in `bot/safeguarding.py` (precise, explainable, first person), this layer
hears what the rules were never written for: "theyd all be fine without me", "my uncle does
stuff to me at night", "not sure where ill be living next week". Three small models share the
message's MiniLM vector (`bot.embeddings`):

- is it a disclosure at all (binary, with a threshold calibrated on a held-back split of the
  training messages so that false alarms stay rare);
- which concern (13 classes, disclosures only);
- is it urgent (immediate danger: an overdose taken, a plan for tonight, being hurt now).

Trained from `bot/safeguarding_data/training*.yml` (written for training only; the evaluation
set in `tests/safeguarding_eval/` is never trained on). It runs in the Rasa server, whose
environment has scikit-learn; the trained layer is stored as plain arrays (no pickle).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

TRAINING_DIR = Path(__file__).resolve().parent / "safeguarding_data"  # training*.yml


class Risk(str, Enum):
    """What a disclosure is about: the 13 concerns the help is chosen by."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    OVERDOSE = "overdose"
    EATING_DISORDER = "eating_disorder"
    PHYSICAL_ABUSE = "physical_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    EMOTIONAL_ABUSE = "emotional_abuse"
    NEGLECT = "neglect"
    GROOMING = "grooming"
    EXPLOITATION = "exploitation"
    DOMESTIC_ABUSE = "domestic_abuse"
    HOMELESSNESS = "homelessness"
    RUNNING_AWAY = "running_away"


RISKS = tuple(Risk)
# At most this share of held-back harmless messages may be flagged by this layer alone (see
# `calibrate`); 3 % on held-back training messages measured about 1 % on the evaluation set's
# near misses (docs/safeguarding.md).
MAX_FALSE_ALARMS = 0.03
# A rule match counts unless this layer is all but sure the message is harmless: its score is
# below what all but this share of held-back disclosures reach.
SUPPORT_MISS = 0.02


@dataclass(frozen=True)
class Reading:
    flagged: bool
    risk: Risk | None
    urgent: bool
    score: float  # P(disclosure)
    support: float = 0.0  # the layer's support threshold for a rule match


def _characters(vocabulary=None):
    """Character n-grams (tf-idf) beside the embedding: slang and spellings MiniLM splits badly
    ("sh'd", "kms", "unalive", "od"). Chosen by cross-validation on the training messages."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                           vocabulary=vocabulary)


def _words(vocabulary=None):
    """Word uni- and bigrams (tf-idf): "kicked out", "no where", "owe them", "wont be around".
    Added by cross-validation on the training messages (bench/safeguarding_cv.py)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                           vocabulary=vocabulary)


@dataclass
class LearnedLayer:
    chars: np.ndarray       # (V,) the character n-grams, in column order
    idf: np.ndarray         # (V,)
    flag_w: np.ndarray      # (V + W + 384,): character n-grams, word n-grams, then the embedding
    flag_b: float
    flag_threshold: float
    risk_w: np.ndarray      # (13, 384)
    risk_b: np.ndarray      # (13,)
    urgent_w: np.ndarray    # (384,)
    urgent_b: float
    urgent_threshold: float
    support_threshold: float = 0.0  # below it, a rule match is taken as career talk
    words: np.ndarray = field(default_factory=lambda: np.array([], dtype=str))  # (W,)
    word_idf: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float64))

    def __post_init__(self) -> None:
        self._vectorizers: Any = None  # fitted sklearn TfidfVectorizers (untyped)

    def _ngram_features(self, texts: Sequence[str]) -> list[Any]:
        if self._vectorizers is None:
            chars = _characters(vocabulary=[str(c) for c in self.chars])
            chars.idf_ = self.idf
            self._vectorizers = [chars]
            if len(self.words):
                words = _words(vocabulary=[str(w) for w in self.words])
                words.idf_ = self.word_idf
                self._vectorizers.append(words)
        return [v.transform(texts) for v in self._vectorizers]

    def score(self, text: str, vector: np.ndarray) -> float:
        total, start = self.flag_b, 0
        for features in self._ngram_features([text]):
            width = features.shape[1]
            total += features.dot(self.flag_w[start:start + width])[0]
            start += width
        return float(_sigmoid(total + vector @ self.flag_w[start:]))

    def read(self, text: str, vector: np.ndarray) -> Reading:
        score = self.score(text, vector)
        if score < self.flag_threshold:
            return Reading(False, None, False, score, self.support_threshold)
        risk = RISKS[int(np.argmax(self.risk_w @ vector + self.risk_b))]
        urgent = float(_sigmoid(vector @ self.urgent_w + self.urgent_b)) >= self.urgent_threshold
        return Reading(True, risk, urgent, score, self.support_threshold)

    # -- persistence (plain arrays: no pickle) -------------------------------------------------
    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, chars=self.chars, idf=self.idf, flag_w=self.flag_w, flag_b=self.flag_b,
                 flag_threshold=self.flag_threshold, risk_w=self.risk_w, risk_b=self.risk_b,
                 urgent_w=self.urgent_w, urgent_b=self.urgent_b,
                 urgent_threshold=self.urgent_threshold, support_threshold=self.support_threshold,
                 words=self.words, word_idf=self.word_idf)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedLayer:
        a = np.load(io.BytesIO(data), allow_pickle=False)
        return cls(a["chars"], a["idf"], a["flag_w"], float(a["flag_b"]), float(a["flag_threshold"]),
                   a["risk_w"], a["risk_b"], a["urgent_w"], float(a["urgent_b"]),
                   float(a["urgent_threshold"]),
                   float(a["support_threshold"]) if "support_threshold" in a else 0.0,
                   a["words"] if "words" in a else np.array([], dtype=str),
                   a["word_idf"] if "word_idf" in a else np.array([], dtype=np.float64))


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def training_files(folder: Path = TRAINING_DIR) -> list[Path]:
    return sorted(folder.glob("training*.yml"))


def read_training(folder: Path = TRAINING_DIR) -> list[dict]:
    """Every training message (each writer's file: training.yml, training_2.yml, ...)."""
    import yaml

    return [m for path in training_files(folder) for m in yaml.safe_load(path.read_text())["messages"]]


@dataclass(frozen=True)
class Calibration:
    threshold: float
    recall: float
    false_alarms: float
    held_back: int
    support: float = 0.0


def calibrate(scores: np.ndarray, positive: np.ndarray) -> Calibration:
    """The threshold on held-back scores: the lowest (so the most disclosures heard) that lets
    through at most `MAX_FALSE_ALARMS` of the held-back harmless messages.

    A false alarm is not free: it answers a young person's career question with helplines
    instead of the answer, so the cap comes first; the rules, which are precise, sit beside
    this layer for the disclosures it misses."""
    neg = np.sort(scores[~positive])
    allowed = int(np.floor(MAX_FALSE_ALARMS * len(neg)))  # negatives that may score above it
    threshold = float(neg[len(neg) - allowed - 1]) + 1e-6 if len(neg) > allowed else 0.5
    return Calibration(threshold, float((scores[positive] >= threshold).mean()),
                       float((scores[~positive] >= threshold).mean()), int(len(scores)))


def train(messages: Sequence[dict], encode: Callable[[Sequence[str]], np.ndarray], seed: int = 42,
          held_back: float = 0.2, everyday: Sequence[str] = ()) -> tuple[LearnedLayer, Calibration]:
    """Fit the three models; calibrate the disclosure threshold on a held-back split.

    ``everyday`` are messages known not to be disclosures: the NLU training examples of every
    other intent ("cancel my booking", "stop showing me the care leaver stuff"). They teach the
    layer what ordinary use of the bot looks like; the threshold is still calibrated on the
    hard, held-back safeguarding messages only."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    known = {" ".join(m["text"].lower().split()) for m in messages}
    everyday = [t for t in dict.fromkeys(everyday) if " ".join(t.lower().split()) not in known]
    n_own = len(messages)
    texts = [m["text"] for m in messages] + list(everyday)
    concern = np.array([m.get("concern", "none") for m in messages] + ["none"] * len(everyday))
    urgent = np.array([bool(m.get("urgent")) for m in messages] + [False] * len(everyday))
    vectors = encode(texts).astype(np.float64)
    positive = concern != "none"

    from scipy.sparse import csr_matrix, hstack

    def flag_model() -> LogisticRegression:
        # C and the word n-grams chosen by 5-fold cross-validation on the training messages:
        # recall at 3 % false alarms 88.6 % (C=10, no word n-grams) -> 91.7 % (bench/safeguarding_cv.py)
        return LogisticRegression(C=30.0, class_weight="balanced", max_iter=3000, random_state=seed)

    def features(ngrams, idx):
        chosen = [texts[i] for i in idx]
        return hstack([*(v.transform(chosen) for v in ngrams), csr_matrix(vectors[idx])]).tocsr()

    def fitted_ngrams(idx) -> tuple[Any, Any]:
        chosen = [texts[i] for i in idx]
        return _characters().fit(chosen), _words().fit(chosen)

    fit_idx, cal_idx = train_test_split(np.arange(n_own), test_size=held_back, random_state=seed,
                                        stratify=concern[:n_own])
    fit_idx = np.concatenate([fit_idx, np.arange(n_own, len(texts))]).astype(int)
    probe_ngrams = fitted_ngrams(fit_idx)
    probe = flag_model().fit(features(probe_ngrams, fit_idx), positive[fit_idx])
    held_scores = probe.predict_proba(features(probe_ngrams, cal_idx))[:, 1]
    calibration = calibrate(held_scores, positive[cal_idx])
    support = float(np.quantile(held_scores[positive[cal_idx]], SUPPORT_MISS))
    calibration = Calibration(calibration.threshold, calibration.recall, calibration.false_alarms,
                              calibration.held_back, support)
    every = np.arange(len(texts))
    chars, words = fitted_ngrams(every)  # the final model sees every message
    flag = flag_model().fit(features((chars, words), every), positive)

    def in_column_order(vectorizer: Any) -> np.ndarray:
        return np.array(sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get))

    risk = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed)
    risk.fit(vectors[positive], concern[positive])
    order = [list(risk.classes_).index(r.value) for r in RISKS]
    hurry = LogisticRegression(C=2.0, class_weight="balanced", max_iter=2000, random_state=seed)
    hurry.fit(vectors[positive], urgent[positive])
    layer = LearnedLayer(
        chars=in_column_order(chars), idf=chars.idf_.astype(np.float64),
        words=in_column_order(words), word_idf=words.idf_.astype(np.float64),
        flag_w=flag.coef_[0].astype(np.float32), flag_b=float(flag.intercept_[0]),
        flag_threshold=calibration.threshold,
        risk_w=risk.coef_[order].astype(np.float32), risk_b=risk.intercept_[order].astype(np.float32),
        urgent_w=hurry.coef_[0].astype(np.float32), urgent_b=float(hurry.intercept_[0]),
        urgent_threshold=0.5, support_threshold=calibration.support)
    return layer, calibration
