"""Help that fits what was disclosed and how urgent it is, on top of the general helplines.

The general message (999, Childline, Samaritans, Shout, NHS 111) is a domain response, so the
Rasa server sends it even if the action server is down; this adds what fits the concern, from
one sourced, reviewable file (`bot/safeguarding_data/helplines.yaml`, with its reviewed-on
date). A helpline whose number could not be confirmed on its own site is named with its
website only. Standard library and PyYAML only.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.safeguarding_model import Risk

HELPLINES_FILE = Path(__file__).resolve().parent / "safeguarding_data" / "helplines.yaml"

URGENT = ("If you're in danger right now, or you've taken something or hurt yourself, please call 999 "
          "or go to A&E now, even if you feel OK.")
NOT_YOUR_FAULT = "What's happening is not your fault. You deserve to be safe."
SECRETS = "You don't have to keep a secret that makes you feel unsafe, whoever asked you to."
COUNCIL = ("Your local council has to help if you're homeless or about to be. Tell them you have "
           "nowhere safe to stay. At night or at a weekend, ask for the council's out-of-hours team.")
CHECK_IN = ("Thank you for sharing that. What you've been through can help you understand the "
            "people you'd care for. I hope things are OK for you now.")
CHECK_IN_IF_BACK = "If it ever gets hard again, you don't have to wait until it's bad:"
FOLLOW_UP = ("When you're ready, we can carry on, or I can ask a real person from our team to "
             "get in touch.")

# Which extra helplines each concern gets (the general message already gives 999, Childline,
# Samaritans, Shout and NHS 111).
_BY_RISK: dict[Risk, tuple[str, ...]] = {
    Risk.SUICIDE: ("papyrus_hopeline",),
    Risk.SELF_HARM: ("papyrus_hopeline",),
    Risk.OVERDOSE: ("a_and_e",),
    Risk.EATING_DISORDER: ("beat",),
    Risk.PHYSICAL_ABUSE: (),
    Risk.SEXUAL_ABUSE: ("ceop",),
    Risk.EMOTIONAL_ABUSE: (),
    Risk.NEGLECT: (),
    Risk.GROOMING: ("ceop",),
    Risk.EXPLOITATION: ("fearless", "crimestoppers"),
    Risk.DOMESTIC_ABUSE: ("national_domestic_abuse_helpline",),
    Risk.HOMELESSNESS: ("shelter_helpline", "centrepoint_helpline", "care_leavers_personal_adviser"),
    Risk.RUNNING_AWAY: ("runaway_helpline",),
}
_ABUSE = {Risk.PHYSICAL_ABUSE, Risk.SEXUAL_ABUSE, Risk.EMOTIONAL_ABUSE, Risk.NEGLECT, Risk.DOMESTIC_ABUSE,
          Risk.GROOMING, Risk.EXPLOITATION}


@dataclass(frozen=True)
class Helpline:
    key: str
    name: str
    contact: str
    hours: str | None
    who: str | None
    number_checked: bool

    def line(self) -> str:
        text = f"{self.name}: {self.contact}"
        if self.hours:
            text += f" ({self.hours})"
        return text + "."


@lru_cache(maxsize=1)
def helplines(path: Path = HELPLINES_FILE) -> dict[str, Helpline]:
    doc = yaml.safe_load(path.read_text())
    out = {}
    for h in doc["helplines"]:
        unchecked = set(h.get("unverified_fields") or [])
        out[h["key"]] = Helpline(h["key"], h["name"], h["contact"],
                                 None if unchecked & {"hours", "opening hours"} else h.get("hours"),
                                 h.get("who"), "number" not in unchecked)
    return out


def reviewed_on(path: Path = HELPLINES_FILE) -> str:
    return str(yaml.safe_load(path.read_text())["reviewed_on"])


def extra_help(concerns: tuple[Risk, ...] | list[Risk], urgent: bool = False) -> list[str]:
    """Lines to add for these concerns, most urgent first (may be empty)."""
    lines: list[str] = [URGENT] if urgent else []
    known = helplines()
    seen: set[str] = set()
    for risk in concerns:
        for key in _BY_RISK.get(risk, ()):
            if key in known and key not in seen:
                seen.add(key)
                lines.append(known[key].line())
    if Risk.HOMELESSNESS in concerns or Risk.RUNNING_AWAY in concerns:
        lines.append(COUNCIL)
    if Risk.GROOMING in concerns or Risk.EXPLOITATION in concerns:
        lines.append(SECRETS)
    if _ABUSE & set(concerns):
        lines.append(NOT_YOUR_FAULT)
    return lines


# Who a check-in names: free, any time, for anyone (Samaritans, Shout) or under 19s (Childline).
_CHECK_IN_HELPLINES = ("childline", "samaritans", "shout")
_CHECK_IN_EXTRA: dict[Risk, str] = {Risk.EATING_DISORDER: "beat"}


def check_in(concerns: tuple[Risk, ...] | list[Risk]) -> list[str]:
    """A gentle check-in for lived experience that is over (never a flag, never instead of the
    answer): a kind line, then where to turn if it comes back, from the sourced helplines."""
    known = helplines()
    keys = [*_CHECK_IN_HELPLINES, *(_CHECK_IN_EXTRA[r] for r in concerns if r in _CHECK_IN_EXTRA)]
    lines = [f"• {known[k].line()}" for k in dict.fromkeys(keys) if k in known]
    return [CHECK_IN, "\n".join([CHECK_IN_IF_BACK, *lines])] if lines else [CHECK_IN]
