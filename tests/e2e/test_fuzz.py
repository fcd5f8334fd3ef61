"""1,000 generated and adversarial inputs over REST: every one answered, no 500s, still alive."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fuzz_inputs import SILENT_OK, inputs

pytestmark = pytest.mark.e2e


def test_rest_fuzz(stack):
    url = f"http://127.0.0.1:{stack.ports['rasa']}/webhooks/rest/webhook"
    messages = inputs(1000)

    def send(i: int) -> tuple[int, int, int]:
        with httpx.Client(timeout=120) as client:
            resp = client.post(url, json={"sender": f"fuzz-{i % 40}", "message": messages[i]})
            replies = resp.json() if resp.status_code == 200 else []
            return i, resp.status_code, len(replies)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, range(len(messages))))
    errors = [(messages[i][:60], code) for i, code, _ in results if code != 200]
    silent = [messages[i][:60] for i, code, n in results if code == 200 and n == 0
              and not SILENT_OK.match(messages[i])]
    assert not errors, errors[:10]
    assert not silent, silent[:10]
    # the web app's proxy too: junk bodies get a clear 400, never a 500
    web = f"http://127.0.0.1:{stack.ports['web']}/api/chat"
    for body in (b"", b"{", b"[]", b'{"sender": 1}', b"\xff\xfe", b'{"message": "hi"}'):
        assert httpx.post(web, content=body, timeout=30).status_code == 400
    assert "paramedic" in httpx.post(url, json={"sender": "after-fuzz",
                                                 "message": "how do I become a paramedic"},
                                     timeout=60).text.lower()
