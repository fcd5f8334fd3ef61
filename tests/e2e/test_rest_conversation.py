"""End to end over Rasa's REST channel: real Rasa server, real action server, seeded catalogue."""
from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_how_to_become_a_paramedic(chat):
    reply = chat.say("how do I become a paramedic?")
    text = "\n".join(m["text"] for m in reply)
    assert "paramedic" in text.lower()
    assert "Health and Care Professions Council" in text
    assert re.search(r"Source: https://\S+", text)
    assert any(m.get("buttons") for m in reply), "next-step buttons offered"


def test_role_carries_over_to_pay_question(chat):
    assert "radiograph" in chat.text("tell me about radiographers").lower()
    pay = chat.text("how much do they earn?")
    assert re.search(r"bands? \d", pay) and "£" in pay and "radiographer" in pay.lower()


def test_switching_role(chat):
    chat.text("how do i become a paramedic")
    assert "midwi" in chat.text("what about a midwife?").lower()


def test_button_payload(chat):
    text = chat.text('/ask_role_pay{"role":"paramedic"}')
    assert "paramedic" in text.lower() and "£" in text


def test_unknown_role_is_honest(chat):
    text = chat.text("how do I become an astronaut")
    assert "don't have" in text and "astronaut" in text


def test_small_talk(chat):
    assert "NHS" in chat.text("hi")
    assert chat.text("what can you do").strip()
    assert "can't help" in chat.text("tell me a joke")


def test_web_chat_proxy(stack):
    web = f"http://127.0.0.1:{stack.ports['web']}"
    assert "Ask about NHS careers" in httpx.get(web + "/").text
    ok = httpx.post(web + "/api/chat", json={"sender": "web-1", "message": "what does a porter do"},
                    timeout=60)
    assert ok.status_code == 200 and "porter" in ok.text.lower()
    bad = httpx.post(web + "/api/chat", content=b"{not json", timeout=10)
    assert bad.status_code == 400
    assert httpx.get(web + "/roles/paramedic").status_code == 200
    assert httpx.get(web + "/roles/no-such-role").status_code == 404


def test_the_action_server_says_it_is_ready_once_its_indexes_are_built(stack):
    resp = httpx.get(f"http://127.0.0.1:{stack.ports['actions']}/ready", timeout=10)
    assert resp.status_code == 200 and resp.json() == {"ready": True}
