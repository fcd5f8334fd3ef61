"""Care-leaver support: opt-in, opt-out, and what support there is. Never asks for proof."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from bot.catalogue import guidance
from bot.catalogue.answers import payload
from bot.kernel.replies import Button, Reply

TOPIC = "care-leaver"


def _support(intro: str) -> Reply:
    items = [i for i in services.catalogue().content(TOPIC) if i.slug != "care-leaver-what-changes"]
    return guidance.content_list(intro, items)


class ActionCareLeaverOptIn(ThreadedAction):
    def name(self) -> str:
        return "action_care_leaver_optin"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        about = next((i for i in services.catalogue().content(TOPIC)
                      if i.slug == "care-leaver-what-changes"), None)
        first = Reply(about.summary if about else
                      "Thanks for telling me. I'll also point you to extra support for care leavers.")
        support = _support("Here's support you may be able to get:")
        off = Reply("You don't need to prove anything. You can turn this off at any time.",
                    (Button("Turn this off", payload("care_leaver_optout")),))
        return [first, support, off], [SlotSet("care_leaver", True)]


class ActionCareLeaverOptOut(ThreadedAction):
    def name(self) -> str:
        return "action_care_leaver_optout"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        return [Reply("OK, I've turned that off. I won't mention care-leaver support unless you "
                      "ask about it.")], [SlotSet("care_leaver", False)]


class ActionCareLeaverSupport(ThreadedAction):
    def name(self) -> str:
        return "action_care_leaver_support"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        return [_support("If you've been in care, you may be able to get:")], []
