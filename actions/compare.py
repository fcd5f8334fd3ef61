"""Two roles side by side: "what's the difference between a nurse and a nursing associate"."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions import services
from actions.base import Events, ThreadedAction
from bot.catalogue import answers
from bot.kernel.replies import Reply


class ActionCompareRoles(ThreadedAction):
    def name(self) -> str:
        return "action_compare_roles"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        catalogue = services.catalogue()
        text = tracker.latest_message.get("text") or ""
        slugs = [c.slug for c in catalogue.matcher().find_all(text)]
        current = tracker.get_slot("role")
        if len(slugs) == 1 and current and current != slugs[0]:
            slugs.insert(0, current)  # "how does that compare with a midwife?"
        roles = [r for r in (catalogue.role(s) for s in dict.fromkeys(slugs)) if r][:2]
        if len(roles) < 2:
            return [Reply("Which two jobs would you like to compare? For example: "
                          "\"difference between a nurse and a nursing associate\".")], []
        a, b = roles
        reply = answers.compare(a, catalogue.pay(a), b, catalogue.pay(b))
        return [reply], [SlotSet("role", b.slug)]
