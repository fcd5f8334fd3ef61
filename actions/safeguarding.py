"""After the general helplines (utter_safeguarding): concern-specific help, a flag for staff,
and the choice to carry on or talk to a person."""
from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions import services
from actions.base import Events, ThreadedAction
from bot.casework.service import record_flag
from bot.catalogue.answers import Button, Reply, payload
from bot.safeguarding import assess
from bot.signposting import FOLLOW_UP, extra_help

logger = logging.getLogger(__name__)


class ActionSafeguarding(ThreadedAction):
    def name(self) -> str:
        return "action_safeguarding"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        concerns = assess(tracker.latest_message.get("text") or "").concerns
        replies = [Reply("\n".join(extra_help(concerns)))] if extra_help(concerns) else []
        try:  # the person's help never waits on, or fails with, the database
            record_flag(services.uow_factory(), channel=tracker.get_latest_input_channel() or "unknown",
                        sender_id=tracker.sender_id, concerns=[c.value for c in concerns] or ["unspecified"])
        except Exception:  # noqa: BLE001
            logger.exception("could not record a safeguarding flag")
        buttons = (Button("Carry on", payload("carry_on")),
                   Button("Talk to a person", payload("request_human")))
        return [*replies, Reply(FOLLOW_UP, buttons)], []
