"""Starlette app: the demo page with the chat widget (it talks to Rasa's REST channel through
/api/chat), the chat privacy notice and the role pages."""
from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.bootstrap import SqlUnitOfWork
from bot.catalogue.schema import CAREER_AREAS
from bot.catalogue.views import RoleView
from bot.settings import get_settings
from bot.web import bookings as booking_files
from bot.web import link_logs, notify_callbacks
from bot.web import manage as manage_pages
from bot.web.admin.app import mount_admin
from bot.web.cors import WidgetCORS
from bot.web.templating import STATIC_DIR, templates

MAX_MESSAGE = 2000


def _roles() -> list[RoleView]:
    with SqlUnitOfWork() as uow:
        return [RoleView.of(r) for r in uow.catalogue.list_roles()]


def _role(slug: str) -> RoleView | None:
    with SqlUnitOfWork() as uow:
        role = uow.catalogue.get_role(slug)
        return RoleView.of(role) if role else None


async def home(request: Request):
    """A made-up school careers page embedding the widget (bot/web/static/widget/)."""
    return templates.TemplateResponse(request, "demo.html")


async def privacy(request: Request):
    return templates.TemplateResponse(request, "privacy.html",
                                      {"purge_days": get_settings().purge_after_days})


async def roles(request: Request):
    items = await run_in_threadpool(_roles)
    areas: dict[str, list[RoleView]] = {}
    for role in items:
        areas.setdefault(role.area_name, []).append(role)
    return templates.TemplateResponse(request, "roles.html", {"areas": sorted(areas.items())})


async def role(request: Request):
    found = await run_in_threadpool(_role, request.path_params["slug"])
    if found is None:
        raise HTTPException(404, "No such role")
    return templates.TemplateResponse(request, "role.html", {"role": found})


async def chat(request: Request):
    """Forward one message to Rasa's REST channel; always answer with JSON."""
    try:
        body = await request.json()
        sender, message = str(body["sender"])[:64], str(body["message"])[:MAX_MESSAGE]
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "send JSON with 'sender' and 'message'"}, status_code=400)
    url = f"{get_settings().rasa_url}/webhooks/rest/webhook"
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            resp = await client.post(url, json={"sender": sender, "message": message})
            resp.raise_for_status()
            return JSONResponse(resp.json())
    except (httpx.HTTPError, ValueError):
        return JSONResponse({"error": "The adviser can't be reached right now. Please try again."},
                            status_code=503)


async def healthz(request: Request):
    return JSONResponse({"status": "ok"})


# CORS on the widget's API for the sites in ALLOWED_ORIGINS (docs/widget.md); a bad value in the
# setting stops the app here, at start, with the reason.
app = Starlette(middleware=[Middleware(WidgetCORS, origins=get_settings().allowed_origins)], routes=[
    Route("/", home),
    Route("/privacy", privacy),
    Route("/roles", roles),
    Route("/roles/{slug}", role),
    Route("/api/chat", chat, methods=["POST"], name="chat"),
    Route("/healthz", healthz),
    *booking_files.routes,
    *manage_pages.routes,      # the links in booking emails and texts
    *notify_callbacks.routes,  # GOV.UK Notify delivery receipts
    Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
])
app.state.areas = CAREER_AREAS
link_logs.install()   # booking link tokens never reach the access log
mount_admin(app)  # /admin for staff (off, with a message, when SECRET_KEY is unset)
