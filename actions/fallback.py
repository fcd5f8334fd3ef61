"""Two-stage fallback: first "did you mean..." buttons, then what the bot can do. Never a loop."""
from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted

from actions import services
from actions.base import Events, ThreadedAction
from bot.catalogue import answers
from bot.catalogue.answers import payload
from bot.kernel.replies import Button, Reply
from bot.text import has_words

# What each intent means, as a button a person would click.
INTENT_TITLES = {
    "ask_role_info": "What a job is like",
    "ask_role_entry": "How to get into a job",
    "ask_role_pay": "Pay",
    "ask_role_day": "A day in a job",
    "ask_role_progression": "Where a job can lead",
    "compare_roles": "Compare two jobs",
    "ask_pathway": "Apprenticeships, T Levels and other ways in",
    "plan_pathway": "Plan my route",
    "ask_suggestions": "Help me choose a job",
    "ask_care_leaver_support": "Support for care leavers",
    "request_human": "Talk to a person",
    "bot_capabilities": "What you can do",
}


def second_in_a_row(tracker: Tracker) -> bool:
    """Did the previous turn also end in this fallback (only the user's message between)?"""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    before = [e.get("name") for e in events[:max(last_user, 0)] if e.get("event") == "action"
              and e.get("name") not in ("action_listen", None)]
    return bool(before) and before[-1] == "action_fallback"


class ActionFallback(ThreadedAction):
    """Also Rasa's core fallback. Like Rasa's own default fallback it reverts the message it
    could not handle, so the next prediction starts from where the conversation was (a listen),
    never another fallback: no loop, and the conversation is not stuck afterwards."""

    def name(self) -> str:
        return "action_fallback"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        replies, events = self._answer(tracker)
        return replies, [UserUtteranceReverted(), *events]

    def _answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        text = tracker.latest_message.get("text") or ""
        if not has_words(text):
            return [Reply("That message came through empty. What would you like to know? I can tell "
                          "you about NHS jobs, ways in like apprenticeships, pay, or book you a "
                          "taster day or CV workshop.",
                          (Button("What can you do?", payload("bot_capabilities")),))], []
        best = services.catalogue().matcher().best(text)
        if best is not None:
            role = services.catalogue().role(best.slug)
            if role is not None:
                return [answers.role_info(role)], [SlotSet("role", role.slug)]
        if second_in_a_row(tracker):
            return [Reply("Sorry, I still didn't get that. I'm best with questions about NHS jobs, "
                          "like \"how do I become a nurse?\". You can also talk to a person.",
                          (Button("What can you do?", payload("bot_capabilities")),
                           Button("Talk to a person", payload("request_human"))))], []
        ranking = tracker.latest_message.get("intent_ranking") or []
        guesses = [r["name"] for r in ranking if r.get("name") in INTENT_TITLES][:3]
        buttons = tuple(Button(INTENT_TITLES[g], payload(g)) for g in guesses)
        buttons += (Button("Something else", payload("bot_capabilities")),)
        return [Reply("Sorry, I'm not sure what you mean. Did you mean one of these?", buttons)], []
