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


def test_allowed_origins_default_to_none(monkeypatch):
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    assert Settings(_env_file=None).allowed_origins == ()


def test_allowed_origins_are_comma_separated_and_written_as_browsers_send_them(monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", " https://www.school.example, HTTPS://Careers.School.Example:443/,"
                                          "http://127.0.0.1:8001,,https://www.school.example ")
    assert Settings(_env_file=None).allowed_origins == (
        "https://www.school.example", "https://careers.school.example", "http://127.0.0.1:8001")


@pytest.mark.parametrize("value,why", [
    ("https://www.school.example/careers", "has a path"),
    ("www.school.example", "is not an origin"),
    ("ftp://school.example", "is not an origin"),
    ("*", "is not allowed"),
    ("https://school.example:99999", "is not an origin"),
    ("https://school.example?x=1", "has a path, query"),
])
def test_invalid_allowed_origins_say_what_is_wrong(monkeypatch, value, why):
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://ok.example," + value)
    with pytest.raises(ValueError, match="allowed_origins") as caught:
        Settings(_env_file=None)
    assert why in str(caught.value) and repr(value) in str(caught.value)
