"""CSRF protection and security headers for the admin (SQLAdmin has no CSRF protection).

A synchroniser token: each admin session holds a random token (in the signed, HttpOnly session
cookie). Every unsafe request (POST, PUT, PATCH, DELETE) must send it back, in the form field
``csrf_token`` or the ``X-CSRF-Token`` header, and must not come from another origin (Origin,
Referer and Sec-Fetch-Site are checked when the browser sends them). Anything else gets 403.

So that no template has to remember it, every HTML page the admin serves is rewritten on the
way out: each ``<form method="post">`` gets a hidden ``csrf_token`` input, ``<head>`` gets a
``<meta name="csrf-token">`` for scripts, a small same-origin script (``/admin/_csrf.js``) adds
the header to jQuery and ``fetch`` requests (SQLAdmin deletes rows with an AJAX DELETE), and
the logout link carries the token. State never changes on GET, except logout, which checks the
token itself (see :mod:`bot.web.admin.auth`).
"""
from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SESSION_KEY = "csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_BODY = 8 * 1024 * 1024  # the largest upload we accept (SQLAdmin's CSV import allows 5 MB)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

_FORM = re.compile(r"""(<form\b[^>]*\bmethod\s*=\s*["']?post["']?[^>]*>)""", re.IGNORECASE)
_LOGOUT = re.compile(r"""(href=["'][^"'?]*/logout)(["'])""", re.IGNORECASE)

JS = """(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) { return; }
  var token = meta.getAttribute('content');
  if (window.jQuery) { window.jQuery.ajaxSetup({headers: {'X-CSRF-Token': token}}); }
  if (window.fetch) {
    var send = window.fetch;
    window.fetch = function (input, init) {
      init = init || {};
      var url = new URL(typeof input === 'string' ? input : input.url, window.location.href);
      if (url.origin === window.location.origin) {
        var headers = new Headers(init.headers || {});
        headers.set('X-CSRF-Token', token);
        init.headers = headers;
      }
      return send(input, init);
    };
  }
})();
"""


def ensure_token(session: dict) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def new_token(session: dict) -> str:
    """A fresh token (after login, so a token seen before login is worthless)."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def token_ok(session: dict, sent: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def inject(html: str, token: str, root_path: str) -> str:
    """Put the token into every POST form, a meta tag, the logout link; load the helper script."""
    hidden = f'<input type="hidden" name="{FIELD}" value="{token}">'
    html = _FORM.sub(lambda m: m.group(1) + hidden, html)
    html = _LOGOUT.sub(lambda m: f"{m.group(1)}?{FIELD}={token}{m.group(2)}", html)
    html = html.replace("</head>", f'<meta name="csrf-token" content="{token}">\n</head>', 1)
    return html.replace("</body>", f'<script src="{root_path}/_csrf.js"></script>\n</body>', 1)


async def csrf_js(request: Request) -> Response:
    return Response(JS, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


class CSRFMiddleware:
    """Must sit inside Starlette's SessionMiddleware (it reads ``scope["session"]``)."""

    def __init__(self, app: ASGIApp, trusted_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = {origin_of(o) for o in trusted_origins if origin_of(o)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        if session is None:
            raise RuntimeError("CSRFMiddleware must run inside SessionMiddleware")
        ensure_token(session)
        if scope["method"] not in SAFE_METHODS:
            problem, receive = await self._check(scope, receive, session)
            if problem:
                response = PlainTextResponse(
                    f"Forbidden: {problem}. Go back, reload the page and try again.", 403)
                await response(scope, receive, self._wrap(scope, send))
                return
        await self.app(scope, receive, self._wrap(scope, send))

    # -- checking a request -------------------------------------------------------------------
    def _allowed(self, headers: Headers, scope: Scope) -> set[str]:
        host = headers.get("host", "")
        return self.trusted | ({f"{scope.get('scheme', 'http')}://{host}".lower()} if host else set())

    async def _check(self, scope: Scope, receive: Receive, session: dict):
        headers = Headers(scope=scope)
        if headers.get("sec-fetch-site", "") == "cross-site":
            return "the request came from another site", receive
        allowed = self._allowed(headers, scope)
        origin = headers.get("origin")
        if origin is not None and origin_of(origin) not in allowed:
            return "the request came from another site", receive
        referer = headers.get("referer")
        if origin is None and referer and origin_of(referer) not in allowed:
            return "the request came from another site", receive
        sent = headers.get(HEADER)
        if sent is None:
            body, receive = await _buffer(receive)
            if body is None:
                return "the request is too large", receive
            sent = await _form_token(scope, body)
        if not token_ok(session, sent):
            return "the security token is missing or wrong (CSRF check)", receive
        return None, receive

    # -- rewriting responses --------------------------------------------------------------------
    def _wrap(self, scope: Scope, send: Send) -> Send:
        held: list[Message] = []
        chunks: list[bytes] = []
        static = "/statics/" in scope.get("path", "")
        rewrite = scope.get("method") != "HEAD"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Content-Security-Policy", CSP)
                if not static:
                    headers["Cache-Control"] = "no-store"
                if rewrite and headers.get("content-type", "").startswith("text/html"):
                    held.append(message)
                    return
                await send(message)
            elif message["type"] == "http.response.body" and held:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                token = ensure_token(scope["session"])
                html = b"".join(chunks).decode("utf-8", "replace")
                body = inject(html, token, scope.get("root_path", "")).encode("utf-8")
                start = held.pop()
                MutableHeaders(scope=start)["content-length"] = str(len(body))
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
            else:
                await send(message)

        return wrapped


async def _buffer(receive: Receive) -> tuple[bytes | None, Receive]:
    """Read the whole body (up to MAX_BODY) and return a ``receive`` that replays it."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None, receive
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body, sent = b"".join(chunks), False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        sent = False

        async def once() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            form = await Request(scope, once).form(max_part_size=MAX_BODY)
        except Exception:  # noqa: BLE001  (a malformed body is simply a missing token)
            return None
        try:
            value = form.get(FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None
