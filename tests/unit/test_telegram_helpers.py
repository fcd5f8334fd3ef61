"""The pure half of the Telegram channel (bot/rasa_server/channels/telegram_helpers.py), as plain unit tests:
it imports only the standard library, so it runs here without Rasa or aiogram."""
from __future__ import annotations

import pytest

from bot.rasa_server.channels.telegram_helpers import (
    BUTTONS_ONLY_TEXT,
    MAX_MESSAGE_LENGTH,
    Incoming,
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
    utf16_len,
)

BOT, BOT_ID = "careers_test_bot", 123456789


def squash(s: str) -> str:
    return s.replace(" ", "").replace("\n", "")


# ---- splitting long replies ---------------------------------------------------------------

def test_utf16_len_counts_as_telegram_does():
    assert utf16_len("abc") == 3 and utf16_len("é") == 1
    assert utf16_len("\U0001F600") == 2  # outside the BMP: a surrogate pair


def test_short_and_empty_texts():
    assert split_text("") == [] and split_text(None) == [] and split_text(" \n ") == []
    assert split_text("  hi  ") == ["hi"]
    assert split_text("x" * MAX_MESSAGE_LENGTH) == ["x" * MAX_MESSAGE_LENGTH]


@pytest.mark.parametrize("text", ["word " * 3000, "x" * 9000, "\U0001F600" * 3000, "line\n" * 2000,
                                  "é" * 9000, ("para " * 300 + "\n\n") * 30])
def test_long_texts_fit_and_lose_nothing(text):
    parts = split_text(text)
    assert len(parts) > 1
    assert all(0 < utf16_len(p) <= MAX_MESSAGE_LENGTH for p in parts), [utf16_len(p) for p in parts]
    assert squash("".join(parts)) == squash(text)


def test_paragraphs_are_kept_whole_when_they_fit():
    paragraphs = [f"Paragraph {i}: " + "An NHS career can start in many ways. " * 20 for i in range(20)]
    parts = split_text("\n\n".join(paragraphs))
    for p in paragraphs:
        assert sum(p.strip() in part for part in parts) == 1
    assert all(part.startswith("Paragraph") for part in parts)


def test_then_lines_then_words_then_a_cut_mid_word():
    assert split_text("aaa\nbbb\nccc", limit=7) == ["aaa\nbbb", "ccc"]
    assert split_text("aaa bbb ccc", limit=7) == ["aaa bbb", "ccc"]
    assert split_text("abcdefghij", limit=4) == ["abcd", "efgh", "ij"]
    assert split_text("ab\n\nabcdefghij", limit=4) == ["ab", "abcd", "efgh", "ij"]
    assert split_text("\U0001F600" * 3, limit=4) == ["\U0001F600" * 2, "\U0001F600"]  # never half a pair


def test_message_chunks_give_a_keyboard_something_to_sit_on():
    assert message_chunks("hello", has_keyboard=True) == ["hello"]
    assert message_chunks("", has_keyboard=True) == [BUTTONS_ONLY_TEXT]
    assert message_chunks("  ", has_keyboard=False) == []
    assert len(message_chunks("word " * 3000, has_keyboard=True)) == 4


# ---- long payloads ------------------------------------------------------------------------

def test_short_payloads_are_sent_as_they_are():
    store = PayloadStore()
    assert store.encode("/greet") == "/greet" and store.decode("/greet") == "/greet"
    assert len(store) == 0
    sixty_four = "/" + "x" * 63
    assert store.encode(sixty_four) == sixty_four


def test_long_payloads_become_short_keys_and_come_back():
    store = PayloadStore()
    long = '/ask_role_pay{"role":"call-handler-emergency-medical-dispatcher"}'
    key = store.encode(long)
    assert key.startswith("p:") and len(key.encode()) == 12
    assert store.encode(long) == key, "stable"
    assert store.decode(key) == long
    assert store.decode("p:notakey000") is None
    assert store.encode("p:x").startswith("p:") and store.decode(store.encode("p:x")) == "p:x"  # no clash


def test_the_payload_map_is_bounded_least_recently_used_first():
    store = PayloadStore(capacity=3)
    keys = [store.encode("/ask_role_info" + '{"role":"%s"}' % ("x" * 60 + str(i))) for i in range(5)]
    assert all(len(k.encode()) <= 64 and k.startswith("p:") for k in keys)
    assert len(store) == 3 and store.decode(keys[0]) is None and store.decode(keys[4]).endswith('4"}')
    store.decode(keys[2])  # used: now the newest
    store.encode("/" + "y" * 70)
    assert store.decode(keys[3]) is None and store.decode(keys[2]) is not None
    assert PayloadStore(capacity=0).capacity == 1


# ---- keyboards ----------------------------------------------------------------------------

def test_keyboard_rows_one_button_a_row_links_and_short_keys():
    store = PayloadStore()
    long = "/" + "z" * 80
    rows = keyboard_rows([{"title": "Pay", "payload": "/ask_pay"},
                          {"title": " Website ", "url": "https://www.healthcareers.nhs.uk/"},
                          {"title": "Long", "payload": long},
                          {"payload": "/only_payload"},
                          {"title": "No payload"},
                          {"title": "ftp link", "url": "ftp://x", "payload": "/p"},
                          {"title": "   "}, "not a dict", None], store)
    assert rows == [[{"text": "Pay", "callback_data": "/ask_pay"}],
                    [{"text": "Website", "url": "https://www.healthcareers.nhs.uk/"}],
                    [{"text": "Long", "callback_data": store.encode(long)}],
                    [{"text": "/only_payload", "callback_data": "/only_payload"}],
                    [{"text": "No payload", "callback_data": "No payload"}],
                    [{"text": "ftp link", "callback_data": "/p"}]]
    assert store.decode(rows[2][0]["callback_data"]) == long
    assert keyboard_rows(None, store) == [] and keyboard_rows([], store) == []


# ---- retried updates ----------------------------------------------------------------------

def test_recent_ids_drop_retries_and_stay_bounded():
    seen = RecentIds(capacity=3)
    assert [seen.seen(i) for i in (1, 2, 1, 3, 4)] == [False, False, True, False, False]
    assert len(seen) == 3 and seen.seen(1) is False, "the oldest was forgotten"
    assert seen.seen(None) is False and seen.seen(None) is False and seen.seen("5") is False


# ---- reading updates ----------------------------------------------------------------------

def msg(chat_id=42, chat_type="private", text="hi", **extra) -> dict:
    m = {"message_id": 1, "chat": {"id": chat_id, "type": chat_type},
         "from": {"id": chat_id, "is_bot": False}, **extra}
    if text is not None:
        m["text"] = text
    return m


def test_read_message():
    assert read_message(msg()) == Incoming(42, True, "hi")
    assert read_message(msg(-100, "supergroup")) == Incoming(-100, False, "hi")
    assert read_message(msg(text=None, sticker={})) == Incoming(42, True, None)
    assert read_message({**msg(), "text": 5}) == Incoming(42, True, None)
    assert read_message({**msg(), "from": {"id": 9, "is_bot": True}}) is None
    assert read_message({"chat": {"id": "42"}, "text": "hi"}) is None
    assert read_message({"chat": "not an object"}) is None and read_message({}) is None
    assert read_message({"chat": {"id": 7}, "from": "x", "text": "hi"}) == Incoming(7, False, "hi")


def test_what_we_cannot_read():
    assert is_text_we_cannot_read(msg(text=None, sticker={}))
    assert is_text_we_cannot_read(msg(text=None, photo=[]))
    assert not is_text_we_cannot_read(msg(text=None, pinned_message={}))  # a service message


def callback(data="/greet", chat=None, sender=None, **extra) -> dict:
    q = {"id": "q1", "from": sender if sender is not None else {"id": 42}, "data": data, **extra}
    if chat is not None:
        q["message"] = {"message_id": 1, "chat": chat}
    return q


def test_read_callback():
    assert read_callback(callback(chat={"id": 42, "type": "private"})) == (42, "/greet")
    assert read_callback(callback()) == (42, "/greet"), "an old message: the sender's private chat"
    assert read_callback(callback(chat={"id": -100, "type": "group"})) is None
    assert read_callback(callback(data="")) is None and read_callback(callback(data=None)) is None
    assert read_callback(callback(sender={"id": "42"})) is None
    assert read_callback({"id": "q"}) is None


# ---- typed commands -----------------------------------------------------------------------

@pytest.mark.parametrize("typed, rasa_gets", [
    ("how do I become a nurse", ["how do I become a nurse"]),
    ("  spaced  ", ["spaced"]), ("", []), ("   ", []),
    ("/start", ["Hello"]), ("/START", ["Hello"]), (f"/start@{BOT}", ["Hello"]),
    (f"/start@{BOT.upper()}", ["Hello"]), ("/help", ["What can you do?"]),
    ("/restart", ["/restart", "Hello"]), ("/start@other_bot", []),
    ("/greet", ["greet"]), ('/ask_role_pay{"role":"nurse"}', ['ask_role_pay{"role":"nurse"}']),
    ("/choose 3", ["choose 3"]), ("/", []), ("//", []), ("/ /x", ["x"]),
    ("/session_start", ["session_start"]), ("/EXTERNAL_x", ["EXTERNAL_x"]),
])
def test_typed_text_is_never_an_intent(typed, rasa_gets):
    assert user_texts(typed, BOT) == rasa_gets


def test_the_restart_command_is_the_only_slash_that_reaches_rasa():
    for typed in ("/restart", "/greet", "//greet", "/nlu_fallback", "/session_start"):
        assert [t for t in user_texts(typed, BOT) if t.startswith("/")] == (
            ["/restart"] if typed == "/restart" else [])


# ---- groups -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, extra, expected", [
    (f"@{BOT} how do I become a paramedic", {}, True),
    (f"hey @{BOT.upper()}", {}, True),
    ("how do I become a paramedic", {}, False),
    ("ask @someone_else", {}, False),
    (f"ask @{BOT}_fan", {}, False),
    (f"mail x@{BOT}", {}, False),
    ("/start", {}, True), (f"/help@{BOT}", {}, True), ("/start@other_bot", {}, False),
    ("hello you", {"entities": [{"type": "text_mention", "user": {"id": BOT_ID}}]}, True),
    ("hello you", {"entities": [{"type": "text_mention", "user": {"id": 1}}, "junk"]}, False),
    ("yes", {"reply_to_message": {"from": {"id": BOT_ID}}}, True),
    ("yes", {"reply_to_message": {"from": {"id": 5}}}, False),
    ("yes", {"reply_to_message": "junk"}, False),
])
def test_addressed_to_me(text, extra, expected):
    assert addressed_to_me(msg(-100, "supergroup", text, **extra), text, BOT, BOT_ID) is expected
