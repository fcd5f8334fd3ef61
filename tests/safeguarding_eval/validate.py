"""Sanity checks for the held-out safeguarding eval set.

Run: python tests/safeguarding_eval/validate.py
Checks the three YAML files parse, labels are valid, minimum counts are met
and no two messages are near-identical (difflib ratio > 0.85, and rapidfuzz ratio >= 90).

Minimum counts are the issue's: at least 500 disclosures, at least 25 per concern, at
least 150 multi-turn conversations, at least 500 near misses. The issue's 500 could be read
as single messages plus conversations; to be safe the single-message disclosures
(disclosures.yml) alone must reach 500, and the 25 per concern is counted over the plain
single messages (also_career items not included).
"""
from __future__ import annotations

import difflib
import re
import sys
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

HERE = Path(__file__).resolve().parent
CONCERNS = {
    "suicide", "self_harm", "overdose", "eating_disorder", "physical_abuse",
    "sexual_abuse", "emotional_abuse", "neglect", "grooming", "exploitation",
    "domestic_abuse", "homelessness", "running_away",
}
CONTEXTS = {
    "after_career_question", "inside_booking_form", "inside_quiz",
    "inside_pathway_form", "inside_handoff_form",
}
KINDS = {
    "career_topic", "coursework", "idiom", "news_or_other",
    "lived_experience_career", "ordinary_career",
}
MIN_DISCLOSURES = 500      # single-message disclosures, disclosures.yml alone
MIN_PER_CONCERN = 25       # plain single-message disclosures per concern
MIN_ALSO_CAREER = 40       # disclosures that are also a career question
MIN_CONVERSATIONS = 150
MIN_CONV_PER_CONCERN = 10
MIN_CONV_PER_CONTEXT = 25
MIN_NEAR_MISSES = 500
MIN_NEAR_PER_KIND = 60
FUZZ_NEAR = 90             # rapidfuzz ratio on normalised text
errors: list[str] = []


def check(cond: bool, msg: str) -> None:
    if not cond:
        errors.append(msg)


def load(name: str) -> list:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    check(isinstance(data, list), f"{name}: top level is not a list")
    return data or []


def norm(s: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", s.lower()).strip()


disc = load("disclosures.yml")
conv = load("conversations.yml")
near = load("near_misses.yml")

# disclosures
for i, d in enumerate(disc):
    check(set(d) <= {"text", "concern", "urgent", "also_career"}, f"disclosures[{i}] keys {set(d)}")
    check(isinstance(d.get("text"), str) and d["text"].strip() != "", f"disclosures[{i}] text")
    check(d.get("concern") in CONCERNS, f"disclosures[{i}] concern {d.get('concern')}")
    check(isinstance(d.get("urgent"), bool), f"disclosures[{i}] urgent not bool")
    check(d.get("also_career", True) is True, f"disclosures[{i}] also_career must be true if present")
single = [d for d in disc if not d.get("also_career")]
also = [d for d in disc if d.get("also_career")]
check(len(disc) >= MIN_DISCLOSURES, f"only {len(disc)} single-message disclosures < {MIN_DISCLOSURES}")
check(len(also) >= MIN_ALSO_CAREER, f"only {len(also)} also_career disclosures < {MIN_ALSO_CAREER}")
check(disc[-len(also):] == also, "also_career items must come at the end")
dc = Counter(d["concern"] for d in single)
for c in CONCERNS:
    check(dc[c] >= MIN_PER_CONCERN, f"disclosures: {c} has {dc[c]} < {MIN_PER_CONCERN}")

# conversations
for i, c in enumerate(conv):
    check(set(c) == {"turns", "disclosure_turn", "concern", "urgent", "context"}, f"conversations[{i}] keys")
    t = c.get("turns")
    check(isinstance(t, list) and len(t) >= 2 and all(isinstance(x, str) and x for x in t),
          f"conversations[{i}] turns")
    dt = c.get("disclosure_turn")
    check(isinstance(dt, int) and 2 <= dt <= len(t or []), f"conversations[{i}] disclosure_turn {dt}")
    check(c.get("concern") in CONCERNS, f"conversations[{i}] concern")
    check(c.get("context") in CONTEXTS, f"conversations[{i}] context")
    check(isinstance(c.get("urgent"), bool), f"conversations[{i}] urgent")
check(len(conv) >= MIN_CONVERSATIONS, f"only {len(conv)} conversations < {MIN_CONVERSATIONS}")
cc = Counter(c["concern"] for c in conv)
cx = Counter(c["context"] for c in conv)
for c in CONCERNS:
    check(cc[c] >= MIN_CONV_PER_CONCERN, f"conversations: {c} has {cc[c]} < {MIN_CONV_PER_CONCERN}")
for c in CONTEXTS:
    check(cx[c] >= MIN_CONV_PER_CONTEXT, f"conversations: {c} has {cx[c]} < {MIN_CONV_PER_CONTEXT}")

# near misses
for i, n in enumerate(near):
    check(set(n) == {"text", "kind"}, f"near_misses[{i}] keys")
    check(isinstance(n.get("text"), str) and n["text"].strip() != "", f"near_misses[{i}] text")
    check(n.get("kind") in KINDS, f"near_misses[{i}] kind {n.get('kind')}")
check(len(near) >= MIN_NEAR_MISSES, f"only {len(near)} near misses < {MIN_NEAR_MISSES}")
nk = Counter(n["kind"] for n in near)
for k in KINDS:
    check(nk[k] >= MIN_NEAR_PER_KIND, f"near_misses: {k} has {nk[k]} < {MIN_NEAR_PER_KIND}")

# near-duplicates across all single messages and disclosure turns
msgs = [("disclosures", d["text"]) for d in disc]
msgs += [("near_misses", n["text"]) for n in near]
msgs += [("conversations", c["turns"][c["disclosure_turn"] - 1]) for c in conv]
seen: dict[str, str] = {}
for src, m in msgs:
    k = norm(m)
    check(k not in seen, f"duplicate: {m!r} ({src}, {seen.get(k)})")
    seen[k] = src
normed = [norm(m) for _, m in msgs]
for i in range(len(normed)):
    a = normed[i]
    sm = difflib.SequenceMatcher(None, a)
    for j in range(i + 1, len(normed)):
        b = normed[j]
        if abs(len(a) - len(b)) > 0.2 * max(len(a), len(b)):
            continue
        sm.set_seq2(b)
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            errors.append(f"near-identical: {msgs[i][1]!r} ~ {msgs[j][1]!r}")
scores = process.cdist(normed, normed, scorer=fuzz.ratio, score_cutoff=FUZZ_NEAR, workers=-1)
for i, j in zip(*scores.nonzero(), strict=True):
    if i < j:
        errors.append(f"rapidfuzz {scores[i, j]:.0f}: {msgs[i][1]!r} ~ {msgs[j][1]!r}")

print(f"disclosures: {len(single)} + {len(also)} also_career = {len(disc)}"
      f" (urgent {sum(d['urgent'] for d in disc)})")
print("  by concern (plain):", dict(sorted(dc.items())))
print("  also_career by concern:", dict(sorted(Counter(d['concern'] for d in also).items())))
print(f"conversations: {len(conv)} (urgent {sum(c['urgent'] for c in conv)})")
print("  by concern:", dict(sorted(cc.items())))
print("  by context:", dict(sorted(cx.items())))
print(f"near_misses: {len(near)}")
print("  by kind:", dict(sorted(nk.items())))
if errors:
    print(f"\n{len(errors)} problem(s):")
    for e in errors:
        print(" -", e)
    sys.exit(1)
print("\nOK")
