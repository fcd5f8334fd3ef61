"""Choose the answer to a question beyond a role's page, or admit we are not sure.

Given the answer-bank items nearest in meaning to a message and, when the message names a job,
the role facts nearest to it, pick one answer only when it is clearly the nearest; otherwise
offer the closest two items. A wrong answer said with confidence is worse than "is it one of
these?", so the thresholds lean that way (measured in docs/answers.md).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalogue.facts import Fact
from bot.catalogue.semantic import Confidence, Hit
from bot.catalogue.views import ContentView

ANSWERED = Confidence(floor=0.7, lead=0.05)  # nearest alias's cosine: an item is near enough
# How sure the classifier over the bank (SemanticIndex.sureness) must be that an item is the
# answer: chosen on held-out aliases (5-fold over the bank's own question forms) and
# bench/answer_dev.yml, where it answered more questions right than the nearest-alias rule above
# and fewer wrong (docs/answers.md).
ITEM_SURE = Confidence(floor=0.55)
SURENESS_TEMPERATURE = 0.05
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
           role: str | None = None,
           sureness: Sequence[tuple[ContentView, float]] | None = None) -> Finding:
    """``items``: answer-bank items with their nearest alias's cosine; ``facts``: fact hits
    (keys are ``Fact`` values), only when ``role`` names the job asked about; ``sureness``:
    the bank's classifier's items and how sure it is of each (then it decides the item)."""
    ranked = sorted(((item, score + (RELATED_BOOST if role and role in item.related_roles else 0.0))
                     for item, score in items), key=lambda pair: pair[1], reverse=True)
    best_item = ranked[0][1] if ranked else 0.0
    if sureness is not None:
        return _by_sureness(ranked, facts, role, list(sureness))
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


def _by_sureness(ranked: list[tuple[ContentView, float]], facts: Sequence[Hit], role: str | None,
                 sure: list[tuple[ContentView, float]]) -> Finding:
    """The classifier picks the item; a named job's fact still wins when it is clearly asked
    and no item about that job is sure (the fact rule compares cosines, as above)."""
    best_item = ranked[0][1] if ranked else 0.0
    near = {item.slug: score for item, score in ranked}
    # sure of it, and near in its own right: a question the bank has no answer for is still
    # nearest to *something*, and a softmax alone can't tell
    top_sure = (bool(sure) and ITEM_SURE.sure([Hit(item.slug, p) for item, p in sure])
                and near.get(sure[0][0].slug, 0.0) >= OFFER_FLOOR)
    about_role = top_sure and role in sure[0][0].related_roles
    if (role and not about_role and FACT_ASKED.sure(facts)
            and facts[0].score + FACT_OVER_ITEM >= best_item):
        return Finding(fact=Fact(facts[0].key), score=facts[0].score,
                       closest=tuple(item for item, _ in sure[:2]))
    if top_sure:
        return Finding(item=sure[0][0], score=sure[0][1],
                       closest=tuple(item for item, _ in sure[1:3]))
    return Finding(score=sure[0][1] if sure else 0.0,
                   closest=tuple(item for item, _ in sure[:2]
                                 if near.get(item.slug, 0.0) >= OFFER_FLOOR))
