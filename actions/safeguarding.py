"""After the general helplines (utter_safeguarding): concern-specific help, a flag for staff,
and the choice to carry on or talk to a person."""
from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions import services
from actions.base import Events, ThreadedAction
from bot.casework.service import record_flag
from bot.catalogue.answers import payload
from bot.kernel.replies import Button, Reply
from bot.safeguarding import assess
from bot.safeguarding_model import Risk
from bot.safeguarding_signals import CONCERN_ENTITY, URGENCY_ENTITY, combine, risks_named
from bot.signposting import FOLLOW_UP, extra_help


def heard(tracker: Tracker) -> tuple[list[Risk], bool]:
    """What the NLU's safeguarding check heard (bot/rasa_server/nlu/safeguarding_classifier.py)."""
    concerns = risks_named(tracker.get_latest_entity_values(CONCERN_ENTITY))
    urgent = "urgent" in set(tracker.get_latest_entity_values(URGENCY_ENTITY))
    if not concerns:  # the intent classifier's own call, or an older model: ask the rules
        text = tracker.latest_message.get("text") or ""
        said = combine(assess(text), None, text)
        concerns, urgent = list(said.concerns), urgent or said.urgent
    return concerns, urgent

logger = logging.getLogger(__name__)


class ActionSafeguarding(ThreadedAction):
    def name(self) -> str:
        return "action_safeguarding"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        concerns, urgent = heard(tracker)
        lines = extra_help(concerns, urgent)
        replies = [Reply("\n".join(lines))] if lines else []
        try:  # the person's help never waits on, or fails with, the database
            record_flag(services.uow_factory(), channel=tracker.get_latest_input_channel() or "unknown",
                        sender_id=tracker.sender_id, concerns=[c.value for c in concerns] or ["unspecified"],
                        urgent=urgent)
        except Exception:  # noqa: BLE001
            logger.exception("could not record a safeguarding flag")
        buttons = (Button("Carry on", payload("carry_on")),
                   Button("Talk to a person", payload("request_human")))
        return [*replies, Reply(FOLLOW_UP, buttons)], []
