"""Typed settings read from the environment (and an optional ``.env`` file).

Secrets have no defaults: code that needs one calls :func:`require` and gets a clear error
when it is missing or is a well-known placeholder.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"

_PLACEHOLDERS = {"changeme", "changethis", "secret", "password", "token", "test", "admin"}


class InsecureSetting(RuntimeError):
    """A required secret is missing or is a placeholder."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT / ".env", extra="ignore")

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

    def tracker_database_url(self) -> str:
        if self.tracker_url:
            return self.tracker_url
        if self.tracker_dialect == "sqlite":
            return f"sqlite:///{self.tracker_db}"
        raise ValueError("set TRACKER_URL for a tracker store that is not SQLite")

    @field_validator("rasa_auth_token", "secret_key")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        raw = value.get_secret_value()
        if raw.lower() in _PLACEHOLDERS or len(raw) < 16:
            raise ValueError("is a placeholder or shorter than 16 characters; generate one "
                             "with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return value

    def require(self, name: str) -> str:
        """Return the secret ``name`` or raise :class:`InsecureSetting`."""
        value = getattr(self, name)
        if value is None:
            raise InsecureSetting(f"{name.upper()} must be set in the environment (no default).")
        return value.get_secret_value()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
