"""never_silent (bot/rasa_server/channels/guard.py) with a fake output channel shared by every chat, as
Telegram's is: a silent turn gets one apology, an answered turn none, and two turns in flight at
once on the one channel are counted apart (the review's Appendix A, with the fixed guard).

The app's environment has no Rasa, so when Rasa is missing the two names the guard imports are
stood in for here; test_telegram.py::test_rasa_side_checks checks the wrapper against real Rasa.
"""
from __future__ import annotations

import asyncio
import importlib
import importlib.util
import sys
import types

import pytest


def _stand_in_for_rasa() -> dict[str, types.ModuleType]:
    channel = types.ModuleType("rasa.core.channels.channel")

    class OutputChannel:
        @classmethod
        def name(cls) -> str:
            return cls.__name__

    class UserMessage:
        def __init__(self, text=None, output_channel=None, sender_id=None, input_channel=None,
                     metadata=None) -> None:
            self.text, self.output_channel, self.sender_id = text, output_channel, sender_id
            self.input_channel, self.metadata = input_channel, metadata

    channel.OutputChannel, channel.UserMessage = OutputChannel, UserMessage
    names = ["rasa", "rasa.core", "rasa.core.channels"]
    return {**{n: types.ModuleType(n) for n in names}, channel.__name__: channel}


@pytest.fixture(scope="module")
def guard():
    with pytest.MonkeyPatch.context() as mp:
        if importlib.util.find_spec("rasa") is None:
            for name, module in _stand_in_for_rasa().items():
                mp.setitem(sys.modules, name, module)
        mp.delitem(sys.modules, "bot.rasa_server.channels.guard", raising=False)
        module = importlib.import_module("bot.rasa_server.channels.guard")
        module.rasa = importlib.import_module("rasa.core.channels.channel")  # real or stood in for
        yield module
        mp.delitem(sys.modules, "bot.rasa_server.channels.guard", raising=False)  # undo: next import is real


class SharedOut:
    """A fake output channel like SafeTelegramOutput: one instance for every chat; records what
    each chat got, from every send method Rasa's OutputChannel has."""

    id = 4242  # e.g. the Telegram bot's id, which the channel reads off its output

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_response(self, recipient_id, message):
        self.sent.append((recipient_id, message.get("text")))

    async def send_text_message(self, recipient_id, text, **kwargs):
        self.sent.append((recipient_id, text))

    async def send_text_with_buttons(self, recipient_id, text, buttons, **kwargs):
        self.sent.append((recipient_id, f"{text} {len(buttons)} buttons"))

    async def send_image_url(self, recipient_id, image, **kwargs):
        self.sent.append((recipient_id, f"image {image}"))

    async def send_attachment(self, recipient_id, attachment, **kwargs):
        self.sent.append((recipient_id, f"attachment {attachment}"))

    async def send_quick_replies(self, recipient_id, text, quick_replies, **kwargs):
        self.sent.append((recipient_id, f"{text} {len(quick_replies)} quick replies"))

    async def send_elements(self, recipient_id, elements, **kwargs):
        self.sent.append((recipient_id, f"{len(elements)} elements"))

    async def send_custom_json(self, recipient_id, json_message, **kwargs):
        self.sent.append((recipient_id, f"custom {sorted(json_message)}"))


@pytest.fixture
def shared() -> SharedOut:
    return SharedOut()


def message(guard, out, sender: str, text: str = "how do I become a nurse"):
    return guard.rasa.UserMessage(text, out, sender, input_channel="telegram")


def rasa_that(answers: bool, received: list | None = None):
    """A stand-in for Rasa's handle_message: replies through the message's channel, or not."""
    async def on_new_message(m) -> None:
        if received is not None:
            received.append(m)
        if answers:
            await m.output_channel.send_response(m.sender_id, {"text": f"answer for {m.sender_id}"})
    return on_new_message


def test_a_silent_turn_gets_one_apology(guard, shared):
    asyncio.run(guard.never_silent(rasa_that(answers=False))(message(guard, shared, "A")))
    assert shared.sent == [("A", guard.APOLOGY)]


def test_an_answered_turn_gets_no_apology(guard, shared):
    received: list = []
    original = message(guard, shared, "A")
    asyncio.run(guard.never_silent(rasa_that(answers=True, received=received))(original))
    assert shared.sent == [("A", "answer for A")]
    [turn] = received  # Rasa got a copy with a per-turn wrapper; nothing of the caller's changed
    assert turn is not original and original.output_channel is shared
    assert isinstance(turn.output_channel, guard.TurnOutput) and turn.output_channel.channel is shared
    assert (turn.text, turn.sender_id, turn.input_channel) == (original.text, "A", "telegram")
    assert "send_response" not in vars(shared), "the shared channel is never patched"


@pytest.mark.parametrize("text", ["/restart", "/session_start", '/EXTERNAL_booking_notice{"a":1}'])
def test_turns_that_may_rightly_say_nothing_get_no_apology(guard, shared, text):
    asyncio.run(guard.never_silent(rasa_that(answers=False))(message(guard, shared, "A", text)))
    assert shared.sent == []


def test_a_turn_that_fails_still_gets_its_apology(guard, shared):
    async def broken(m) -> None:
        raise RuntimeError("the action server went away")

    with pytest.raises(RuntimeError):
        asyncio.run(guard.never_silent(broken)(message(guard, shared, "A")))
    assert shared.sent == [("A", guard.APOLOGY)]


def two_turns(guard, shared, a_answers: bool, b_answers: bool, first: str):
    """A and B in flight at once on the one shared channel, A started first. Then the ``first``
    chat replies (or not) and its turn ends, and only after that does the other reply and end
    (events, not sleeps, fix the order)."""
    async def run() -> None:
        a_in, b_in, a_over, b_over = (asyncio.Event() for _ in range(4))

        async def rasa_for_a(m) -> None:
            a_in.set()
            await b_in.wait()
            if first == "B":
                await b_over.wait()
            if a_answers:
                await m.output_channel.send_response(m.sender_id, {"text": "answer for A"})

        async def rasa_for_b(m) -> None:
            b_in.set()
            if first == "A":
                await a_over.wait()
            if b_answers:
                await m.output_channel.send_response(m.sender_id, {"text": "answer for B"})

        async def turn(rasa, sender, over, started=None) -> None:
            if started is not None:
                await started.wait()
            await guard.never_silent(rasa)(message(guard, shared, sender))
            over.set()

        await asyncio.gather(turn(rasa_for_a, "A", a_over), turn(rasa_for_b, "B", b_over, a_in))

    asyncio.run(run())
    return sorted(shared.sent)


def test_two_chats_at_once_the_silent_one_ends_first(guard, shared):
    # Appendix A, first case: the old guard also sent B a spurious apology after its answer
    sent = two_turns(guard, shared, a_answers=False, b_answers=True, first="A")
    assert sent == [("A", guard.APOLOGY), ("B", "answer for B")]


def test_two_chats_at_once_the_silent_one_ends_last(guard, shared):
    # Appendix A, second case: the old guard counted A's answer for B, so B got nothing at all
    sent = two_turns(guard, shared, a_answers=True, b_answers=False, first="A")
    assert sent == [("A", "answer for A"), ("B", guard.APOLOGY)]


@pytest.mark.parametrize("a_answers, b_answers", [(True, True), (False, False), (True, False),
                                                  (False, True)])
@pytest.mark.parametrize("first", ["A", "B"])
def test_two_chats_at_once_are_counted_apart(guard, shared, a_answers, b_answers, first):
    sent = two_turns(guard, shared, a_answers, b_answers, first)
    assert sent == [("A", "answer for A" if a_answers else guard.APOLOGY),
                    ("B", "answer for B" if b_answers else guard.APOLOGY)]


def test_many_chats_at_once_on_one_channel(guard, shared):
    async def run() -> None:
        async def rasa(m) -> None:
            n = int(m.sender_id)
            await asyncio.sleep((n * 7 % 10) / 1000)  # finish in a shuffled order
            if n % 3:
                await m.output_channel.send_response(m.sender_id, {"text": "answer"})
            await asyncio.sleep((n * 3 % 10) / 1000)

        await asyncio.gather(*(guard.never_silent(rasa)(message(guard, shared, str(n))) for n in range(30)))

    asyncio.run(run())
    for n in range(30):
        assert [t for s, t in shared.sent if s == str(n)] == ["answer" if n % 3 else guard.APOLOGY]


def test_the_turn_wrapper_sends_everything_through_the_shared_channel_and_counts_it(guard, shared):
    out = guard.TurnOutput(shared)

    async def send_one_of_each() -> None:
        await out.send_response("A", {"text": "a"})
        await out.send_text_message("A", "b")
        await out.send_text_with_buttons("A", "c", [{"title": "x", "payload": "/x"}])
        await out.send_image_url("A", "https://x/i.png")
        await out.send_attachment("A", "f.pdf")
        await out.send_quick_replies("A", "d", [{"title": "y", "payload": "/y"}])
        await out.send_elements("A", [{"title": "e"}])
        await out.send_custom_json("A", {"k": 1})

    asyncio.run(send_one_of_each())
    assert out.sent == 8 == len(shared.sent)
    assert [t for _, t in shared.sent] == ["a", "b", "c 1 buttons", "image https://x/i.png",
                                           "attachment f.pdf", "d 1 quick replies", "1 elements",
                                           "custom ['k']"]
    assert out.name() == "telegram", "channel-specific responses still apply"
    assert out.id == 4242, "other attributes are the shared channel's"
