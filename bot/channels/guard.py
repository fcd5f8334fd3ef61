"""Never leave someone without an answer.

Rasa carries on silently when a custom action fails (the action server is down, times out, or
raises): the turn ends with no message. ``never_silent`` wraps a channel's ``on_new_message`` and,
if a turn produced no message at all, sends a short apology so the person knows to try again.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

APOLOGY = ("Sorry, I can't answer that right now because part of me isn't working. "
           "Please try again in a minute.")
SILENT_OK = re.compile(r"^/(restart|session_start)\s*$|^/EXTERNAL_")  # may rightly say nothing


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]
                 ) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handler(message: UserMessage) -> Any:
        out = message.output_channel
        sent = 0
        original = out.send_response

        async def counting(recipient_id: str, reply: dict) -> None:
            nonlocal sent
            sent += 1
            await original(recipient_id, reply)

        out.send_response = counting  # type: ignore[method-assign]
        try:
            return await on_new_message(message)
        finally:
            out.send_response = original  # type: ignore[method-assign]
            if sent == 0 and not SILENT_OK.match(message.text or ""):
                logger.warning("a turn produced no reply (channel %s); sent an apology",
                               message.input_channel)
                await original(message.sender_id, {"text": APOLOGY})

    return handler
