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

Only the standard library, rasa, aiogram and sanic are imported: nothing from the app.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import RetryAfter, ValidationError
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import never_silent

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts
ALLOWED_UPDATES = ["message", "callback_query"]

MAX_MESSAGE_LENGTH = 4000  # UTF-16 code units, as Telegram counts; its hard limit is 4096
CALLBACK_DATA_MAX_BYTES = 64
PAYLOAD_KEY_PREFIX = "p:"
PAYLOAD_CACHE_SIZE = 10_000
SEEN_UPDATES_SIZE = 1_000
MAX_RETRY_AFTER_SECONDS = 5

TEXT_ONLY_REPLY = "Sorry, I can only read text messages."
GROUP_REPLY = ("Please message me directly: open a private chat with @{bot} and press Start. "
               "I only answer in private chats, so other people in a group can't see your questions.")
EXPIRED_BUTTON_REPLY = "Sorry, that button has expired. Please type your question instead."
BUTTONS_ONLY_TEXT = "Choose one:"

# Typed commands become ordinary messages for the NLU (never raw intents).
COMMANDS: Dict[str, List[str]] = {
    "start": ["Hello"],
    "help": ["What can you do?"],
    "restart": ["/restart", "Hello"],  # Rasa's built-in restart, then a fresh greeting
}

# Message kinds a person sends that we can't read: answered with TEXT_ONLY_REPLY. Service
# messages (pinned, auto-delete timer, ...) are not in this list and are ignored silently.
NON_TEXT_CONTENT = ("sticker", "photo", "voice", "audio", "video", "video_note", "document",
                    "animation", "location", "venue", "contact", "poll", "dice", "game", "story",
                    "invoice")


def utf16_len(text: Text) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: Text, limit: int = MAX_MESSAGE_LENGTH) -> List[Text]:
    """Split into chunks of at most ``limit`` UTF-16 units, preferring paragraph, then line,
    then word boundaries; only a single over-long word is cut mid-word."""
    text = (text or "").strip()
    if not text:
        return []
    if utf16_len(text) <= limit:
        return [text]
    for sep in ("\n\n", "\n", " "):
        if sep not in text:
            continue
        chunks: List[Text] = []
        current = ""
        for part in text.split(sep):
            candidate = f"{current}{sep}{part}" if current else part
            if utf16_len(candidate) <= limit:
                current = candidate
                continue
            if current.strip():
                chunks.append(current)
            if utf16_len(part) <= limit:
                current = part
            else:
                pieces = split_text(part, limit)
                chunks.extend(pieces[:-1])
                current = pieces[-1] if pieces else ""
        if current.strip():
            chunks.append(current)
        return [c.strip() for c in chunks if c.strip()]
    chunks, current = [], ""
    for char in text:  # no whitespace at all: cut at code-point boundaries
        if utf16_len(current + char) > limit:
            chunks.append(current)
            current = ""
        current += char
    return chunks + ([current] if current else [])


class PayloadStore:
    """Bounded LRU map from short ``callback_data`` keys to Rasa button payloads.

    Payloads that fit in 64 bytes are sent as they are. Longer ones become
    ``"p:" + 10 characters of a SHA-256`` (12 bytes). The map lives in this process only: after a
    restart, or once 10,000 newer long payloads have been sent, an old key is "expired".
    """

    def __init__(self, capacity: int = PAYLOAD_CACHE_SIZE) -> None:
        self.capacity = max(1, capacity)
        self._items: "OrderedDict[str, str]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def encode(self, payload: Text) -> Text:
        if (len(payload.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES
                and not payload.startswith(PAYLOAD_KEY_PREFIX)):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = PAYLOAD_KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:10]
        self._items[key] = payload
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def decode(self, data: Text) -> Optional[Text]:
        """The payload for ``data``, or None when it is a key we no longer (or never) had."""
        if not data.startswith(PAYLOAD_KEY_PREFIX):
            return data
        payload = self._items.get(data)
        if payload is not None:
            self._items.move_to_end(data)
        return payload


class SafeTelegramOutput(TelegramOutput):
    """Sends plain-text replies with inline keyboards; a failed send is logged, never raised
    (so Rasa still saves the conversation)."""

    def __init__(self, access_token: Optional[Text], api_server: Optional[Text] = None,
                 payloads: Optional[PayloadStore] = None) -> None:
        server = TelegramAPIServer.from_base(api_server) if api_server else TELEGRAM_PRODUCTION
        # Skip TelegramOutput.__init__, which can't pass a server, and go straight to aiogram's Bot.
        super(TelegramOutput, self).__init__(access_token, server=server)
        self.payloads = payloads if payloads is not None else PayloadStore()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        try:
            await super().send_response(recipient_id, message)
        except Exception:
            logger.exception("telegram: could not send a reply to chat %s", recipient_id)

    async def _send(self, chat_id: Any, text: Text, reply_markup: Any = None) -> None:
        for attempt in (1, 2):
            try:
                await self.send_message(chat_id, text, reply_markup=reply_markup,
                                        disable_web_page_preview=True)
                return
            except RetryAfter as exc:  # flood control: wait briefly once, else give up
                if attempt == 2 or exc.timeout > MAX_RETRY_AFTER_SECONDS:
                    raise
                await asyncio.sleep(exc.timeout)

    async def safe_send(self, chat_id: Any, text: Text) -> None:
        """Send one short notice; log instead of raising."""
        try:
            await self._send(chat_id, text)
        except Exception:
            logger.exception("telegram: could not send a notice to chat %s", chat_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for chunk in split_text(text):
            await self._send(recipient_id, chunk)

    def keyboard(self, buttons: Iterable[Any]) -> Optional[InlineKeyboardMarkup]:
        """One button per row (job titles are long); long payloads become short keys."""
        rows = []
        for button in buttons or []:
            if not isinstance(button, dict):
                continue
            title = str(button.get("title") or button.get("payload") or "").strip()
            if not title:
                continue
            url = str(button.get("url") or "")
            if url.startswith(("https://", "http://")):
                rows.append([InlineKeyboardButton(title, url=url)])
                continue
            payload = str(button.get("payload") or title)
            rows.append([InlineKeyboardButton(title, callback_data=self.payloads.encode(payload))])
        return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], button_type: Optional[Text] = None,
                                     **kwargs: Any) -> None:
        markup = self.keyboard(buttons)
        chunks = split_text(text) or ([BUTTONS_ONLY_TEXT] if markup else [])
        for i, chunk in enumerate(chunks):
            await self._send(recipient_id, chunk, markup if i == len(chunks) - 1 else None)


class SafeTelegramInput(TelegramInput):
    """Webhook at /webhooks/telegram/webhook (``name()`` is still "telegram")."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SafeTelegramInput":
        if not credentials:
            cls.raise_missing_credentials_exception()

        def get(key: str) -> str:
            value = credentials.get(key)
            return str(value).strip() if value is not None else ""

        missing = [k for k in ("access_token", "verify", "webhook_url", "secret_token") if not get(k)]
        if missing:
            raise RasaException(f"The Telegram channel needs {', '.join(missing)} in the credentials "
                                "file; refusing to start without them (see docs/telegram.md).")
        return cls(get("access_token"), get("verify"), get("webhook_url"), get("secret_token"),
                   api_server=get("api_server") or None)

    def __init__(self, access_token: Text, verify: Text, webhook_url: Text, secret_token: Text,
                 api_server: Optional[Text] = None, payload_cache_size: int = PAYLOAD_CACHE_SIZE) -> None:
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
        self._output: Optional[SafeTelegramOutput] = None
        self._seen_updates: "OrderedDict[int, None]" = OrderedDict()
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

    async def handle_update(self, update: Dict[Text, Any], out: SafeTelegramOutput,
                            on_new_message: Callable[[UserMessage], Awaitable[Any]],
                            request: Optional[Request] = None) -> None:
        update_id = update.get("update_id")
        if self._seen(update_id):
            logger.info("telegram: update %s already handled (a retry); ignoring it", update_id)
            return
        if isinstance(update.get("message"), dict):
            await self._handle_message(update["message"], out, on_new_message, request)
        elif isinstance(update.get("callback_query"), dict):
            await self._handle_callback(update["callback_query"], out, on_new_message, request)
        else:
            kinds = [k for k in update if k != "update_id"]
            logger.debug("telegram: ignoring update %s of type %s", update_id, kinds)

    def _seen(self, update_id: Any) -> bool:
        if not isinstance(update_id, int):
            return False
        if update_id in self._seen_updates:
            return True
        self._seen_updates[update_id] = None
        while len(self._seen_updates) > SEEN_UPDATES_SIZE:
            self._seen_updates.popitem(last=False)
        return False

    async def _handle_message(self, msg: Dict[Text, Any], out: SafeTelegramOutput,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              request: Optional[Request]) -> None:
        chat = msg.get("chat") if isinstance(msg.get("chat"), dict) else {}
        chat_id = chat.get("id")
        sender = msg.get("from") if isinstance(msg.get("from"), dict) else {}
        if not isinstance(chat_id, int) or sender.get("is_bot"):
            return
        text = msg.get("text") if isinstance(msg.get("text"), str) else None

        if chat.get("type") != "private":  # groups, supergroups: never into Rasa
            if text is not None and self._addressed_to_me(msg, text, out):
                await out.safe_send(chat_id, GROUP_REPLY.format(bot=self.verify))
            return

        if text is None:
            if any(key in msg for key in NON_TEXT_CONTENT):
                await out.safe_send(chat_id, TEXT_ONLY_REPLY)
            return

        for user_text in self._user_texts(text):
            await self._to_rasa(user_text, chat_id, out, on_new_message, request)

    async def _handle_callback(self, query: Dict[Text, Any], out: SafeTelegramOutput,
                               on_new_message: Callable[[UserMessage], Awaitable[Any]],
                               request: Optional[Request]) -> None:
        if query.get("id") is not None:  # always, or the user's client shows a spinner
            try:
                await out.answer_callback_query(str(query["id"]))
            except Exception:
                logger.exception("telegram: answerCallbackQuery failed")
        msg = query.get("message") if isinstance(query.get("message"), dict) else {}
        chat = msg.get("chat") if isinstance(msg.get("chat"), dict) else {}
        sender = query.get("from") if isinstance(query.get("from"), dict) else {}
        chat_id = chat.get("id", sender.get("id"))
        if not isinstance(chat_id, int) or chat.get("type", "private") != "private":
            return
        data = query.get("data")
        if not isinstance(data, str) or not data:
            return
        payload = self.payloads.decode(data)
        if payload is None:
            await out.safe_send(chat_id, EXPIRED_BUTTON_REPLY)
            return
        await self._to_rasa(payload, chat_id, out, on_new_message, request)

    async def _to_rasa(self, text: Text, chat_id: int, out: SafeTelegramOutput,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]],
                       request: Optional[Request]) -> None:
        # Sender id = the private chat id = the user's Telegram id: the contact route for handoffs.
        metadata = self.get_metadata(request) if request is not None else None
        await on_new_message(UserMessage(text, out, str(chat_id), input_channel=self.name(),
                                         metadata=metadata))

    def _user_texts(self, text: Text) -> List[Text]:
        text = text.strip()
        if not text.startswith("/"):
            return [text] if text else []
        parts = text[1:].split(maxsplit=1)
        command, _, target = (parts[0] if parts else "").partition("@")
        if target and target.lower() != self.verify.lower():
            return []  # a command for another bot
        if command.lower() in COMMANDS:
            return list(COMMANDS[command.lower()])
        plain = " ".join(p for p in [command, parts[1] if len(parts) > 1 else ""] if p).lstrip("/ ")
        return [plain] if plain else []

    def _addressed_to_me(self, msg: Dict[Text, Any], text: Text, out: SafeTelegramOutput) -> bool:
        name = re.escape(self.verify)
        if re.search(rf"(?<![\w@])@{name}\b", text, re.IGNORECASE):
            return True
        command = re.match(r"/[A-Za-z0-9_]+(?:@(\w+))?", text)
        if command and (command.group(1) is None or command.group(1).lower() == self.verify.lower()):
            return True
        for entity in msg.get("entities") or []:
            if (isinstance(entity, dict) and entity.get("type") == "text_mention"
                    and (entity.get("user") or {}).get("id") == out.id):
                return True
        reply = msg.get("reply_to_message") if isinstance(msg.get("reply_to_message"), dict) else {}
        return (reply.get("from") or {}).get("id") == out.id
