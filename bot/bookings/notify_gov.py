"""Sending one outbox message through GOV.UK Notify with the official client.

The worker (a plain process, no event loop) calls :class:`NotifySender`; the client is blocking
(requests), which is fine there. Errors become :class:`~bot.bookings.outbox.SendError`: 5xx,
429, timeouts and connection failures are worth retrying (the client reports the last two as
503); every other 4xx (400 bad request, 403 bad key) is not. Notify's error text is kept for
staff, with anything that looks like an address or a number removed. Nothing here logs the
recipient, the personalisation or the key.
"""
from __future__ import annotations

import datetime as dt
import logging
import re

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from bot.bookings.models import NotifyChannel
from bot.bookings.outbox import Outgoing, Policy, SendError
from bot.settings import Settings

_SCRUB = [(re.compile(r"\S+@\S+"), "[email]"), (re.compile(r"\+?\d[\d\s().-]{6,}\d"), "[number]")]
# The client logs each failed request (URL and Notify's message); the worker logs its own line.
logging.getLogger("notifications_python_client").setLevel(logging.ERROR)


def retryable(status: int) -> bool:
    return status >= 500 or status == 429


def error_text(exc: APIError) -> str:
    message = exc.message
    if isinstance(message, list):   # Notify: {"errors": [{"error": ..., "message": ...}]}
        message = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                            for e in message)
    text = str(message or "no message")
    for pattern, repl in _SCRUB:
        text = pattern.sub(repl, text)
    return text[:250]


class NotifySender:
    def __init__(self, api_key: str, base_url: str, timeout: float = 10) -> None:
        # notifications-python-client has no type hints: its calls are untyped
        self.client = NotificationsAPIClient(  # type: ignore[no-untyped-call]  # untyped client
            api_key, base_url=base_url, timeout=timeout)

    def __call__(self, message: Outgoing) -> str:
        try:
            if message.channel is NotifyChannel.EMAIL:
                resp = self.client.send_email_notification(  # type: ignore[no-untyped-call]  # untyped client
                    email_address=message.to, template_id=message.template_id,
                    personalisation=message.personalisation, reference=message.reference)
            else:
                resp = self.client.send_sms_notification(  # type: ignore[no-untyped-call]  # untyped client
                    phone_number=message.to, template_id=message.template_id,
                    personalisation=message.personalisation, reference=message.reference)
        except APIError as exc:
            raise SendError(error_text(exc), retry=retryable(exc.status_code),
                            status=exc.status_code) from None
        try:
            return str(resp["id"])
        except (TypeError, KeyError):
            raise SendError("Notify's answer had no id", retry=False, status=None) from None


def sender_from(settings: Settings) -> NotifySender | None:
    """The sender, or None when Notify is off (no NOTIFY_API_KEY)."""
    if settings.notify_api_key is None:
        return None
    return NotifySender(settings.notify_api_key.get_secret_value(), settings.notify_base_url,
                        settings.notify_timeout_seconds)


def policy_from(settings: Settings) -> Policy:
    return Policy(max_attempts=settings.notify_max_attempts,
                  base_delay=dt.timedelta(seconds=settings.notify_retry_base_seconds))
