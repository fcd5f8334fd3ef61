"""Never leave someone without an answer.

Rasa carries on silently when a custom action fails (the action server is down, times out, or
raises): the turn ends with no message. ``never_silent`` wraps a channel's ``on_new_message`` and,
if a turn produced no message at all, sends a short apology so the person knows to try again.

Replies are counted per turn: each message goes to Rasa in a copy whose output channel is a
``TurnOutput`` wrapped around the channel's own. The channel's output is never patched, because
on Telegram one output object serves every chat at once; counting on it would mix up turns of
different chats (an apology after a real answer in one chat, none in a chat that got nothing).
"""
from __future__ import annotations

import copy
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

logger = logging.getLogger(__name__)

APOLOGY = ("Sorry, I can't answer that right now because part of me isn't working. "
           "Please try again in a minute.")
SILENT_OK = re.compile(r"^/(restart|session_start)\s*$|^/EXTERNAL_")  # may rightly say nothing


class TurnOutput(OutputChannel):
    """One turn's view of an output channel that may be shared: every send method goes straight
    to the shared channel and is counted here. Anything else (a Telegram bot's ``id``, a
    collector's ``messages``) is the shared channel's."""

    def __init__(self, channel: OutputChannel) -> None:
        self.channel = channel
        self.sent = 0

    def name(self) -> str:  # type: ignore[override]  # Rasa picks channel-specific responses by it
        return self.channel.name()

    def __getattr__(self, attr: str) -> Any:
        if attr == "channel":  # not set yet (a copy being made): don't recurse
            raise AttributeError(attr)
        return getattr(self.channel, attr)

    async def _count(self, method: str, recipient_id: str, *args: Any, **kwargs: Any) -> None:
        self.sent += 1
        await getattr(self.channel, method)(recipient_id, *args, **kwargs)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._count("send_response", recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._count("send_text_message", recipient_id, text, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._count("send_image_url", recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self._count("send_attachment", recipient_id, attachment, **kwargs)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: Any,
                                     **kwargs: Any) -> None:
        await self._count("send_text_with_buttons", recipient_id, text, buttons, **kwargs)

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies: Any,
                                 **kwargs: Any) -> None:
        await self._count("send_quick_replies", recipient_id, text, quick_replies, **kwargs)

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        await self._count("send_elements", recipient_id, elements, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        await self._count("send_custom_json", recipient_id, json_message, **kwargs)


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]
                 ) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handler(message: UserMessage) -> Any:
        channel = message.output_channel
        out = TurnOutput(channel)
        turn = copy.copy(message)  # the caller's message (and its channel) are left as they are
        turn.output_channel = out
        try:
            return await on_new_message(turn)
        finally:
            if out.sent == 0 and not SILENT_OK.match(message.text or ""):
                logger.warning("a turn produced no reply (channel %s); sent an apology",
                               message.input_channel)
                await channel.send_response(message.sender_id, {"text": APOLOGY})

    return handler
