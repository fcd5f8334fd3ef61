"""Mount the staff admin (SQLAdmin) on the web app at /admin.

Without SECRET_KEY (it signs the session cookies) the admin is not mounted: /admin answers 503
saying why, and the rest of the web app runs as usual.
"""
from __future__ import annotations

import logging
from pathlib import Path

import anyio
from sqladmin import Admin
from sqladmin.authentication import login_required
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.settings import InsecureSetting, Settings, get_settings
from bot.web.admin import dashboard
from bot.web.admin.auth import RoleAuthorization, StaffAuth
from bot.web.admin.csrf import csrf_js, origin_of
from bot.web.admin.transfer import IDENTITY, CatalogueTransferView
from bot.web.admin.views_catalogue import VIEWS as CATALOGUE_VIEWS
from bot.web.admin.views_events import VIEWS as EVENT_VIEWS
from bot.web.admin.views_people import VIEWS as PEOPLE_VIEWS

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates"
BASE_URL = "/admin"
OFF_MESSAGE = ("The staff admin is off: SECRET_KEY is not set. Set it (32+ random characters, e.g. "
               "python -c 'import secrets; print(secrets.token_urlsafe(32))') and restart.")


class StaffAdmin(Admin):
    """SQLAdmin with the dashboard as its front page."""

    app_sessions: sessionmaker  # plain sessions for services (imports, cancellations)
    tracker_url: str

    @login_required
    async def index(self, request: Request) -> Response:
        data = await anyio.to_thread.run_sync(dashboard.context, self.app_sessions, self.tracker_url)
        return await self.templates.TemplateResponse(request, "dashboard.html",
                                                     {**data, "title": "Dashboard"})


async def _admin_off(request: Request) -> Response:
    return PlainTextResponse(OFF_MESSAGE, status_code=503)


def mount_admin(app: Starlette, *, engine: Engine | None = None,
                settings: Settings | None = None) -> StaffAdmin | None:
    """Add the admin to ``app``; return it, or None (and log why) when SECRET_KEY is unset."""
    settings = settings or get_settings()
    try:
        secret = settings.require("secret_key")
    except InsecureSetting as exc:
        log.warning("staff admin not mounted: %s", exc)
        app.router.routes.append(Route(BASE_URL, _admin_off))
        app.router.routes.append(Route(BASE_URL + "/{rest:path}", _admin_off))
        return None
    if engine is None:
        from bot.db import get_engine

        engine = get_engine(settings.database_url)
    app_sessions = sessionmaker(bind=engine, expire_on_commit=False)
    auth = StaffAuth(secret, app_sessions, https=settings.public_url.startswith("https://"),
                     trusted_origins=(origin_of(settings.public_url),), base_url=BASE_URL)
    admin = StaffAdmin(app, session_maker=sessionmaker(bind=engine), base_url=BASE_URL,
                       title="NHS careers: staff", templates_dir=str(TEMPLATES),
                       authentication_backend=auth, authorization_backend=RoleAuthorization())
    admin.app_sessions = app_sessions
    admin.tracker_url = settings.tracker_database_url()
    auth.templates = admin.templates
    admin.admin.router.routes.append(Route("/_csrf.js", csrf_js, name="csrf_js"))
    for view in (*CATALOGUE_VIEWS, CatalogueTransferView, *EVENT_VIEWS, *PEOPLE_VIEWS):
        admin.add_view(view)
    CatalogueTransferView.identity = IDENTITY  # see CatalogueTransferView's docstring
    return admin
