"""Row actions (mark attended, cancel, acknowledge, resolve) that never change state on GET.

SQLAdmin's ``@action`` endpoints are GET links; ours only show a confirmation page whose POST
form (CSRF-checked, see :mod:`bot.web.admin.csrf`) goes to an ``@expose(..., methods=["POST"])``
endpoint that makes the change and writes the audit log.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from sqladmin import ModelView
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.admin.audit import record, snapshot, sync_sessions
from bot.web.admin.auth import actor


def flash(request: Request, message: str, category: str = "success") -> None:
    """SQLAdmin's flash message, stored so the session notices the change."""
    request.session["_messages"] = [*request.session.get("_messages", []),
                                    {"category": category, "title": "", "message": message}]


def pks_of(values: str) -> list[str]:
    return [p for p in (v.strip() for v in (values or "").split(",")) if p.isdigit()][:500]


def list_url(request: Request, view: ModelView) -> str:
    return str(request.url_for("admin:list", identity=view.identity))


async def confirm(view: ModelView, request: Request, *, title: str, verb: str, post_path: str,
                  explain: str = "") -> Response:
    """The page that asks before an action; lists the chosen rows."""
    pks = pks_of(request.query_params.get("pks", ""))
    if not pks:
        flash(request, "Tick at least one row first.", "warning")
        return RedirectResponse(list_url(request, view), 302)

    def load() -> list[str]:
        with view.session_maker() as s:
            return [str(s.get(view.model, int(pk)) or f"#{pk} (gone)") for pk in pks]

    items = await anyio.to_thread.run_sync(load)
    action = str(request.url_for("admin:index")).rstrip("/") + f"/{view.identity}/{post_path}"
    return await view.templates.TemplateResponse(request, "confirm.html", {
        "title": title, "verb": verb, "explain": explain, "items": items, "pks": ",".join(pks),
        "action": action, "back": list_url(request, view), "model_view": view})


async def apply(view: ModelView, request: Request, label: str,
                change: Callable[[Any, str], str | None]) -> Response:
    """Run ``change(row, staff_email)`` on each chosen row in its own transaction.

    ``change`` returns None when done, or a reason it was not done. Each change is audited.
    """
    form = await request.form()
    pks = pks_of(str(form.get("pks", "")))
    who = actor(request)

    def run() -> tuple[int, list[str]]:
        done, problems = 0, []
        for pk in pks:
            with view.session_maker() as s:
                row = s.get(view.model, int(pk))
                if row is None:
                    problems.append(f"#{pk}: not found")
                    continue
                before = snapshot(row)
                problem = change(row, who)
                if problem:
                    problems.append(f"{row}: {problem}")
                    continue
                s.commit()
                s.refresh(row)
                record(sync_sessions(view), who, label, view.identity, pk, before, snapshot(row),
                       str(row))
                done += 1
        return done, problems

    done, problems = await anyio.to_thread.run_sync(run)
    if done:
        flash(request, f"{label.capitalize()}: {done} done.")
    if problems:
        flash(request, "Not changed: " + "; ".join(problems), "danger")
    return RedirectResponse(list_url(request, view), 303)


def set_status(status: str, allowed_from: tuple[str, ...]):
    """A ``change`` for :func:`apply` that moves a row's status and records who handled it."""

    def change(row, who: str) -> str | None:
        if row.status not in allowed_from:
            return f"it is {row.status}"
        row.status = status
        if hasattr(row, "handled_by"):
            row.handled_by = who
        return None

    return change
