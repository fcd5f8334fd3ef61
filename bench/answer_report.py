"""`make answer-report`: does the answer finder pick the right answer-bank item or role fact?

Runs the bot's own finder (`CatalogueService.find`, the code the answer actions call) over an
evaluation file on the real seed catalogue and the real sentence encoder, and reports:
right (the labelled item or fact, or an allowed alternative; for `none`, not answering),
wrong with confidence (an answer given that is not the labelled one), and not sure (the
closest items offered as buttons).

The number that counts is tests/answer_eval/questions.yml: written from public questions by
another hand, never trained on or read while tuning. bench/answer_dev.yml is the small tuning set.

    .venv/bin/python bench/answer_report.py [--set tests/answer_eval/questions.yml] [--misses]
"""
from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HELD_OUT = ROOT / "tests" / "answer_eval" / "questions.yml"
DEV = ROOT / "bench" / "answer_dev.yml"


@dataclass
class Outcome:
    text: str
    expected: str
    got: str
    right: bool
    confident_wrong: bool


def catalogue_service(folder: Path):
    from bot.bootstrap import SqlUnitOfWork
    from bot.catalogue import io
    from bot.catalogue.service import CatalogueService
    from bot.cli import SEED_DIR
    from bot.db import session_factory, upgrade

    url = f"sqlite:///{folder / 'catalogue.db'}"
    upgrade(url)
    factory = session_factory(url)
    io.load(SqlUnitOfWork(factory), io.read(SEED_DIR))
    return CatalogueService(lambda: SqlUnitOfWork(factory), refresh_seconds=3600)


def named_role(service, text: str) -> str | None:
    """The job a message names, as the answer actions find it."""
    best = service.matcher().best(text)
    return best.slug if best else None


def judge(service, entry: dict) -> Outcome:
    text = str(entry["text"])
    expected = entry["answer"]
    allowed = {expected, *(entry.get("also_ok") or ())}
    role = named_role(service, text)
    finding = service.find(text, role)
    if finding.fact is not None:
        got = f"role-field:{finding.fact.value}"
        right = (expected == "role-field" and entry.get("field") == finding.fact.value
                 and (entry.get("role") in (None, role)))
        right = right or f"{role}:{finding.fact.value}" in allowed
    elif finding.item is not None:
        got = finding.item.slug
        right = got in allowed
    else:
        got = "not sure: " + ", ".join(c.slug for c in finding.closest)
        right = expected == "none"
    want = expected if expected != "role-field" else f"role-field:{entry.get('field')} ({entry.get('role')})"
    return Outcome(text, want, got, right, confident_wrong=finding.sure and not right)


def report(path: Path, service=None) -> dict:
    entries = yaml.safe_load(path.read_text("utf-8"))
    if service is None:
        folder = Path(tempfile.mkdtemp(prefix="answer-report-"))
        service = catalogue_service(folder)
    outcomes = [judge(service, e) for e in entries]
    n = len(outcomes)
    by_kind = collections.defaultdict(lambda: [0, 0])
    for entry, outcome in zip(entries, outcomes, strict=True):
        kind = "none" if entry["answer"] == "none" else (
            "role field" if entry["answer"] == "role-field" else "answer bank")
        by_kind[kind][0] += outcome.right
        by_kind[kind][1] += 1
    return {
        "n": n,
        "right": sum(o.right for o in outcomes) / n,
        "confident_wrong": sum(o.confident_wrong for o in outcomes) / n,
        "not_sure": sum(not o.right and not o.confident_wrong for o in outcomes) / n,
        "by_kind": {k: (r / t, t) for k, (r, t) in sorted(by_kind.items())},
        "outcomes": outcomes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=HELD_OUT)
    parser.add_argument("--misses", action="store_true", help="list the questions it got wrong")
    args = parser.parse_args()
    args.set = args.set.resolve()
    result = report(args.set)
    print(f"{args.set.relative_to(ROOT)}: {result['n']} questions")
    print(f"  right                  {result['right']:.1%}")
    print(f"  wrong with confidence  {result['confident_wrong']:.1%}")
    print(f"  not sure (buttons)     {result['not_sure']:.1%}")
    for kind, (share, total) in result["by_kind"].items():
        print(f"  {kind:<22} {share:.1%} of {total}")
    if args.misses:
        for o in result["outcomes"]:
            if not o.right:
                flag = "WRONG" if o.confident_wrong else "unsure"
                print(f"  [{flag}] {o.text!r}\n      want {o.expected}; got {o.got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
