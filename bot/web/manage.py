"""Pages behind the links in booking emails and texts (bot/bookings/links.py): see a booking,
cancel it or change its date, and accept or turn down a place offered from the waiting list.

No login: the signed link is the key. Looking never changes anything (mail scanners open links),
so every change is a form posted from the page, after the person has seen what it does. A link
that was edited, made up, signed for something else, or is for a booking that has ended, been
cancelled or purged gets the same clear page and a 404, so nothing about anyone's booking leaks.
The pages are plain HTML with no script, sent with ``no-store`` and ``no-referrer``.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.bookings.links import PATHS, BookingLinks, LinkPurpose
from bot.bookings.models import as_utc, utcnow
from bot.bookings.service import BookingService
from bot.bookings.statuses import BookingStatus, OutcomeStatus
from bot.bookings.views import BookingView, deadline_text
from bot.bootstrap import booking_service
from bot.web.templating import templates

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex",
           "Referrer-Policy": "no-referrer"}
# What the page says after a change (?done=...), by the outcome's status.
DONE: dict[str, str] = {OutcomeStatus.MOVED: "Your place has been moved to the new date.",
                         OutcomeStatus.CONFIRMED: "You have taken the place. It is yours.",
                         OutcomeStatus.DUPLICATE: "You already have this place."}
SORRY: dict[str, str] = {
    OutcomeStatus.FULL: "Sorry, that date has just filled up. Your place is unchanged.",
    OutcomeStatus.PAST: "Sorry, that date has already started. Your place is unchanged.",
    OutcomeStatus.CANCELLED_EVENT: "Sorry, that date is no longer running. Your place is unchanged.",
    OutcomeStatus.NOT_FOUND: "Sorry, that date can't be chosen. Your place is unchanged."}


def _links() -> BookingLinks:
    return BookingLinks.from_settings()


def _service() -> BookingService:
    return booking_service()


def _page(request: Request, name: str, status_code: int = 200, **context) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(PRIVATE)
    return response


def _gone(request: Request) -> Response:
    return _page(request, "booking_gone.html", status_code=404)


async def _booking(request: Request, purpose: LinkPurpose) -> tuple[str, BookingView] | None:
    """The token and booking a link is for, or None (the caller shows the clear page)."""
    token = _links().token_from(purpose, request.path_params["signed"])
    if token is None:
        return None
    found = await run_in_threadpool(_service().for_link, token)
    return (token, found) if found else None


# -- manage: view, cancel, change the date ------------------------------------------------------
async def manage(request: Request) -> Response:
    found = await _booking(request, LinkPurpose.MANAGE)
    if found is None:
        return _gone(request)
    token, view = found
    if view.status == BookingStatus.OFFERED:   # an offer is answered on its own page
        return RedirectResponse(_links().path(LinkPurpose.ACCEPT, token), status_code=303, headers=PRIVATE)
    dates = (await run_in_threadpool(_service().other_dates, view)
             if view.status == BookingStatus.CONFIRMED else [])
    done = request.query_params.get("done", "")
    return _page(request, "booking_manage.html", booking=view, dates=dates,
                 calendar_link=_links().calendar(token), done=DONE.get(done),
                 sorry=SORRY.get(done), here=request.url.path)


async def cancel_check(request: Request) -> Response:
    found = await _booking(request, LinkPurpose.MANAGE)
    if found is None:
        return _gone(request)
    _, view = found
    return _page(request, "booking_cancel.html", booking=view, back=_back(request))


async def cancel(request: Request) -> Response:
    return await _give_up(request, LinkPurpose.MANAGE)


async def _give_up(request: Request, purpose: LinkPurpose) -> Response:
    """Cancel a place or a waiting-list entry (manage link), or turn down an offer (offer link):
    the same change, so the next person waiting is offered the place."""
    found = await _booking(request, purpose)
    if found is None:
        return _gone(request)
    token, view = found
    out = await run_in_threadpool(lambda: _service().cancel(view.ref, token=token))
    if out.status != OutcomeStatus.CANCELLED:
        return _gone(request)
    return _page(request, "booking_cancelled.html", booking=out.booking, chat_link=_links().chat(),
                 declined=purpose is LinkPurpose.ACCEPT)


async def change(request: Request) -> Response:
    found = await _booking(request, LinkPurpose.MANAGE)
    if found is None:
        return _gone(request)
    token, view = found
    form = await request.form()
    raw = str(form.get("session_id", ""))
    dates = await run_in_threadpool(_service().other_dates, view)
    if not raw.isdigit():
        return _page(request, "booking_manage.html", status_code=400, booking=view, dates=dates,
                     calendar_link=_links().calendar(token), done=None, sorry=None,
                     error="Choose a new date, then press Move my place.", here=_back(request))
    if int(raw) not in {d.id for d in dates}:   # only the dates the page offered
        status = OutcomeStatus.NOT_FOUND
    else:
        out = await run_in_threadpool(lambda: _service().reschedule(view.ref, int(raw), token=token))
        status = out.status
    return RedirectResponse(f"{_back(request)}?done={status}", status_code=303, headers=PRIVATE)


def _back(request: Request) -> str:
    """The manage page a cancel or change page belongs to."""
    return request.url.path.rsplit("/", 1)[0]


# -- an offer from the waiting list -------------------------------------------------------------
async def offer(request: Request) -> Response:
    found = await _booking(request, LinkPurpose.ACCEPT)
    if found is None:
        return _gone(request)
    token, view = found
    if view.status == BookingStatus.CONFIRMED:   # accepted already (maybe in the chat)
        return RedirectResponse(f"{_links().path(LinkPurpose.MANAGE, token)}?done={OutcomeStatus.DUPLICATE}",
                                status_code=303, headers=PRIVATE)
    expires = view.offer_expires_at
    if view.status != BookingStatus.OFFERED or expires is None or as_utc(expires) <= utcnow():
        return _page(request, "booking_gone.html", status_code=404, offer_ended=True)
    return _page(request, "booking_offer.html", booking=view, deadline=deadline_text(expires),
                 here=request.url.path)


async def accept(request: Request) -> Response:
    found = await _booking(request, LinkPurpose.ACCEPT)
    if found is None:
        return _gone(request)
    token, view = found
    out = await run_in_threadpool(lambda: _service().accept_offer(view.ref, token=token))
    if out.status in (OutcomeStatus.CONFIRMED, OutcomeStatus.DUPLICATE):
        done = f"{_links().path(LinkPurpose.MANAGE, token)}?done={out.status}"
        return RedirectResponse(done, status_code=303, headers=PRIVATE)
    return _page(request, "booking_gone.html", status_code=404, offer_ended=True)


async def decline(request: Request) -> Response:
    return await _give_up(request, LinkPurpose.ACCEPT)


MANAGE, OFFER = PATHS[LinkPurpose.MANAGE], PATHS[LinkPurpose.ACCEPT]
routes = [
    Route(MANAGE, manage),
    Route(MANAGE + "/cancel", cancel_check, methods=["GET"]),
    Route(MANAGE + "/cancel", cancel, methods=["POST"]),
    Route(MANAGE + "/change", change, methods=["POST"]),
    Route(OFFER, offer),
    Route(OFFER + "/accept", accept, methods=["POST"]),
    Route(OFFER + "/decline", decline, methods=["POST"]),
]
