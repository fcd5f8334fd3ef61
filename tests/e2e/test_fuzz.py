"""1,000 generated and adversarial inputs over REST: every one answered (an apology is not an
answer), no 500s, exactly the bot's own messages in the replies, still alive."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.telegram_client import APOLOGY, bot_events
from tests.fuzz_inputs import ERASED, SILENT_OK, inputs

pytestmark = pytest.mark.e2e


def rest_replies(events: list[dict]) -> list[tuple]:
    """What Rasa's REST channel returns for these bot events (its CollectingOutputChannel): a
    message with buttons as one reply, a text alone as one reply per paragraph."""
    replies = []
    for event in events:
        data = {k: v for k, v in (event.get("data") or {}).items() if v}
        assert set(data) <= {"buttons"}, f"a bot message this test can't map to REST: {data}"
        if data.get("buttons"):
            replies.append((event.get("text"), data["buttons"]))
        elif event.get("text"):
            replies += [(part, None) for part in event["text"].strip().split("\n\n")]
    return replies


def test_rest_fuzz(stack):
    """40 conversations, four at a time, each one's messages in order: no 500s, no apology (the
    action server is up, so no turn may be silent), every turn that needs an answer gets one, and
    each conversation got exactly the messages its Rasa tracker says the bot uttered."""
    base = f"http://127.0.0.1:{stack.ports['rasa']}"
    url = f"{base}/webhooks/rest/webhook"
    messages = inputs(1000)
    senders = {f"fuzz-{s}": messages[s::40] for s in range(40)}

    def converse(sender: str) -> list[tuple[str, int, list[dict]]]:
        turns = []
        with httpx.Client(timeout=120) as client:
            for message in senders[sender]:
                resp = client.post(url, json={"sender": sender, "message": message})
                turns.append((message, resp.status_code, resp.json() if resp.status_code == 200 else []))
        return turns

    with ThreadPoolExecutor(max_workers=4) as pool:
        conversations = dict(zip(senders, pool.map(converse, senders), strict=True))
    turns = [t for sender_turns in conversations.values() for t in sender_turns]
    assert [(m[:60], code) for m, code, _ in turns if code != 200] == []
    assert [m[:60] for m, _, replies in turns if any(r.get("text") == APOLOGY for r in replies)] == [], \
        "silent turns (apologised for)"
    assert [m[:60] for m, _, replies in turns if not replies and not SILENT_OK.match(m.strip())] == []
    for sender, sender_turns in conversations.items():
        got = [(r.get("text"), r.get("buttons")) for _, _, replies in sender_turns for r in replies]
        recorded = rest_replies(bot_events(base, sender, token=stack.env["RASA_AUTH_TOKEN"]))
        if any(text and text.startswith(ERASED) for text, _ in got):
            # "delete my data" was said and confirmed: the worker has removed the conversation up
            # to then, so the tracker holds only what came after, and exactly that
            assert len(recorded) <= len(got) and got[len(got) - len(recorded):] == recorded, sender
        else:
            assert got == recorded, sender
    # the web app's proxy too: junk bodies get a clear 400, never a 500
    web = f"http://127.0.0.1:{stack.ports['web']}/api/chat"
    for body in (b"", b"{", b"[]", b'{"sender": 1}', b"\xff\xfe", b'{"message": "hi"}'):
        assert httpx.post(web, content=body, timeout=30).status_code == 400
    assert "paramedic" in httpx.post(url, json={"sender": "after-fuzz",
                                                 "message": "how do I become a paramedic"},
                                     timeout=60).text.lower()
