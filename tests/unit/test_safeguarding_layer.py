"""The learned layer's threshold, how the two layers are put together, and the help chosen."""
from __future__ import annotations

import numpy as np

from bot.safeguarding import assess
from bot.safeguarding_model import MAX_FALSE_ALARMS, Reading, Risk, calibrate
from bot.safeguarding_signals import Urgency, combine
from bot.signposting import URGENT, extra_help, helplines


def test_threshold_lets_through_at_most_the_cap_of_harmless_messages():
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.uniform(0.5, 1.0, 200), rng.uniform(0.0, 0.7, 400)])
    positive = np.array([True] * 200 + [False] * 400)
    cal = calibrate(scores, positive)
    assert cal.false_alarms <= MAX_FALSE_ALARMS
    assert 0 < cal.recall < 1


def _reading(flagged: bool, score: float, risk: Risk | None = None, urgent: bool = False) -> Reading:
    return Reading(flagged, risk, urgent, score, support=0.1)


def test_either_layer_is_enough_and_the_learned_concern_is_more_specific():
    heard = combine(assess("my dad hits me"), _reading(True, 0.9, Risk.DOMESTIC_ABUSE))
    assert heard.flagged and heard.concerns == (Risk.DOMESTIC_ABUSE,)
    assert combine(assess("theyd all be fine without me"), _reading(True, 0.9, Risk.SUICIDE)).flagged


def test_a_rule_match_the_learned_layer_finds_plainly_harmless_is_career_talk():
    text = "my dad hits me"
    assert combine(assess(text), None).flagged                      # rules alone: flagged
    assert not combine(assess(text), _reading(False, 0.01)).flagged  # all but sure it's harmless
    assert combine(assess(text), _reading(False, 0.5)).flagged       # unsure: the rule stands


def test_urgency_from_the_model_or_from_words_of_time_and_harm():
    text = "took a load of my mums tablets earlier"
    assert combine(assess(text), _reading(True, 0.9, Risk.OVERDOSE), text).urgency is Urgency.URGENT
    calm = "i have been feeling low for a while"
    assert combine(assess(calm), _reading(True, 0.9, Risk.SUICIDE), calm).urgency is Urgency.STANDARD


def test_help_fits_the_concern_and_urgent_comes_first():
    lines = extra_help([Risk.RUNNING_AWAY], urgent=True)
    assert lines[0] == URGENT
    assert any("116 000" in line for line in lines)
    assert any("0808 2000 247" in line for line in extra_help([Risk.DOMESTIC_ABUSE]))


def test_an_unconfirmed_number_is_never_quoted():
    for h in helplines().values():
        if not h.number_checked:
            assert not any(ch.isdigit() for ch in h.contact), h.key
