"""Abstract bases shared by the actions."""
from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.kernel.replies import Reply
from bot.safeguarding_signals import CHECK_IN_ENTITY, risks_named
from bot.signposting import check_in

logger = logging.getLogger(__name__)

Events = list[dict[str, Any]]


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        dispatcher.utter_message(text=reply.text, buttons=buttons or None)


class ThreadedAction(Action, abc.ABC):
    """An action whose work (database, matching) runs in a worker thread.

    Subclasses implement :meth:`answer`, a plain function of the tracker that returns the
    replies and events; blocking calls never run on the action server's event loop.
    """

    apology = ("Sorry, something went wrong on my side. Please try again in a minute.")
    apology_buttons: list[dict[str, str]] | None = None

    @abc.abstractmethod
    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> Events:
        try:
            replies, events = await asyncio.to_thread(self.answer, tracker)
        except Exception:  # the user gets an apology, the log gets the stack (no message text)
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=self.apology, buttons=self.apology_buttons)
            return []
        send(dispatcher, replies + self.follow_ups(tracker))
        return events

    def follow_ups(self, tracker: Tracker) -> list[Reply]:
        """Offers that follow the answer, never replace it (e.g. care-leaver support when care
        is mentioned in passing)."""
        if self.name() == "action_safeguarding":
            return []
        checked_in = check_in_replies(tracker)
        if self.name() in {"action_care_leaver_optin", "action_care_leaver_support",
                           "action_care_leaver_optout"}:
            return checked_in
        from actions.roles import care_follow_up

        return checked_in + care_follow_up(tracker)


def check_in_replies(tracker: Tracker) -> list[Reply]:
    """Lived experience that is over, heard in the latest message: a gentle check-in after the
    answer (bot/signposting.py)."""
    concerns = risks_named(tracker.get_latest_entity_values(CHECK_IN_ENTITY))
    return [Reply("\n".join(check_in(concerns)))] if concerns else []
