"""The held-out evaluation sets are never trained on: no exact or near duplicate (rapidfuzz
ratio >= 90, after lower-casing and squashing spaces) of any of their messages is in the NLU
training data, the safeguarding layer's training messages, the answer bank's question forms and
the role-fact question forms (which the answer search matches against), or the tuning set."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[2]
NEAR = 90


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())


def training_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(_norm(line.strip()[2:]))
    for safeguarding in sorted((ROOT / "bot" / "safeguarding_data").glob("training*.yml")):
        texts += [_norm(m["text"]) for m in yaml.safe_load(safeguarding.read_text())["messages"]]
    seed = ROOT / "bot" / "catalogue" / "seed"
    for answers in [seed / "content.yaml", *sorted(seed.glob("answers*.yaml"))]:
        texts += [_norm(a) for item in yaml.safe_load(answers.read_text()) or []
                  for a in item.get("aliases", [])]
    from bot.catalogue.facts import QUESTIONS

    texts += [_norm(q) for forms in QUESTIONS.values() for q in forms]
    texts += [_norm(e["text"]) for e in yaml.safe_load((ROOT / "bench" / "answer_dev.yml").read_text())]
    return texts


def eval_texts() -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    for folder in ("nlu_eval", "safeguarding_eval", "answer_eval"):
        for path in sorted((ROOT / "tests" / folder).glob("*.yml")):
            texts = []
            for record in yaml.safe_load(path.read_text()) or []:
                turns = record["turns"] if "turns" in record else [record["text"]]
                texts += [_norm(t) for t in turns]
            sets[f"{folder}/{path.name}"] = texts
    return sets


EVAL = eval_texts()


def test_there_are_evaluation_sets():
    assert "nlu_eval/real_questions.yml" in EVAL
    assert sum(map(len, EVAL.values())) >= 400


@pytest.mark.parametrize("name", sorted(EVAL))
def test_no_near_duplicate_in_training(name):
    train = sorted(set(training_texts()))
    # Single words and stock two-word replies ("yes please", "hi there") are answers, not
    # questions: they are bound to recur, and the check is about questions.
    held = [t for t in EVAL[name] if len(t.split()) > 2]
    scores = process.cdist(held, train, scorer=fuzz.ratio, score_cutoff=NEAR, workers=-1)
    clashes = [(held[i], train[j]) for i, j in zip(*scores.nonzero(), strict=True)]
    assert not clashes, f"{len(clashes)} near duplicates, e.g. {clashes[:5]}"


@pytest.mark.parametrize("name", sorted(EVAL))
def test_no_exact_duplicate_in_training(name):
    assert not set(EVAL[name]) & set(training_texts())
