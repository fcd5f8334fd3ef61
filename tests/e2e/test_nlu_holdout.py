"""The trained model on messages it never saw in training (tests/nlu_holdout.yml)."""
from __future__ import annotations

import pytest
import yaml

from bench.nlu_report import HOLDOUT, MODEL, holdout_report, summary

pytestmark = pytest.mark.e2e


def test_holdout_is_big_and_disjoint_from_training():
    from pathlib import Path

    def examples(path: Path) -> set[str]:
        doc = yaml.safe_load(path.read_text()) or {}
        out = set()
        for block in doc.get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    out.add(" ".join(line.strip()[2:].lower().split()))
        return out

    held = examples(HOLDOUT)
    trained = set().union(*(examples(p) for p in (HOLDOUT.parents[1] / "data" / "nlu").glob("*.yml")))
    assert len(held) >= 150
    assert not held & trained


def test_holdout_intent_accuracy(tmp_path):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    accuracy, macro_f1 = summary(holdout_report(tmp_path))
    print(f"held-out intent accuracy {accuracy:.1%}, macro F1 {macro_f1:.3f}")
    assert accuracy >= 0.92


def test_real_questions_intent_accuracy(tmp_path):
    """The set written from public questions by another hand (tests/nlu_eval/): the figure that
    counts. Floors at today's measured level (docs/nlu.md), so understanding can't slip back."""
    from bench.nlu_report import real_questions_report

    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    accuracy, macro_f1 = summary(real_questions_report(tmp_path))
    print(f"real questions: intent accuracy {accuracy:.1%}, macro F1 {macro_f1:.3f}")
    assert accuracy >= 0.89
    assert macro_f1 >= 0.92
