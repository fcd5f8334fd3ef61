"""Links in emails and texts that let a person see and change a booking without the chat.

Every booking has a random token (``Booking.ics_token``, 192 bits from ``secrets``). A link to
manage the booking or accept an offer carries that token signed with ``SECRET_KEY`` and the
link's purpose (itsdangerous, HMAC-SHA256), so:

- an edited or made-up link fails its signature before the database is asked;
- a link made to accept an offer can't be used to cancel, and the other way round;
- changing ``SECRET_KEY`` retires every link that was sent;
- a link lives as long as its booking: the pages look the booking up each time and show it
  only while it is active and its session has not ended (bot/web/manage.py).

The calendar file's link is the bare token: it only reads, and it has always been that way.
"""
from __future__ import annotations

import enum
import hashlib

from itsdangerous import BadSignature, Signer

from bot.settings import InsecureSetting, Settings, get_settings


class LinkPurpose(str, enum.Enum):
    MANAGE = "manage"     # view, cancel or change the date
    ACCEPT = "accept"     # take a place offered from the waiting list


# The web app's paths for these links, declared once (bot/web/manage.py routes them).
PATHS = {LinkPurpose.MANAGE: "/bookings/manage/{signed}",
         LinkPurpose.ACCEPT: "/bookings/offer/{signed}"}
CALENDAR_PATH = "/bookings/{token}.ics"


class BookingLinks:
    def __init__(self, public_url: str, secret: str | None) -> None:
        self.base = public_url.rstrip("/")
        self._secret = secret

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> BookingLinks:
        settings = settings or get_settings()
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        return cls(settings.public_url, secret)

    def _signer(self, purpose: LinkPurpose) -> Signer:
        if not self._secret:
            raise InsecureSetting("SECRET_KEY is not set: it signs the manage-booking links "
                                  "in emails and texts")
        return Signer(self._secret, salt=f"booking-link-{purpose.value}",
                      digest_method=hashlib.sha256)

    # -- making ---------------------------------------------------------------------------------
    def signed(self, purpose: LinkPurpose, token: str) -> str:
        return self._signer(purpose).sign(token).decode()

    def path(self, purpose: LinkPurpose, token: str) -> str:
        """The link's path on the web app (what its pages redirect to)."""
        return PATHS[purpose].format(signed=self.signed(purpose, token))

    def url(self, purpose: LinkPurpose, token: str) -> str:
        return self.base + self.path(purpose, token)

    def manage(self, token: str) -> str:
        return self.url(LinkPurpose.MANAGE, token)

    def accept(self, token: str) -> str:
        return self.url(LinkPurpose.ACCEPT, token)

    def calendar(self, token: str) -> str:
        return self.base + CALENDAR_PATH.format(token=token)

    def chat(self) -> str:
        return self.base + "/"

    # -- reading --------------------------------------------------------------------------------
    def token_from(self, purpose: LinkPurpose, signed: str) -> str | None:
        """The booking token a link carries, or None when it was not made by us for this."""
        if not signed or len(signed) > 200:
            return None
        try:
            return self._signer(purpose).unsign(signed).decode()
        except (BadSignature, UnicodeDecodeError):
            return None
