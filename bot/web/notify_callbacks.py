"""GOV.UK Notify's delivery receipts: ``POST /notify/receipts``.

Notify calls this URL (set in Notify: API integration -> Callbacks -> delivery receipts) with the
bearer token given there, which must equal ``NOTIFY_CALLBACK_TOKEN``. Without that setting the
endpoint is off (404). A receipt is stored on its outbox row (by Notify's id, else by our
``outbox-<id>`` reference); a failed delivery then shows to staff on the booking. The body carries
the recipient's address or number: it is read, never logged or stored.
"""
from __future__ import annotations

import datetime as dt
import hmac
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bookings.outbox import record_receipt
from bot.bootstrap import sql_uow_factory
from bot.settings import get_settings

MAX_BODY = 16_384


def _authorised(request: Request, expected: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def _moment(value) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


async def delivery_receipt(request: Request) -> Response:
    token = get_settings().notify_callback_token
    if token is None:
        return JSONResponse({"error": "delivery receipts are off"}, status_code=404)
    if not _authorised(request, token.get_secret_value()):
        return JSONResponse({"error": "unauthorised"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "too large"}, status_code=413)
    try:
        receipt = json.loads(body)
        status = str(receipt["status"])
    except (ValueError, KeyError, TypeError):
        return JSONResponse({"error": "send Notify's JSON receipt"}, status_code=400)
    notify_id, reference = receipt.get("id"), receipt.get("reference")
    at = _moment(receipt.get("completed_at")) or _moment(receipt.get("sent_at"))
    stored = await run_in_threadpool(record_receipt, sql_uow_factory(),
                                     str(notify_id) if notify_id else None,
                                     str(reference) if reference else None, status, at)
    # 200 even for a receipt we don't know (an old, deleted row): Notify need not retry it.
    return JSONResponse({"stored": stored})


routes = [Route("/notify/receipts", delivery_receipt, methods=["POST"])]
