"""A fake Telegram Bot API server for the end-to-end tests.

Starlette + uvicorn in a background thread on 127.0.0.1 (a free port). It answers
``/bot<token>/<method>`` like Telegram does (``{"ok": true, "result": ...}``), enforces the limits
that matter to us (message length, callback_data size, non-empty text), and records every call:
method name and parameters, with JSON-encoded fields (reply_markup, allowed_updates) decoded.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str


@dataclass
class FakeTelegram:
    token: str
    username: str = "careers_test_bot"
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bot_id = int(self.token.split(":")[0])
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-telegram", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake Telegram server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---- inspection -----------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the call log; pass it to ``since`` to see only later calls."""
        with self._lock:
            return len(self.calls)

    def since(self, mark: int = 0, method: str | None = None) -> list[Call]:
        with self._lock:
            calls = list(self.calls[mark:])
        return [c for c in calls if method is None or c.method == method]

    def texts_to(self, chat_id: int, mark: int = 0) -> list[str]:
        """The texts of the messages sent to one chat since ``mark``, in order."""
        return [c.params.get("text") for c in self.since(mark, "sendMessage")
                if str(c.params.get("chat_id")) == str(chat_id)]

    def wait_for(self, method: str, predicate: Callable[[Call], bool] = lambda c: True,
                 mark: int = 0, timeout: float = 30) -> Call:
        deadline = time.monotonic() + timeout
        while True:
            for call in self.since(mark, method):
                if predicate(call):
                    return call
            if time.monotonic() > deadline:
                raise AssertionError(f"no {method} call matched within {timeout}s; "
                                     f"calls: {[c.method for c in self.since(mark)]}")
            time.sleep(0.1)

    def fail_next(self, method: str, status: int, description: str) -> None:
        """Make the next call of ``method`` fail like Telegram would (e.g. 403 blocked by user)."""
        with self._lock:
            self.failures[method] = (status, description)

    # ---- the API --------------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query_params)
        ctype = request.headers.get("content-type", "")
        body = await request.body()
        if ctype.startswith("application/json") and body:
            params.update(json.loads(body))
        elif ctype.startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif ctype.startswith("multipart/form-data"):
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key, value in list(params.items()):  # aiogram sends objects/lists as JSON strings
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    @staticmethod
    def _error(status: int, description: str) -> JSONResponse:
        return JSONResponse({"ok": False, "error_code": status, "description": description},
                            status_code=status)

    def _me(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "NHS careers (test)",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        params = await self._params(request)
        with self._lock:
            self.calls.append(Call(method, params, token))
            failure = self.failures.pop(method, None)
        if token != self.token:
            return self._error(401, "Unauthorized")
        if failure:
            return self._error(*failure)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return handler(params)

    def _ok(self, result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    def _m_getme(self, params: dict) -> JSONResponse:
        return self._ok(self._me())

    def _m_setwebhook(self, params: dict) -> JSONResponse:
        if not params.get("url"):
            return self._error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        return self._ok(True)

    def _m_deletewebhook(self, params: dict) -> JSONResponse:
        return self._ok(True)

    def _m_answercallbackquery(self, params: dict) -> JSONResponse:
        if not params.get("callback_query_id"):
            return self._error(400, "Bad Request: query is too old and response timeout expired "
                                    "or query ID is invalid")
        return self._ok(True)

    def _m_sendmessage(self, params: dict) -> JSONResponse:
        text = str(params.get("text") or "")
        if not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            return self._error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard") or []:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                        return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            return self._error(400, "Bad Request: chat not found")
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                   "from": {"id": self.bot_id, "is_bot": True, "first_name": "NHS careers (test)",
                            "username": self.username},
                   "text": text}
        if isinstance(markup, dict):
            message["reply_markup"] = markup
        return self._ok(message)
