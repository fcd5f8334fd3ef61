"""Telegram channel: Rasa's built-in TelegramInput/TelegramOutput, made safe to run in public.

What it changes (docs/telegram.md has the operator's view):

* Every webhook call must carry Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header; the
  secret is registered with ``setWebhook`` on startup, so nobody else can post updates (403).
* Bad bodies get 400; anything that goes wrong while handling an update is logged and answered
  with 200, so Telegram does not retry the same update for hours.
* Only private chats are answered. In groups the bot only says "please message me directly",
  and only when it is mentioned or sent a command. Group messages never reach Rasa.
* Button payloads longer than Telegram's 64-byte ``callback_data`` limit are replaced by a short
  key; a bounded in-memory map turns the key back into the payload when the button is pressed.
* Long replies are split at paragraph/line boundaries into messages under 4096 characters, sent
  as plain text (no parse mode, so nothing needs escaping) without link previews.
* Typed text is never treated as a Rasa intent: ``/start`` and ``/help`` become ordinary
  messages, other leading slashes are dropped (only buttons send ``/intent`` payloads). This
  also keeps typed text inside the safeguarding classifier, which skips ``/`` messages.
* Message text is never logged by this module; log lines carry update ids and types only.

Only the standard library, rasa, aiogram and sanic are imported: nothing from the app. The pure
parts (splitting, payload keys, keyboards, reading updates, commands) are in telegram_helpers.py.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import RetryAfter, ValidationError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa_server.channels.guard import never_silent
from bot.rasa_server.channels.telegram_helpers import (
    PAYLOAD_CACHE_SIZE,
    SECRET_TOKEN_RE,
    PayloadStore,
    RecentIds,
    addressed_to_me,
    is_text_we_cannot_read,
    keyboard_rows,
    message_chunks,
    read_callback,
    read_message,
    split_text,
    user_texts,
)

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_RETRY_AFTER_SECONDS = 5

TEXT_ONLY_REPLY = "Sorry, I can only read text messages."
GROUP_REPLY = ("Please message me directly: open a private chat with @{bot} and press Start. "
               "I only answer in private chats, so other people in a group can't see your questions.")
EXPIRED_BUTTON_REPLY = "Sorry, that button has expired. Please type your question instead."


class SafeTelegramOutput(TelegramOutput):
    """Sends plain-text replies with inline keyboards; a failed send is logged, never raised
    (so Rasa still saves the conversation)."""

    def __init__(self, access_token: str | None, api_server: str | None = None,
                 payloads: PayloadStore | None = None) -> None:
        server = TelegramAPIServer.from_base(api_server) if api_server else TELEGRAM_PRODUCTION
        # Skip TelegramOutput.__init__, which can't pass a server, and go straight to aiogram's Bot.
        super(TelegramOutput, self).__init__(access_token, server=server)
        self.payloads = payloads if payloads is not None else PayloadStore()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        try:
            await super().send_response(recipient_id, message)
        except Exception:
            logger.exception("telegram: could not send a reply to chat %s", recipient_id)

    async def _send(self, chat_id: Any, text: str, reply_markup: Any = None) -> None:
        for attempt in (1, 2):
            try:
                await self.send_message(chat_id, text, reply_markup=reply_markup,
                                        disable_web_page_preview=True)
                return
            except RetryAfter as exc:  # flood control: wait briefly once, else give up
                if attempt == 2 or exc.timeout > MAX_RETRY_AFTER_SECONDS:
                    raise
                await asyncio.sleep(exc.timeout)

    async def safe_send(self, chat_id: Any, text: str) -> None:
        """Send one short notice; log instead of raising."""
        try:
            await self._send(chat_id, text)
        except Exception:
            logger.exception("telegram: could not send a notice to chat %s", chat_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(text):
            await self._send(recipient_id, chunk)

    def keyboard(self, buttons: Iterable[Any]) -> InlineKeyboardMarkup | None:
        """One button per row (job titles are long); long payloads become short keys."""
        rows = [[InlineKeyboardButton(**b) for b in row] for row in keyboard_rows(buttons, self.payloads)]
        return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], button_type: str | None = None,
                                     **kwargs: Any) -> None:
        markup = self.keyboard(buttons)
        chunks = message_chunks(text, markup is not None)
        for i, chunk in enumerate(chunks):
            await self._send(recipient_id, chunk, markup if i == len(chunks) - 1 else None)


class SafeTelegramInput(TelegramInput):
    """Webhook at /webhooks/telegram/webhook (``name()`` is still "telegram")."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SafeTelegramInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        creds: dict[str, Any] = credentials or {}  # the call above raises (NoReturn in rasa)

        def get(key: str) -> str:
            value = creds.get(key)
            return str(value).strip() if value is not None else ""

        missing = [k for k in ("access_token", "verify", "webhook_url", "secret_token") if not get(k)]
        if missing:
            raise RasaException(f"The Telegram channel needs {', '.join(missing)} in the credentials "
                                "file; refusing to start without them (see docs/telegram.md).")
        return cls(get("access_token"), get("verify"), get("webhook_url"), get("secret_token"),
                   api_server=get("api_server") or None)

    def __init__(self, access_token: str, verify: str, webhook_url: str, secret_token: str,
                 api_server: str | None = None, payload_cache_size: int = PAYLOAD_CACHE_SIZE) -> None:
        if not secret_token or not SECRET_TOKEN_RE.match(secret_token):
            raise RasaException("The Telegram channel needs a secret_token of 1-256 characters "
                                "(letters, digits, '_' and '-'); refusing to start without one.")
        try:
            check_token(access_token)
        except ValidationError as exc:
            raise RasaException("The Telegram access_token doesn't look like a bot token "
                                "('123456:ABC...').") from exc
        if api_server and not api_server.startswith(("https://", "http://")):
            raise RasaException("The Telegram api_server must be an http(s) URL.")
        if not (verify or "").strip("@ "):
            raise RasaException("The Telegram channel needs verify (the bot's username).")
        super().__init__(access_token, verify.strip().lstrip("@"), webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_server = api_server
        self.payloads = PayloadStore(payload_cache_size)
        self._output: SafeTelegramOutput | None = None
        self._seen_updates = RecentIds()
        self._tasks: set = set()
        if len(secret_token) < 16:
            logger.warning("telegram: secret_token is short; use at least 32 random characters")
        if not webhook_url.startswith("https://"):
            logger.warning("telegram: webhook_url is not https; Telegram only delivers to https URLs")

    def get_output_channel(self) -> SafeTelegramOutput:
        # One Bot (one HTTP session) per channel, created lazily inside the server's event loop.
        # Unlike the built-in, this does not call setWebhook (that happens once, on startup).
        if self._output is None:
            self._output = SafeTelegramOutput(self.access_token, api_server=self.api_server,
                                              payloads=self.payloads)
        return self._output

    # ---- webhook registration -------------------------------------------------------------

    async def register_webhook(self, attempts: int = 3) -> bool:
        out = self.get_output_channel()
        for attempt in range(1, attempts + 1):
            try:
                ok = await out.request("setWebhook", {
                    "url": self.webhook_url,
                    "secret_token": self.secret_token,
                    "allowed_updates": json.dumps(ALLOWED_UPDATES),
                })
                if ok:
                    logger.info("telegram: webhook registered at %s", self.webhook_url)
                    await self._check_username(out)
                    return True
                logger.error("telegram: setWebhook returned %r", ok)
            except Exception:
                logger.exception("telegram: setWebhook failed (attempt %d of %d)", attempt, attempts)
            if attempt < attempts:
                await asyncio.sleep(2 ** attempt)
        logger.error("telegram: the webhook is NOT registered; updates will not arrive (or will be "
                     "refused with 403 if an old webhook without this secret is still set)")
        return False

    async def _check_username(self, out: SafeTelegramOutput) -> None:
        try:
            me = await out.get_me()
        except Exception:
            logger.exception("telegram: getMe failed")
            return
        if (me.username or "").lower() != self.verify.lower():
            logger.error("telegram: the access token belongs to @%s but verify is @%s",
                         me.username, self.verify)

    # ---- webhook ----------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = never_silent(on_new_message)
        bp = Blueprint("safe_telegram_webhook", __name__)
        out = self.get_output_channel()

        @bp.listener("after_server_start")
        async def register(app: Any, loop: asyncio.AbstractEventLoop) -> None:
            task = loop.create_task(self.register_webhook())  # don't hold up the server
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        @bp.listener("after_server_stop")
        async def close(app: Any, loop: asyncio.AbstractEventLoop) -> None:
            session = getattr(out, "_session", None)
            if session is not None and not session.closed:
                await session.close()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            given = request.headers.get(SECRET_HEADER) or ""
            if not hmac.compare_digest(given.encode("utf-8", "backslashreplace"),
                                       self.secret_token.encode("utf-8")):
                logger.warning("telegram: webhook call with a %s secret token",
                               "wrong" if given else "missing")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.text("malformed JSON", status=400)
            if not isinstance(update, dict):
                return response.text("expected a JSON object", status=400)
            try:
                await self.handle_update(update, out, on_new_message, request)
            except Exception:
                logger.exception("telegram: failed to handle update %r", update.get("update_id"))
            return response.text("ok")

        return bp

    async def handle_update(self, update: dict[str, Any], out: SafeTelegramOutput,
                            on_new_message: Callable[[UserMessage], Awaitable[Any]],
                            request: Request | None = None) -> None:
        update_id = update.get("update_id")
        if self._seen_updates.seen(update_id):
            logger.info("telegram: update %s already handled (a retry); ignoring it", update_id)
            return
        if isinstance(update.get("message"), dict):
            await self._handle_message(update["message"], out, on_new_message, request)
        elif isinstance(update.get("callback_query"), dict):
            await self._handle_callback(update["callback_query"], out, on_new_message, request)
        else:
            kinds = [k for k in update if k != "update_id"]
            logger.debug("telegram: ignoring update %s of type %s", update_id, kinds)

    async def _handle_message(self, msg: dict[str, Any], out: SafeTelegramOutput,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              request: Request | None) -> None:
        incoming = read_message(msg)
        if incoming is None:
            return
        chat_id, private, text = incoming
        if not private:  # groups, supergroups: never into Rasa
            if text is not None and addressed_to_me(msg, text, self.verify, out.id):
                await out.safe_send(chat_id, GROUP_REPLY.format(bot=self.verify))
            return

        if text is None:
            if is_text_we_cannot_read(msg):
                await out.safe_send(chat_id, TEXT_ONLY_REPLY)
            return

        for user_text in user_texts(text, self.verify):
            await self._to_rasa(user_text, chat_id, out, on_new_message, request)

    async def _handle_callback(self, query: dict[str, Any], out: SafeTelegramOutput,
                               on_new_message: Callable[[UserMessage], Awaitable[Any]],
                               request: Request | None) -> None:
        if query.get("id") is not None:  # always, or the user's client shows a spinner
            try:
                await out.answer_callback_query(str(query["id"]))
            except Exception:
                logger.exception("telegram: answerCallbackQuery failed")
        target = read_callback(query)
        if target is None:
            return
        chat_id, data = target
        payload = self.payloads.decode(data)
        if payload is None:
            await out.safe_send(chat_id, EXPIRED_BUTTON_REPLY)
            return
        await self._to_rasa(payload, chat_id, out, on_new_message, request)

    async def _to_rasa(self, text: str, chat_id: int, out: SafeTelegramOutput,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]],
                       request: Request | None) -> None:
        # Sender id = the private chat id = the user's Telegram id: the contact route for handoffs.
        metadata = self.get_metadata(request) if request is not None else None
        await on_new_message(UserMessage(text, out, str(chat_id), input_channel=self.name(),
                                         metadata=metadata))
