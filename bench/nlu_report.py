"""`make nlu-report`: intent accuracy and macro F1 on the held-out sets, plus cross-validation.

The number that counts is the real-questions set (tests/nlu_eval/real_questions.yml: written
from public questions by another hand, never trained on); tests/nlu_holdout.yml was written
beside the training data and is kept as a regression check.

    .venv/bin/python bench/nlu_report.py [--model models/careers.tar.gz] [--folds 3] [--no-cv]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "models" / "careers.tar.gz"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
REAL_QUESTIONS = ROOT / "tests" / "nlu_eval" / "real_questions.yml"


def as_rasa_nlu(records: list[dict], out: Path) -> Path:
    """The evaluation records as a Rasa NLU file (for `rasa test nlu`)."""
    import yaml

    by_intent: dict[str, list[str]] = {}
    for r in records:
        by_intent.setdefault(r["intent"], []).append(" ".join(str(r["text"]).split()))
    blocks = [{"intent": i, "examples": "".join(f"- {t}\n" for t in texts)} for i, texts in by_intent.items()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, width=10_000))
    return out


def real_questions_report(out: Path, model: Path = MODEL) -> dict:
    import yaml

    records = yaml.safe_load(REAL_QUESTIONS.read_text())
    nlu = as_rasa_nlu(records, out / "real_questions_nlu.yml")
    return holdout_report(out, model=model, nlu=nlu)


def holdout_report(out: Path, model: Path = MODEL, nlu: Path = HOLDOUT) -> dict:
    """Run the trained model on a held-out file; return Rasa's intent report."""
    subprocess.run([str(RASA), "test", "nlu", "--model", str(model), "--nlu", str(nlu),
                    "--out", str(out), "--no-plot"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out / "intent_report.json").read_text())


def cross_validation(out: Path, folds: int) -> dict:
    subprocess.run([str(RASA), "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
                    "--cross-validation", "--folds", str(folds), "--out", str(out), "--no-plot"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out / "intent_report.json").read_text())


def summary(report: dict) -> tuple[float, float]:
    return report["accuracy"], report["macro avg"]["f1-score"]


def per_intent(report: dict) -> list[tuple[str, float, float, float, int]]:
    """(intent, precision, recall, F1, support), weakest F1 first."""
    rows = [(k, v["precision"], v["recall"], v["f1-score"], int(v["support"])) for k, v in report.items()
            if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg", "micro avg")]
    return sorted(rows, key=lambda r: (r[3], r[0]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--table", action="store_true", help="print the per-intent table")
    args = parser.parse_args()
    real = real_questions_report(ROOT / "var" / "results" / "nlu-real", args.model)
    acc, f1 = summary(real)
    print(f"real questions ({REAL_QUESTIONS.relative_to(ROOT)}): "
          f"intent accuracy {acc:.1%}, macro F1 {f1:.3f}")
    rows = per_intent(real)
    if args.table:
        print("| intent | precision | recall | F1 | n |\n|---|---|---|---|---|")
        for name, p, r, f, n in rows:
            print(f"| {name} | {p:.2f} | {r:.2f} | {f:.2f} | {n} |")
    else:
        print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for k, _, _, f, _ in rows[:6]))
    report = holdout_report(ROOT / "var" / "results" / "nlu-holdout", args.model)
    acc, f1 = summary(report)
    print(f"old held-out ({HOLDOUT.relative_to(ROOT)}): intent accuracy {acc:.1%}, macro F1 {f1:.3f}")
    if not args.no_cv:
        cv = cross_validation(ROOT / "var" / "results" / "nlu-cv", args.folds)
        cacc, cf1 = summary(cv)
        print(f"{args.folds}-fold cross-validation on data/nlu: "
              f"intent accuracy {cacc:.1%}, macro F1 {cf1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
