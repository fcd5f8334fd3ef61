"""`make safeguarding-report`: the safeguarding check on its held-out evaluation set.

Per-concern recall on the disclosures (single messages and multi-turn conversations) and the
false-alarm rate on the near misses, for the rules alone, the learned layer alone, and both
(what the bot runs). The learned layer is trained exactly as `rasa train` trains it (same file,
same seed); nothing in tests/safeguarding_eval/ is ever trained on.

Runs in the Rasa environment (scikit-learn):

    .venv-rasa/bin/python bench/safeguarding_report.py [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.embeddings import encoder  # noqa: E402
from bot.safeguarding import assess  # noqa: E402
from bot.safeguarding_model import read_training, train  # noqa: E402
from bot.safeguarding_signals import combine  # noqa: E402

EVAL = ROOT / "tests" / "safeguarding_eval"
LAYERS = ("rules", "learned", "both")


def everyday_messages() -> list[str]:
    """The NLU examples of every intent but a disclosure, as `rasa train` gives the layer."""
    texts = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if block.get("intent") and block["intent"] != "safeguarding_disclosure":
                texts += [line.strip()[2:] for line in (block.get("examples") or "").splitlines()
                          if line.strip().startswith("- ")]
    return texts


def load() -> tuple[list[dict], list[dict], list[dict]]:
    def read(name: str) -> list[dict]:
        return yaml.safe_load((EVAL / name).read_text())
    return read("disclosures.yml"), read("conversations.yml"), read("near_misses.yml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    disclosures, conversations, near_misses = load()
    layer, calibration = train(read_training(), encoder().encode, everyday=everyday_messages())

    def verdicts(text: str) -> dict[str, bool]:
        rules = assess(text)
        reading = layer.read(text, encoder().encode_one(text))
        return {"rules": rules.flagged, "learned": reading.flagged,
                "both": combine(rules, reading, text).flagged}

    heard: dict[str, dict[str, list[bool]]] = {k: defaultdict(list) for k in LAYERS}
    urgent_heard: list[bool] = []
    for item in disclosures:
        v = verdicts(item["text"])
        for k in LAYERS:
            heard[k][item["concern"]].append(v[k])
            heard[k]["(single messages)"].append(v[k])
        if item.get("urgent"):
            text = item["text"]
            rules, reading = assess(text), layer.read(text, encoder().encode_one(text))
            urgent_heard.append(combine(rules, reading, item["text"]).urgent)
    early_alarms = {k: 0 for k in LAYERS}
    early_turns = 0
    for conv in conversations:
        turn = conv["turns"][conv["disclosure_turn"] - 1]
        v = verdicts(turn)
        for k in LAYERS:
            heard[k][conv["concern"]].append(v[k])
            heard[k][f"(in conversation: {conv['context']})"].append(v[k])
        for before in conv["turns"][:conv["disclosure_turn"] - 1]:
            early_turns += 1
            vb = verdicts(before)
            for k in LAYERS:
                early_alarms[k] += vb[k]
    alarms = {k: 0 for k in LAYERS}
    for item in near_misses:
        v = verdicts(item["text"])
        for k in LAYERS:
            alarms[k] += v[k]
    report = {
        "calibration": {"threshold": calibration.threshold, "held_back_recall": calibration.recall,
                        "held_back_false_alarms": calibration.false_alarms,
                        "rule_support": calibration.support},
        "recall": {k: {c: sum(v) / len(v) for c, v in sorted(heard[k].items())} for k in LAYERS},
        "overall_recall": {k: sum(sum(v) for c, v in heard[k].items() if not c.startswith("("))
                           / sum(len(v) for c, v in heard[k].items() if not c.startswith("("))
                           for k in LAYERS},
        "false_alarms": {k: alarms[k] / len(near_misses) for k in LAYERS},
        "false_alarms_before_disclosure": {k: early_alarms[k] / max(early_turns, 1) for k in LAYERS},
        "urgent_recall": sum(urgent_heard) / max(len(urgent_heard), 1),
        "sizes": {"disclosures": len(disclosures), "conversations": len(conversations),
                  "near_misses": len(near_misses), "turns_before_disclosure": early_turns},
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"learned layer threshold {calibration.threshold:.3f} (held-back recall "
          f"{calibration.recall:.1%}, false alarms {calibration.false_alarms:.1%}); a rule match "
          f"needs a learned score of at least {calibration.support:.3f}")
    print("| concern | rules | learned | both |\n|---|---|---|---|")
    for concern in report["recall"]["both"]:
        print(f"| {concern} | " + " | ".join(f"{report['recall'][k][concern]:.1%}" for k in LAYERS) + " |")
    print("| **overall recall** | " + " | ".join(f"{report['overall_recall'][k]:.1%}" for k in LAYERS) + " |")
    print("| **false alarms (near misses)** | "
          + " | ".join(f"{report['false_alarms'][k]:.1%}" for k in LAYERS) + " |")
    print("| false alarms (turns before a disclosure) | "
          + " | ".join(f"{report['false_alarms_before_disclosure'][k]:.1%}" for k in LAYERS) + " |")
    print(f"urgent disclosures marked urgent: {report['urgent_recall']:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
