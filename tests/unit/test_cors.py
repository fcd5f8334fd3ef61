"""CORS on the widget's API (bot/web/cors.py), without a browser: the real /api/chat endpoint
behind WidgetCORS, with Rasa replaced by an httpx mock transport."""
from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from bot.settings import ROOT
from bot.web import app as web
from bot.web.cors import REFUSED, WidgetCORS

SCHOOL = "https://www.school.example"
OTHER = "https://elsewhere.example"
REPLY = [{"text": "Paramedics respond to emergency calls."}]


@pytest.fixture
def rasa(monkeypatch):
    """Rasa's REST channel, faked: records what it was sent."""
    sent = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=REPLY)

    real = httpx.AsyncClient
    monkeypatch.setattr(web.httpx, "AsyncClient",
                        lambda **kw: real(transport=httpx.MockTransport(answer), **kw))
    return sent


def client(origins=(SCHOOL,)) -> TestClient:
    async def page(request):
        return PlainTextResponse("a page")

    app = Starlette(middleware=[Middleware(WidgetCORS, origins=origins)], routes=[
        Route("/api/chat", web.chat, methods=["POST"]), Route("/roles", page)])
    return TestClient(app)


def cors_headers(resp: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in resp.headers.items() if k.lower().startswith("access-control-")}


def vary(resp: httpx.Response) -> list[str]:
    return [v.strip().lower() for v in resp.headers.get("vary", "").split(",") if v.strip()]


def preflight(c: TestClient, origin: str, method: str = "POST", headers: str = "content-type"):
    return c.options("/api/chat", headers={"Origin": origin, "Access-Control-Request-Method": method,
                                           "Access-Control-Request-Headers": headers})


def chat(c: TestClient, origin: str | None):
    return c.post("/api/chat", json={"sender": "s1", "message": "paramedic"},
                  headers={"Origin": origin} if origin else {})


def test_an_allowed_origin_gets_the_answer_with_its_origin(rasa):
    resp = chat(client(), SCHOOL)
    assert resp.status_code == 200 and resp.json() == REPLY
    assert cors_headers(resp) == {"access-control-allow-origin": SCHOOL}  # no credentials
    assert "origin" in vary(resp)
    assert len(rasa) == 1


def test_an_allowed_origins_preflight_allows_post_with_json():
    resp = preflight(client(), SCHOOL)
    assert resp.status_code == 200
    headers = cors_headers(resp)
    assert headers["access-control-allow-origin"] == SCHOOL
    assert headers["access-control-allow-methods"] == "POST"
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert int(headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in headers
    assert "origin" in vary(resp)


def test_another_origins_preflight_is_refused_with_no_cors_headers():
    resp = preflight(client(), OTHER)
    assert resp.status_code == 403
    assert cors_headers(resp) == {}
    assert resp.text == REFUSED and "ALLOWED_ORIGINS" in resp.text
    assert "origin" in vary(resp)


def test_another_origins_post_gets_no_cors_headers(rasa):
    """A browser sends this POST only without a preflight (e.g. a plain form): it is answered,
    but with no Access-Control-Allow-Origin the browser does not let the page read it."""
    resp = chat(client(), OTHER)
    assert resp.status_code == 200
    assert cors_headers(resp) == {}
    assert "origin" in vary(resp)


@pytest.mark.parametrize("origin", [SCHOOL + "/", "http://www.school.example", SCHOOL + ":8443",
                                    "https://school.example", "null", "*"])
def test_near_misses_are_other_origins(origin):
    assert cors_headers(preflight(client(), origin)) == {}
    assert cors_headers(chat(client(), origin)) == {}


def test_by_default_no_origin_is_allowed(rasa):
    c = client(origins=())
    assert cors_headers(preflight(c, SCHOOL)) == {} and preflight(c, SCHOOL).status_code == 403
    resp = chat(c, SCHOOL)
    assert cors_headers(resp) == {} and "origin" in vary(resp)


def test_same_site_and_no_origin_work_as_before(rasa):
    resp = chat(client(), None)
    assert resp.status_code == 200 and resp.json() == REPLY
    assert cors_headers(resp) == {}


def test_only_the_widgets_api_gets_cors():
    c = client()
    page = c.get("/roles", headers={"Origin": SCHOOL})
    assert page.status_code == 200 and cors_headers(page) == {} and "origin" not in vary(page)
    options = c.options("/roles", headers={"Origin": SCHOOL, "Access-Control-Request-Method": "GET"})
    assert cors_headers(options) == {}


def test_other_methods_and_headers_are_not_allowed():
    c = client()
    assert preflight(c, SCHOOL, method="DELETE").status_code == 400
    assert preflight(c, SCHOOL, headers="authorization").status_code == 400


def test_rasa_down_still_carries_cors_so_the_widget_can_show_the_error(monkeypatch):
    def down(request):
        raise httpx.ConnectError("refused")

    real = httpx.AsyncClient
    monkeypatch.setattr(web.httpx, "AsyncClient",
                        lambda **kw: real(transport=httpx.MockTransport(down), **kw))
    resp = chat(client(), SCHOOL)
    assert resp.status_code == 503 and "can't be reached" in resp.json()["error"]
    assert cors_headers(resp) == {"access-control-allow-origin": SCHOOL}


def test_the_web_app_uses_the_setting():
    (mw,) = [m for m in web.app.user_middleware if m.cls is WidgetCORS]
    assert tuple(mw.kwargs["origins"]) == web.get_settings().allowed_origins


def _start(value: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ALLOWED_ORIGINS=value, PYTHONPATH=str(ROOT))
    env.pop("SECRET_KEY", None)
    return subprocess.run([sys.executable, "-c", "import bot.web.app"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_bad_setting_stops_the_web_app_at_start_with_the_reason():
    done = _start("https://www.school.example, https://www.school.example/careers")
    assert done.returncode != 0
    assert "allowed_origins" in done.stderr
    assert "'https://www.school.example/careers' is not an origin" in done.stderr
    assert _start("https://www.school.example,http://localhost:8001").returncode == 0
