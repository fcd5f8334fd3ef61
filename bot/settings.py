"""Typed settings read from the environment (and an optional ``.env`` file).

Secrets have no defaults: code that needs one calls :func:`require` and gets a clear error
when it is missing or is a well-known placeholder.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, cast
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_NOTIFY_KEY = re.compile(rf".+-{_UUID}-{_UUID}")
_PLACEHOLDERS = {"changeme", "changethis", "secret", "password", "token", "test", "admin"}


class InsecureSetting(RuntimeError):
    """A required secret is missing or is a placeholder."""


_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> str:
    """``value`` as a browser sends it in the ``Origin`` header (``scheme://host[:port]``,
    lower case, no default port), or ValueError saying what is wrong with it."""
    raw = value.strip()
    example = "give scheme://host[:port] with no path, e.g. https://www.school.example"
    if raw in ("*", "null"):
        raise ValueError(f"{raw!r} is not allowed: list each site's origin ({example})")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not an origin ({exc}): {example}") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{raw!r} is not an origin: {example}")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query \
            or parts.fragment or raw.endswith(("?", "#")):
        raise ValueError(f"{raw!r} is not an origin (it has a path, query or user name): {example}")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{raw!r} has a host name that is not valid: {example}") from None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[parts.scheme] else "")


class Settings(BaseSettings):
    # hide_input_in_errors: a mistyped key or token is never printed in an error
    model_config = SettingsConfigDict(env_file=ROOT / ".env", extra="ignore", hide_input_in_errors=True)

    database_url: str = Field(default=f"sqlite:///{VAR_DIR / 'careers.db'}")
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    rasa_url: str = "http://127.0.0.1:5005"
    web_port: int = 8000
    rasa_auth_token: SecretStr | None = None
    secret_key: SecretStr | None = None
    catalogue_refresh_seconds: float = 30.0
    pay_nation: str = "England"
    log_level: str = "INFO"
    # Rasa's SQL tracker store (read by "delete my data" and the dashboard). TRACKER_URL wins;
    # otherwise it is built from the TRACKER_DIALECT / TRACKER_DB that endpoints.yml uses.
    tracker_url: str | None = None
    tracker_dialect: str = "sqlite"
    tracker_db: str = str(VAR_DIR / "tracker.db")
    public_url: str = "http://localhost:8000"       # where links (.ics files) point
    worker_interval_seconds: float = 30.0             # reminders, offers, purge, erasure
    offer_hours: float = 24.0                         # time to accept a waiting-list place
    purge_after_days: int = 30                        # contact details kept after an event
    reminder_hours_before: float = 24.0
    # Other sites allowed to embed the chat widget (CORS on /api/chat): comma-separated origins,
    # e.g. "https://www.school.example,https://careers.school.example". Empty: same origin only.
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # GOV.UK Notify (docs/notify.md): email and text messages for bookings made on the web.
    # Off without NOTIFY_API_KEY. Each message kind has an email and a text-message template.
    notify_api_key: SecretStr | None = None
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_callback_token: SecretStr | None = None   # Notify sends it with delivery receipts
    notify_timeout_seconds: float = 10.0
    notify_max_attempts: int = 6
    notify_retry_base_seconds: float = 60.0          # doubles after each failed try
    notify_template_confirmation_email: str | None = None
    notify_template_confirmation_sms: str | None = None
    notify_template_reminder_email: str | None = None
    notify_template_reminder_sms: str | None = None
    notify_template_offer_email: str | None = None
    notify_template_offer_sms: str | None = None
    notify_template_offer_expired_email: str | None = None
    notify_template_offer_expired_sms: str | None = None
    notify_template_cancelled_email: str | None = None
    notify_template_cancelled_sms: str | None = None
    notify_template_moved_email: str | None = None
    notify_template_moved_sms: str | None = None
    # Alerts to staff (bot/casework/alerts.py), by email through Notify: a new request to talk to
    # a person or an urgent safeguarding flag. Off without STAFF_ALERT_EMAIL. A burst inside
    # STAFF_ALERT_MINUTES is one email.
    staff_alert_email: str | None = None
    staff_alert_minutes: float = 15.0
    notify_template_staff_alert_email: str | None = None

    @property
    def notify_enabled(self) -> bool:
        return self.notify_api_key is not None

    def notify_template(self, kind: str, channel: str) -> str | None:
        """The Notify template id for a message kind by ``email`` or ``sms`` (None: not set)."""
        return getattr(self, f"notify_template_{kind}_{channel}", None) or None

    def tracker_database_url(self) -> str:
        if self.tracker_url:
            return self.tracker_url
        if self.tracker_dialect == "sqlite":
            return f"sqlite:///{self.tracker_db}"
        raise ValueError("set TRACKER_URL for a tracker store that is not SQLite")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> tuple[str, ...]:
        """ALLOWED_ORIGINS: comma-separated origins, checked and written as browsers send them."""
        items = value.split(",") if isinstance(value, str) else list(cast(Iterable[str], value or ()))
        found: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise ValueError(f"{item!r} is not an origin")
            if item.strip():
                origin = parse_origin(item)
                if origin not in found:
                    found.append(origin)
        return tuple(found)

    @field_validator("staff_alert_email")
    @classmethod
    def _team_address(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from bot.contact import parse_contact

        contact = parse_contact(value)
        if contact is None or contact.method != "email":
            raise ValueError("is not an email address (the team's shared inbox)")
        return contact.value

    @property
    def staff_alerts_enabled(self) -> bool:
        return self.notify_enabled and self.staff_alert_email is not None

    @field_validator("notify_api_key")
    @classmethod
    def _notify_key_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _NOTIFY_KEY.fullmatch(value.get_secret_value()):
            raise ValueError("is not a GOV.UK Notify API key (name-<service id>-<secret>, "
                             "as Notify's API integration page shows it)")
        return value

    @field_validator("rasa_auth_token", "secret_key", "notify_callback_token")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        raw = value.get_secret_value()
        if raw.lower() in _PLACEHOLDERS or len(raw) < 16:
            raise ValueError("is a placeholder or shorter than 16 characters; generate one "
                             "with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return value

    @model_validator(mode="after")
    def _links_need_a_key(self) -> Settings:
        if self.notify_api_key is not None and self.secret_key is None:
            raise ValueError("NOTIFY_API_KEY is set but SECRET_KEY is not: SECRET_KEY signs the "
                             "manage-booking links in emails and texts (bot/bookings/links.py)")
        return self

    def require(self, name: str) -> str:
        """Return the secret ``name`` or raise :class:`InsecureSetting`."""
        value = getattr(self, name)
        if value is None:
            raise InsecureSetting(f"{name.upper()} must be set in the environment (no default).")
        return value.get_secret_value()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
