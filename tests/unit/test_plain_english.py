"""Plain English: every response template and the bot's fixed wording reads easily."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import textstat
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
TEMPLATES = {f"{name}[{i}]": v["text"] for name, variants in DOMAIN["responses"].items()
             for i, v in enumerate(variants) if "text" in v}


def ease(text: str) -> float:
    """Flesch reading ease of the words (phone numbers, addresses and bullets removed)."""
    cleaned = re.sub(r"https?://\S+|[\d ]{3,}|[•:]", " ", text)
    return textstat.flesch_reading_ease(cleaned)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_response_template_is_plain_english(name):
    assert ease(TEMPLATES[name]) >= 60, f"{name}: {TEMPLATES[name]!r} scores {ease(TEMPLATES[name]):.0f}"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_response_template_is_short(name):
    assert len(TEMPLATES[name]) <= 600


def test_fixed_wording_in_code_is_plain_english():
    from actions.handoff import NO_CONSENT
    from bot.signposting import COUNCIL, FOLLOW_UP, NOT_YOUR_FAULT, SECRETS, URGENT

    for text in (NO_CONSENT, FOLLOW_UP, COUNCIL, NOT_YOUR_FAULT, SECRETS, URGENT):
        assert ease(text) >= 60, text
