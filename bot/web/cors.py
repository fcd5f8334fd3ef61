"""CORS for the chat widget's API, so the widget can be embedded on other sites.

Only the paths the widget calls (``WIDGET_API``) get CORS, and only for the origins in
``ALLOWED_ORIGINS`` (bot/settings.py). The work is done by Starlette's own ``CORSMiddleware``;
this wrapper only restricts it to those paths and makes sure a refused origin gets no CORS
header at all (Starlette's refused preflight still lists the allowed methods and headers):

- an allowed origin: ``Access-Control-Allow-Origin: <that origin>`` on the answer and on the
  preflight (``OPTIONS``, which also allows ``POST`` with ``Content-Type``), no credentials;
- any other origin: no ``Access-Control-*`` headers, so the browser refuses to hand the answer
  to the page; its preflight is answered 403 with a short text saying why;
- no ``Origin`` (curl, the same site in some browsers): as before, nothing added.

Every answer on these paths carries ``Vary: Origin``, so a cache never gives one site's answer to
another. Other paths (pages, static files, the admin) are passed through untouched.
"""
from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

WIDGET_API = ("/api/chat",)  # what widget.js calls with fetch(); its files need no CORS
REFUSED = ("This site is not allowed to use the careers chat. "
           "Its origin must be listed in the bot's ALLOWED_ORIGINS setting.")


class WidgetCORS:
    """ASGI middleware: Starlette's CORSMiddleware on ``paths`` only, for ``origins`` only."""

    def __init__(self, app: ASGIApp, origins: Collection[str] = (),
                 paths: Collection[str] = WIDGET_API, max_age: int = 600) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.paths = frozenset(paths)
        self.cors = CORSMiddleware(app, allow_origins=sorted(self.origins), allow_methods=["POST"],
                                   allow_headers=["Content-Type"], allow_credentials=False,
                                   max_age=max_age)

    def _path(self, scope: Scope) -> str:
        path, root = scope.get("path", ""), scope.get("root_path", "")
        return path[len(root):] if root and path.startswith(root) else path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._path(scope) not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if preflight and origin is not None and origin not in self.origins:
            refused = PlainTextResponse(REFUSED, status_code=403, headers={"Vary": "Origin"})
            await refused(scope, receive, send)
            return
        # Everything else: Starlette's middleware. For a refused origin's POST (one sent without
        # a preflight) it adds only "Vary: Origin": the app answers, the browser hides the answer.
        await self.cors(scope, receive, send)
