"""`make nlu-report`: intent accuracy and macro F1 on the held-out file, plus cross-validation.

    .venv/bin/python bench/nlu_report.py [--folds 3] [--no-cv]
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


def holdout_report(out: Path) -> dict:
    """Run the trained model on the held-out file; return Rasa's intent report."""
    subprocess.run([str(RASA), "test", "nlu", "--model", str(MODEL), "--nlu", str(HOLDOUT),
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    args = parser.parse_args()
    report = holdout_report(ROOT / "var" / "results" / "nlu-holdout")
    acc, f1 = summary(report)
    print(f"held-out ({HOLDOUT.relative_to(ROOT)}): intent accuracy {acc:.1%}, macro F1 {f1:.3f}")
    worst = sorted(((v["f1-score"], k) for k, v in report.items()
                    if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg", "micro avg")))[:5]
    print("weakest intents: " + ", ".join(f"{k} {s:.2f}" for s, k in worst))
    if not args.no_cv:
        cv = cross_validation(ROOT / "var" / "results" / "nlu-cv", args.folds)
        cacc, cf1 = summary(cv)
        print(f"{args.folds}-fold cross-validation on data/nlu: intent accuracy {cacc:.1%}, macro F1 {cf1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
