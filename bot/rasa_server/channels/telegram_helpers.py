"""The pure half of the Telegram channel (bot/rasa_server/channels/telegram.py): no I/O, no rasa, no aiogram.

Splitting long replies, mapping long button payloads to short keys, building the inline keyboard
(as plain dicts), remembering which updates were handled, reading updates, and turning typed
commands into ordinary messages. Only the standard library is imported, so the app's environment
tests all of this directly (tests/unit/test_telegram_helpers.py).
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, NamedTuple

SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts

MAX_MESSAGE_LENGTH = 4000  # UTF-16 code units, as Telegram counts; its hard limit is 4096
CALLBACK_DATA_MAX_BYTES = 64
PAYLOAD_KEY_PREFIX = "p:"
PAYLOAD_CACHE_SIZE = 10_000
SEEN_UPDATES_SIZE = 1_000
BUTTONS_ONLY_TEXT = "Choose one:"

# Typed commands become ordinary messages for the NLU (never raw intents).
COMMANDS: dict[str, list[str]] = {
    "start": ["Hello"],
    "help": ["What can you do?"],
    "restart": ["/restart", "Hello"],  # Rasa's built-in restart, then a fresh greeting
}

# Message kinds a person sends that we can't read: answered with a text-only notice. Service
# messages (pinned, auto-delete timer, ...) are not in this list and are ignored silently.
NON_TEXT_CONTENT = ("sticker", "photo", "voice", "audio", "video", "video_note", "document",
                    "animation", "location", "venue", "contact", "poll", "dice", "game", "story",
                    "invoice")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _split_at(text: str, sep: str, limit: int) -> list[str]:
    chunks: list[str] = []
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


def _cut(text: str, limit: int) -> list[str]:
    """No whitespace at all: cut at code-point boundaries."""
    chunks, current = [], ""
    for char in text:
        if utf16_len(current + char) > limit:
            chunks.append(current)
            current = ""
        current += char
    return chunks + ([current] if current else [])


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split into chunks of at most ``limit`` UTF-16 units, preferring paragraph, then line,
    then word boundaries; only a single over-long word is cut mid-word."""
    text = (text or "").strip()
    if not text:
        return []
    if utf16_len(text) <= limit:
        return [text]
    for sep in ("\n\n", "\n", " "):
        if sep in text:
            return _split_at(text, sep, limit)
    return _cut(text, limit)


def message_chunks(text: str, has_keyboard: bool) -> list[str]:
    """The messages one reply becomes; a keyboard with no text still needs a message to sit on
    (the keyboard goes on the last one)."""
    return split_text(text) or ([BUTTONS_ONLY_TEXT] if has_keyboard else [])


class PayloadStore:
    """Bounded LRU map from short ``callback_data`` keys to Rasa button payloads.

    Payloads that fit in 64 bytes are sent as they are. Longer ones become
    ``"p:" + 10 characters of a SHA-256`` (12 bytes). The map lives in this process only: after a
    restart, or once 10,000 newer long payloads have been sent, an old key is "expired".
    """

    def __init__(self, capacity: int = PAYLOAD_CACHE_SIZE) -> None:
        self.capacity = max(1, capacity)
        self._items: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def encode(self, payload: str) -> str:
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

    def decode(self, data: str) -> str | None:
        """The payload for ``data``, or None when it is a key we no longer (or never) had."""
        if not data.startswith(PAYLOAD_KEY_PREFIX):
            return data
        payload = self._items.get(data)
        if payload is not None:
            self._items.move_to_end(data)
        return payload


class RecentIds:
    """The last ``capacity`` update ids: Telegram retries an update it thinks we missed."""

    def __init__(self, capacity: int = SEEN_UPDATES_SIZE) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[int, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def seen(self, update_id: Any) -> bool:
        """True if ``update_id`` was already handled; otherwise remember it. Non-int ids are
        never remembered (so never dropped as retries)."""
        if not isinstance(update_id, int):
            return False
        if update_id in self._ids:
            return True
        self._ids[update_id] = None
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return False


def keyboard_rows(buttons: Iterable[Any] | None, payloads: PayloadStore) -> list[list[dict[str, str]]]:
    """Inline keyboard rows as plain dicts (aiogram's ``InlineKeyboardButton`` fields): one button
    per row (job titles are long); http(s) buttons open a link, long payloads become short keys."""
    rows = []
    for button in buttons or []:
        if not isinstance(button, dict):
            continue
        title = str(button.get("title") or button.get("payload") or "").strip()
        if not title:
            continue
        url = str(button.get("url") or "")
        if url.startswith(("https://", "http://")):
            rows.append([{"text": title, "url": url}])
            continue
        payload = str(button.get("payload") or title)
        rows.append([{"text": title, "callback_data": payloads.encode(payload)}])
    return rows


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class Incoming(NamedTuple):
    chat_id: int
    private: bool
    text: str | None  # None: not a text message


def read_message(msg: dict[str, Any]) -> Incoming | None:
    """Where a ``message`` update came from and its text; None when it is not for us to answer
    (no usable chat id, or sent by a bot)."""
    chat = _obj(msg.get("chat"))
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or _obj(msg.get("from")).get("is_bot"):
        return None
    text = msg.get("text") if isinstance(msg.get("text"), str) else None
    return Incoming(chat_id, chat.get("type") == "private", text)


def read_callback(query: dict[str, Any]) -> tuple | None:
    """``(chat_id, callback data)`` of a button press in a private chat, else None."""
    chat = _obj(_obj(query.get("message")).get("chat"))
    chat_id = chat.get("id", _obj(query.get("from")).get("id"))
    if not isinstance(chat_id, int) or chat.get("type", "private") != "private":
        return None
    data = query.get("data")
    if not isinstance(data, str) or not data:
        return None
    return chat_id, data


def is_text_we_cannot_read(msg: dict[str, Any]) -> bool:
    return any(key in msg for key in NON_TEXT_CONTENT)


def user_texts(text: str, username: str) -> list[str]:
    """What a typed message becomes for Rasa: commands map to ordinary messages (``/restart``
    to Rasa's restart and a greeting), other leading slashes are dropped, commands for another
    bot are ignored."""
    text = text.strip()
    if not text.startswith("/"):
        return [text] if text else []
    parts = text[1:].split(maxsplit=1)
    command, _, target = (parts[0] if parts else "").partition("@")
    if target and target.lower() != username.lower():
        return []  # a command for another bot
    if command.lower() in COMMANDS:
        return list(COMMANDS[command.lower()])
    plain = " ".join(p for p in [command, parts[1] if len(parts) > 1 else ""] if p).lstrip("/ ")
    return [plain] if plain else []


def addressed_to_me(msg: dict[str, Any], text: str, username: str, bot_id: int) -> bool:
    """In a group: is this message for us (an @mention, a command, a text mention, a reply)?"""
    name = re.escape(username)
    if re.search(rf"(?<![\w@])@{name}\b", text, re.IGNORECASE):
        return True
    command = re.match(r"/[A-Za-z0-9_]+(?:@(\w+))?", text)
    if command and (command.group(1) is None or command.group(1).lower() == username.lower()):
        return True
    for entity in msg.get("entities") or []:
        if (isinstance(entity, dict) and entity.get("type") == "text_mention"
                and (entity.get("user") or {}).get("id") == bot_id):
            return True
    reply = _obj(msg.get("reply_to_message"))
    return (reply.get("from") or {}).get("id") == bot_id
