"""The "I don't know what I want" quiz: four quick questions, three roles from the tags."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.catalogue.answers import payload
from bot.catalogue.views import RoleView
from bot.kernel.replies import Button, Reply


@dataclass(frozen=True)
class Option:
    value: str
    title: str


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    options: tuple[Option, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("quiz_interest", "What do you enjoy most?", (
        Option("people", "Helping people"), Option("science", "Science"),
        Option("tech", "Computers and tech"), Option("hands-on", "Hands-on, practical work"),
        Option("organising", "Organising things"), Option("creative", "Being creative"))),
    Question("quiz_blood", "Are you OK with blood and injuries?", (
        Option("yes", "Yes, that's fine"), Option("no", "I'd rather not"), Option("any", "Not sure"))),
    Question("quiz_children", "Would you like to work with children or babies?", (
        Option("yes", "Yes, I'd like that"), Option("no", "I'd rather not"), Option("any", "I don't mind"))),
    Question("quiz_training", "How long would you like to train for?", (
        Option("short", "Start soon and learn on the job"), Option("medium", "2 or 3 years"),
        Option("long", "4 years or more is fine"), Option("any", "Not sure"))),
)

# Free-text answers: the first keyword group that matches wins (order matters: "no" before "yes").
_WORDS: dict[str, list[tuple[str, str]]] = {
    "quiz_interest": [
        ("tech", r"comput|tech|\bit\b|coding|code|data|digital|gam"),
        ("science", r"scien|biolog|chemi|physic|lab|experiment"),
        ("creative", r"creat|art|music|drama|design|draw"),
        ("organising", r"organis|organiz|admin|plan|office|lead|manag"),
        ("hands-on", r"hands|practical|fix|build|active|outdoor|doing"),
        ("people", r"people|help|car(?:e|ing)|talk|patient|social|kind"),
    ],
    "quiz_blood": [
        ("no", r"\b(?:no|nah|nope|not|never|hate|ew+|eww|faint|squeamish|rather not|gross)\b"),
        ("any", r"\b(?:not sure|dunno|idk|maybe|don'?t know)\b"),
        ("yes", r"\b(?:yes|yeah|yep|ye|fine|ok|okay|sure|no problem|don'?t mind|love)\b"),
    ],
    "quiz_children": [
        ("no", r"\b(?:no|nah|nope|not really|rather not|adults)\b"),
        ("any", r"\b(?:don'?t mind|dont mind|either|whatever|not sure|idk|maybe|any)\b"),
        ("yes", r"\b(?:yes|yeah|yep|love|kids|children|babies|baby|sure)\b"),
    ],
    "quiz_training": [
        ("any", r"\b(?:not sure|dunno|idk|don'?t mind|dont mind|whatever|any)\b"),
        ("short", r"\b(?:soon|asap|now|quick|short|earn|job straight|on the job|no uni|right away)\b"),
        ("long", r"\b(?:long|4|four|5|five|6|six|years and years|medicine|doctor|ages)\b"),
        ("medium", r"\b(?:2|3|two|three|couple|degree|uni|university|apprenticeship)\b"),
    ],
}


def parse_answer(slot: str, text: str) -> str | None:
    """An option value from a typed answer, or None if we can't tell."""
    low = (text or "").lower().strip()
    for question in QUESTIONS:
        if question.slot == slot:
            for option in question.options:  # the button title typed or sent as text
                if low in (option.value, option.title.lower()):
                    return option.value
    for value, pattern in _WORDS.get(slot, []):
        if re.search(pattern, low):
            return value
    return None


# What a first message already says ("i wanna help ppl but blood makes me faint"): stricter
# than an answer to a question, so "help me choose" is not taken as "helping people".
_STATEMENTS: dict[str, list[tuple[str, str]]] = {
    "quiz_interest": [
        ("tech", r"\b(computers?|tech|coding|code|programming|it stuff|gaming|data)\b"),
        ("science", r"\b(science|biology|chemistry|physics|labs?|experiments?)\b"),
        ("creative", r"\b(art|arts|arty|creative|music|drama|drawing|painting|design)\b"),
        ("organising", r"\b(organis\w*|organiz\w*|admin|planning|spreadsheets?)\b"),
        ("hands-on", r"\b(hands[- ]on|practical|fixing|building|making things)\b"),
        ("people", r"\bhelp(ing)? (people|ppl|others|patients|kids|children)|\bcar(e|ing) for\b"
                   r"|\b(work|working) with (people|ppl|patients)\b|\bpeople person\b"),
    ],
    "quiz_blood": [
        ("no", r"\b(blood|needles?|gore|injur\w*)\b.{0,30}\b(faint|sick|scare|hate|can'?t|cant|"
               r"gross|squeamish|no|not)\b|\b(hate|can'?t stand|cant stand|scared of|afraid of|"
               r"faint at|squeamish)\b.{0,20}\b(blood|needles?|gore)\b|\bsqueamish\b"),
        ("yes", r"\b(blood|gore)\b.{0,25}\b(fine|doesn'?t bother|dont mind|don'?t mind|ok)\b"
                r"|\bnot squeamish\b"),
    ],
    "quiz_children": [
        ("no", r"\b(not|don'?t|dont|hate|rather not)\b.{0,20}\b(kids|children|babies)\b"),
        ("yes", r"\b(love|like|want to work with|wanna work with|good with)\b"
                r".{0,15}\b(kids|children|babies)\b"),
    ],
    "quiz_training": [
        ("short", r"\b(don'?t|dont|do not|not)\b.{0,15}\b(want|wanna|do)\b"
                  r".{0,15}\b(long|uni|university|degree)\b"
                  r"|\bno (uni|degree|long degree)\b"
                  r"|\b(start|earn)\w* (soon|asap|straight away|right away|now)\b"
                  r"|\bearn while\b"),
        ("long", r"\b(don'?t mind|dont mind|happy to|fine with)\b.{0,20}\b(long|years|uni|degree)\b"),
    ],
}


def read_statement(text: str) -> dict[str, str]:
    """Quiz answers a message gives before being asked: {slot: value}, only what is clear."""
    low = " ".join((text or "").lower().replace("’", "'").split())
    found: dict[str, str] = {}
    for slot, rules in _STATEMENTS.items():
        for value, pattern in rules:
            if re.search(pattern, low):
                found[slot] = value
                break
    return found


@dataclass(frozen=True)
class Suggestion:
    role: RoleView
    reasons: tuple[str, ...]
    next_step: str


_INTEREST_REASON = {
    "people": "You like helping people.", "science": "You enjoy science.",
    "tech": "You like computers and tech.", "hands-on": "You like practical, hands-on work.",
    "organising": "You like organising things.", "creative": "You like being creative.",
}
_TRAINING_TAG = {"short": "train-short", "medium": "train-medium", "long": "train-long"}
_TRAINING_REASON = {"train-short": "You can start without a degree.",
                    "train-medium": "Training takes about 2 or 3 years.",
                    "train-long": "It's a longer training, which you said is fine."}


def _score(role: RoleView, answers: dict[str, str]) -> tuple[float, list[str]]:
    tags, score, reasons = set(role.tags), 0.0, []
    interest = answers.get("quiz_interest")
    if interest in tags:
        score += 3
        reasons.append(_INTEREST_REASON[interest])
    if answers.get("quiz_blood") == "no":
        if "blood" in tags:
            score -= 4
        else:
            reasons.append("You won't deal with blood much.")
    elif answers.get("quiz_blood") == "yes" and "blood" in tags:
        score += 0.5
    children = answers.get("quiz_children")
    if children == "yes" and "children" in tags:
        score += 2
        reasons.append("You'd work with children or babies.")
    elif children == "no" and "children" in tags:
        score -= 3
    wanted = _TRAINING_TAG.get(answers.get("quiz_training", ""))
    if wanted and wanted in tags:
        score += 2
        reasons.append(_TRAINING_REASON[wanted])
    return score, reasons


def _next_step(role: RoleView) -> str:
    kinds = [r.kind for r in role.routes]
    if "apprenticeship" in kinds:
        return "Look for health apprenticeships on NHS Jobs."
    if "on-the-job" in kinds:
        return "Search NHS Jobs for entry-level posts near you."
    if "degree" in kinds:
        return "Check university courses on UCAS."
    return "Ask me how to get in."


def suggest(roles: Iterable[RoleView], answers: dict[str, str], limit: int = 3) -> list[Suggestion]:
    """The best ``limit`` roles, from different career areas where possible."""
    scored = sorted(((*_score(r, answers), r) for r in roles), key=lambda t: (-t[0], t[2].title))
    picks: list[Suggestion] = []
    areas: set[str] = set()
    for varied in (True, False):
        for score, reasons, role in scored:
            if len(picks) == limit or score <= 0:
                break
            if any(p.role.slug == role.slug for p in picks) or (varied and role.career_area in areas):
                continue
            picks.append(Suggestion(role, tuple(reasons), _next_step(role)))
            areas.add(role.career_area)
    return picks


def render(suggestions: list[Suggestion]) -> list[Reply]:
    replies = []
    for s in suggestions:
        why = " ".join(s.reasons) or "It matches what you told me."
        text = f"{s.role.title}: {s.role.summary}\n\nWhy it could suit you: {why}\n\nNext step: {s.next_step}"
        replies.append(Reply(text, (Button("Tell me more", payload("ask_role_info", s.role.slug)),
                                    Button("How do I get in?", payload("ask_role_entry", s.role.slug)))))
    return replies


_HEARD = {("quiz_interest", "people"): "you like helping people",
          ("quiz_interest", "science"): "you enjoy science", ("quiz_interest", "tech"): "you like tech",
          ("quiz_interest", "creative"): "you're creative",
          ("quiz_interest", "organising"): "you like organising things",
          ("quiz_interest", "hands-on"): "you like practical work",
          ("quiz_blood", "no"): "you'd rather avoid blood", ("quiz_blood", "yes"): "blood is fine",
          ("quiz_children", "yes"): "you'd like to work with children",
          ("quiz_children", "no"): "you'd rather not work with children",
          ("quiz_training", "short"): "you'd like to start soon, without a long degree",
          ("quiz_training", "long"): "a long training is fine"}


def heard(said: dict[str, str]) -> str:
    """'Got it: you like helping people and you'd rather avoid blood. I won't ask about those again.'"""
    parts = [_HEARD[(slot, value)] for slot, value in said.items() if (slot, value) in _HEARD]
    if not parts:
        return ""
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"Got it: {listed}. I won't ask about that again."
