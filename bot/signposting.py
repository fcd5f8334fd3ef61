"""Extra signposting for a disclosure, on top of the general helplines in domain.yml.

The general message (999, Childline, Samaritans, Shout, NHS 111) is a domain response, so the
Rasa server sends it even if the action server is down; this adds what fits the concern.
Standard library only. Numbers checked on 2026-11-22 against the services' own pages.
"""
from __future__ import annotations

from bot.safeguarding import Concern

SHELTER = "Shelter: call 0808 800 4444 for free housing advice."
COUNCIL = ("Your local council has to help if you're homeless or about to be. "
           "Tell them you have nowhere safe to stay.")
NOT_YOUR_FAULT = "What's happening is not your fault. You deserve to be safe."

FOLLOW_UP = ("When you're ready, we can carry on, or I can ask a real person from our team to "
             "get in touch.")


def extra_help(concerns: tuple[Concern, ...]) -> list[str]:
    """Lines to add for these concerns (may be empty)."""
    lines: list[str] = []
    if Concern.HOMELESS in concerns:
        lines += [SHELTER, COUNCIL]
    if Concern.ABUSE in concerns or Concern.NEGLECT in concerns:
        lines.append(NOT_YOUR_FAULT)
    return lines
