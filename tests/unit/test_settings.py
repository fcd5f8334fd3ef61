import pytest

from bot.settings import InsecureSetting, Settings


def test_database_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    s = Settings(_env_file=None)
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/careers.db")


def test_missing_secret_is_refused(monkeypatch):
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    with pytest.raises(InsecureSetting, match="RASA_AUTH_TOKEN"):
        Settings(_env_file=None).require("rasa_auth_token")


@pytest.mark.parametrize("value", ["changeme", "secret", "short"])
def test_placeholder_secrets_are_refused(monkeypatch, value):
    monkeypatch.setenv("SECRET_KEY", value)
    with pytest.raises(ValueError):
        Settings(_env_file=None)


def test_real_secret_is_accepted(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 8 + "Q2x9-vL_03pZ")
    assert Settings(_env_file=None).require("secret_key").endswith("03pZ")
