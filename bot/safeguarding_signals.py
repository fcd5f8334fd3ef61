"""What the safeguarding check heard: the rules and the learned layer put together.

Either layer is enough to flag a message. The concerns are the learned layer's (13 kinds) when
it heard one, plus what the rules found, in the same vocabulary; urgency (immediate danger)
comes from the learned layer or from plain words of time and harm ("tonight", "right now",
"took ... tablets", "won't stop bleeding").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bot.safeguarding import Assessment, Concern
from bot.safeguarding_model import Reading, Risk

# What was heard reaches the actions as entities of the latest message (never the text itself).
CONCERN_ENTITY = "safeguarding_concern"    # one per concern disclosed
URGENCY_ENTITY = "safeguarding_urgency"    # an Urgency value
CHECK_IN_ENTITY = "safeguarding_check_in"  # one per concern in lived experience that is over


def risks_named(values: Iterable[str]) -> list[Risk]:
    """The concerns named by an entity's values (unknown values are ignored)."""
    known = {r.value: r for r in Risk}
    return [known[v] for v in values if v in known]


class Urgency(str, Enum):
    URGENT = "urgent"      # immediate danger: 999 / A&E first
    STANDARD = "standard"


_FROM_RULES = {Concern.SUICIDE: Risk.SUICIDE, Concern.SELF_HARM: Risk.SELF_HARM,
               Concern.ABUSE: Risk.PHYSICAL_ABUSE, Concern.NEGLECT: Risk.NEGLECT,
               Concern.HOMELESS: Risk.HOMELESSNESS}
_ABUSE = {Risk.PHYSICAL_ABUSE, Risk.SEXUAL_ABUSE, Risk.EMOTIONAL_ABUSE, Risk.DOMESTIC_ABUSE,
          Risk.GROOMING, Risk.EXPLOITATION}
_NOW = re.compile(
    r"\b(tonight|tnight|2nite|tonite|right now|rn|now|at the moment|this minute|today)\b.{0,60}"
    r"\b(kill|die|end it|overdose|od|tablets|pills|cut|hurt|hit|hitting|beat|nowhere|street|outside|jump)"
    r"|\b(kill|die|end it|overdose|od|tablets|pills|cut|hurt|hitting|beating|nowhere)\b.{0,60}"
    r"\b(tonight|tnight|2nite|tonite|right now|rn|now)\b"
    r"|\b(took|taken|swallowed|had) (a load of|loads of|all|a lot of|too many|\d+|a bunch of|a whole)\b"
    r".{0,25}\b(pills|tablets|paracetamol|meds|medication)\b"
    r"|\b(bleeding|blood)\b.{0,30}\b(won'?t|wont|will not|doesn'?t|cant|can'?t) stop\b"
    r"|\b(outside|downstairs|at the door|in the house)\b.{0,30}\b(he|she|they)\b.{0,20}\b(hurt|kill|hit)")


@dataclass(frozen=True)
class Heard:
    concerns: tuple[Risk, ...] = ()
    urgency: Urgency = Urgency.STANDARD
    # lived experience that is plainly over, when nothing is disclosed: a gentle check-in
    check_in: tuple[Risk, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.concerns)

    @property
    def urgent(self) -> bool:
        return self.urgency is Urgency.URGENT


def combine(rules: Assessment, learned: Reading | None, text: str = "",
            lived: Assessment | None = None) -> Heard:
    """``rules``: what the rules heard disclosed; ``lived``: what they heard as lived experience
    that is over (a check-in, unless the learned layer hears a disclosure all the same)."""
    concerns: list[Risk] = []
    if learned is not None and learned.flagged and learned.risk is not None:
        concerns.append(learned.risk)
    # The rules are precise but literal: a match the learned layer scores as plainly harmless
    # ("what does a nurse do for patients who self harm") is career talk.
    vetoed = learned is not None and not learned.flagged and learned.score < learned.support
    for concern in ([] if vetoed else rules.concerns):
        risk = _FROM_RULES[concern]
        # the learned layer's kind of abuse is more specific than the rules' "abuse"
        if risk is Risk.PHYSICAL_ABUSE and _ABUSE & set(concerns):
            continue
        if risk not in concerns:
            concerns.append(risk)
    if not concerns:
        return Heard(check_in=tuple(dict.fromkeys(_FROM_RULES[c] for c in lived.concerns)) if lived else ())
    urgent = bool(learned is not None and learned.flagged and learned.urgent) or bool(
        _NOW.search(" ".join(text.lower().split())))
    return Heard(tuple(concerns), Urgency.URGENT if urgent else Urgency.STANDARD)
