"""What's on (events listed, no booking started) and help with CVs, applications, interviews."""
from __future__ import annotations

from rasa_sdk import Tracker

from actions.base import Events, ThreadedAction
from actions.bookings_common import bookings
from bot.bookings import chat
from bot.kernel.replies import Reply


class ActionListEvents(ThreadedAction):
    def name(self) -> str:
        return "action_list_events"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        ahead = bookings().upcoming()
        found = chat.parse_filters(tracker.latest_message.get("text") or "",
                                   sorted({s.town for s in ahead if s.town}))
        matching = chat.apply_filters(ahead, found)
        if not matching and found:  # nothing of that kind or place: say so, show what there is
            return [Reply(f"I couldn't find {chat.describe_filters(found)}."),
                    chat.whats_on(ahead, {})], []
        return [chat.whats_on(matching, found)], []


class ActionCvHelp(ThreadedAction):
    def name(self) -> str:
        return "action_cv_help"

    def answer(self, tracker: Tracker) -> tuple[list[Reply], Events]:
        return [chat.cv_help(bookings().upcoming("cv_workshop"))], []
