"""Booking files served by the web app: the .ics calendar file behind an unguessable link."""
from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.bookings.calendar import ics_for
from bot.bootstrap import booking_service

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _booking(token: str):
    return booking_service().by_token(token)


async def calendar_file(request: Request) -> Response:
    token = request.path_params["token"]
    found = await run_in_threadpool(_booking, token) if TOKEN.fullmatch(token) else None
    if found is None:  # wrong, cancelled or purged: the same answer, so nothing leaks
        raise HTTPException(404, "No such booking")
    return Response(ics_for(found), media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{found.ref}.ics"',
        "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"})


routes = [Route("/bookings/{token}.ics", calendar_file)]
