"""Low-confidence messages: answer about a role if one is named, else say what the bot does."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from bot.catalogue import answers
from bot.catalogue.answers import Button, Reply, payload


class ActionFallback(ThreadedAction):
    def name(self) -> str:
        return "action_fallback"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        text = tracker.latest_message.get("text") or ""
        best = services.catalogue().matcher().best(text)
        if best is not None:
            role = services.catalogue().role(best.slug)
            if role is not None:
                return [answers.role_info(role)], [SlotSet("role", role.slug)]
        help_reply = Reply(
            "Sorry, I didn't get that. I can tell you what an NHS job is like, how to get in, "
            "and the pay. Try a job title, like nurse or porter.",
            (Button("What can you do?", payload("bot_capabilities")),),
        )
        return [help_reply], []
