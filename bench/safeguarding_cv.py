"""Choose the learned safeguarding layer's model by cross-validation on its training messages.

Never on the evaluation set: each candidate is fitted on 4/5 of `bot/safeguarding_data/training*.yml`
(plus the NLU's everyday messages, as `rasa train` gives them) and scored on the other fifth. The
figure that counts is recall at a fixed false-alarm rate on the held-out fifth's harmless
messages (3 %, the cap `calibrate` uses, and 1 %), averaged over the folds.

    .venv-rasa/bin/python bench/safeguarding_cv.py [--folds 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.safeguarding_report import everyday_messages  # noqa: E402
from bot.safeguarding_model import read_training  # noqa: E402

CACHE = Path("/tmp/safeguarding_cv_vectors")


def vectors_for(texts: list[str]) -> np.ndarray:
    """MiniLM vectors, cached on disk text by text (the encoder is the slow part)."""
    cached: dict[str, np.ndarray] = {}
    if CACHE.with_suffix(".npz").exists():
        stored = np.load(CACHE.with_suffix(".npz"), allow_pickle=False)
        cached = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in cached]
    if missing:
        from bot.embeddings import encoder

        cached.update(zip(missing, encoder().encode(missing).astype(np.float64), strict=True))
        keys = list(cached)
        np.savez(CACHE.with_suffix(".npz"), texts=np.array(keys), vectors=np.stack([cached[k] for k in keys]))
    return np.stack([cached[t] for t in texts])


def recall_at(scores: np.ndarray, positive: np.ndarray, false_alarms: float) -> float:
    neg = np.sort(scores[~positive])
    allowed = int(np.floor(false_alarms * len(neg)))
    threshold = neg[len(neg) - allowed - 1] + 1e-9
    return float((scores[positive] >= threshold).mean())


def candidates(seed: int):
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import LinearSVC

    def chars():
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)

    def words():
        return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2)

    def linear(c: float, with_words: bool = False, emb_weight: float = 1.0):
        def fit_score(texts_fit, v_fit, y_fit, texts_test, v_test):
            cv, wv = chars().fit(texts_fit), words().fit(texts_fit) if with_words else None

            def x(texts, v):
                parts = [cv.transform(texts), csr_matrix(v * emb_weight)]
                if wv is not None:
                    parts.append(wv.transform(texts))
                return hstack(parts).tocsr()
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
            model.fit(x(texts_fit, v_fit), y_fit)
            return model.predict_proba(x(texts_test, v_test))[:, 1]
        return fit_score

    def svm(c: float):
        def fit_score(texts_fit, v_fit, y_fit, texts_test, v_test):
            cv = chars().fit(texts_fit)

            def x(texts, v):
                return hstack([cv.transform(texts), csr_matrix(v)]).tocsr()
            model = LinearSVC(C=c, class_weight="balanced", random_state=seed, max_iter=5000)
            model.fit(x(texts_fit, v_fit), y_fit)
            return model.decision_function(x(texts_test, v_test))
        return fit_score

    def mlp(hidden: int, alpha: float):
        def fit_score(texts_fit, v_fit, y_fit, texts_test, v_test):
            model = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=alpha, max_iter=300,
                                  early_stopping=True, random_state=seed)
            model.fit(v_fit, y_fit)
            return model.predict_proba(v_test)[:, 1]
        return fit_score

    def blend(*parts):
        def fit_score(*args):
            return np.mean([p(*args) for p in parts], axis=0)
        return fit_score

    return {
        "LR C=10, chars + embedding (today)": linear(10.0),
        "LR C=3": linear(3.0),
        "LR C=30": linear(30.0),
        "LR C=10, embedding x2": linear(10.0, emb_weight=2.0),
        "LR C=10, + word n-grams": linear(10.0, with_words=True),
        "LR C=30, + word n-grams": linear(30.0, with_words=True),
        "LR C=3, + word n-grams": linear(3.0, with_words=True),
        "linear SVM C=0.5": svm(0.5),
        "MLP 256 on the embedding": mlp(256, 1e-3),
        "LR today + MLP 256 (mean)": blend(linear(10.0), mlp(256, 1e-3)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    from sklearn.model_selection import StratifiedKFold

    messages = read_training()
    known = {" ".join(m["text"].lower().split()) for m in messages}
    everyday = [t for t in dict.fromkeys(everyday_messages()) if " ".join(t.lower().split()) not in known]
    texts = [m["text"] for m in messages]
    concern = np.array([m.get("concern", "none") for m in messages])
    positive = concern != "none"
    started = time.time()
    vectors = vectors_for(texts + everyday)
    print(f"{len(texts)} training messages ({positive.sum()} disclosures), {len(everyday)} everyday; "
          f"vectors in {time.time() - started:.0f} s")
    own, daily = vectors[:len(texts)], vectors[len(texts):]
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=42).split(texts, concern))
    print("| model | recall at 3 % false alarms | recall at 1 % | fit s/fold |\n|---|---|---|---|")
    for name, fit_score in candidates(42).items():
        if args.only and args.only not in name:
            continue
        at3, at1, spent = [], [], []
        for fit, test in folds:
            t0 = time.time()
            scores = fit_score([texts[i] for i in fit] + everyday,
                               np.vstack([own[fit], daily]),
                               np.concatenate([positive[fit], np.zeros(len(everyday), bool)]),
                               [texts[i] for i in test], own[test])
            spent.append(time.time() - t0)
            at3.append(recall_at(scores, positive[test], 0.03))
            at1.append(recall_at(scores, positive[test], 0.01))
        print(f"| {name} | {np.mean(at3):.1%} ± {np.std(at3):.1%} | {np.mean(at1):.1%} ± {np.std(at1):.1%} "
              f"| {np.mean(spent):.0f} |", flush=True)


if __name__ == "__main__":
    main()
