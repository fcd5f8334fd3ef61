"""Choose the answer to a question beyond a role's page, or admit we are not sure.

Given the answer-bank items nearest in meaning to a message and, when the message names a job,
the role facts nearest to it, pick one answer only when it is clearly the nearest; otherwise
offer the closest two items. A wrong answer said with confidence is worse than "is it one of
these?", so the thresholds lean that way (measured in docs/answers.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from bot.catalogue.facts import Fact
from bot.catalogue.semantic import Confidence, Hit
from bot.catalogue.views import ContentView

ANSWERED = Confidence(floor=0.7, lead=0.05)  # an answer-bank item is the answer (tuned on bench/answer_dev.yml)
FACT_ASKED = Confidence(floor=0.45, lead=0.08)  # a named job's fact is what is asked
# Fact forms are short and general, item forms many and specific, so their scores are on
# different scales: a clearly asked fact of the named job wins unless a general item is far
# nearer, or an item written about that job fits.
FACT_OVER_ITEM = 0.3
RELATED_BOOST = 0.03  # an item about the job named is a little nearer
OFFER_FLOOR = ANSWERED.floor - 0.15  # below this, an item is not worth offering as a button


@dataclass(frozen=True)
class Finding:
    item: ContentView | None = None
    fact: Fact | None = None
    closest: tuple[ContentView, ...] = ()
    score: float = 0.0

    @property
    def sure(self) -> bool:
        return self.item is not None or self.fact is not None


def choose(items: Sequence[tuple[ContentView, float]], facts: Sequence[Hit],
           role: str | None = None) -> Finding:
    """``items``: answer-bank items with scores; ``facts``: fact hits (keys are ``Fact``
    values), only when ``role`` names the job asked about."""
    ranked = sorted(((item, score + (RELATED_BOOST if role and role in item.related_roles else 0.0))
                     for item, score in items), key=lambda pair: pair[1], reverse=True)
    best_item = ranked[0][1] if ranked else 0.0
    about_role = bool(ranked) and role in ranked[0][0].related_roles and best_item >= ANSWERED.floor
    if (role and not about_role and FACT_ASKED.sure(facts)
            and facts[0].score + FACT_OVER_ITEM >= best_item):
        return Finding(fact=Fact(facts[0].key), score=facts[0].score,
                       closest=tuple(item for item, _ in ranked[:2]))
    if ANSWERED.sure([Hit(item.slug, score) for item, score in ranked]):
        return Finding(item=ranked[0][0], score=best_item,
                       closest=tuple(item for item, _ in ranked[1:3]))
    return Finding(score=best_item,
                   closest=tuple(item for item, score in ranked[:2] if score >= OFFER_FLOOR))
