"""Login: argon2 hashes, rate-limited failures (per email+IP and per IP), clear messages."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.web.admin.auth import MAX_FAILURES, MAX_IP_FAILURES, WINDOW, StaffError, add_staff, attempt_login
from bot.web.admin.models import AuditLog, StaffUser
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import ADMIN, EDITOR, client, token

env = support.env  # the fixture: a migrated database with the admin mounted


def _try(c, email, password):
    page = c.get("/admin/login")
    return c.post("/admin/login", data={"username": email, "password": password,
                                        "csrf_token": token(page.text)}, follow_redirects=False)



def test_passwords_are_argon2_hashes(env):
    with env.sm() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.email == ADMIN[0]))
    assert user.password_hash.startswith("$argon2id$")
    assert ADMIN[1] not in user.password_hash


def test_wrong_password_gets_a_plain_message(env):
    resp = _try(client(env), ADMIN[0], "not the password at all")
    assert resp.status_code == 400 and "don&#39;t match" in resp.text
    assert _try(client(env), "nobody@example.org", "whatever whatever").status_code == 400


def test_failed_logins_are_rate_limited_per_email_and_ip(env):
    c = client(env)
    for _ in range(MAX_FAILURES):
        assert _try(c, ADMIN[0], "wrong wrong wrong").status_code == 400
    blocked = _try(c, ADMIN[0], ADMIN[1])  # even the right password, for now
    assert blocked.status_code == 429 and "Too many failed attempts" in blocked.text
    assert _try(c, EDITOR[0], EDITOR[1]).status_code == 302  # another account is not blocked


def test_the_block_lifts_after_the_window(env):
    now = dt.datetime.now(dt.timezone.utc)
    for _ in range(MAX_FAILURES):
        assert attempt_login(env.sm, ADMIN[0], "wrong", "10.0.0.1", clock=lambda: now)[1] == "wrong"
    assert attempt_login(env.sm, ADMIN[0], ADMIN[1], "10.0.0.1", clock=lambda: now)[1] == "limited"
    assert attempt_login(env.sm, ADMIN[0], ADMIN[1], "10.0.0.2", clock=lambda: now)[1] == "ok"
    later = now + WINDOW + dt.timedelta(seconds=1)
    assert attempt_login(env.sm, ADMIN[0], ADMIN[1], "10.0.0.1", clock=lambda: later)[1] == "ok"


def test_one_ip_guessing_many_emails_is_blocked(env):
    now = dt.datetime.now(dt.timezone.utc)
    for n in range(MAX_IP_FAILURES):
        attempt_login(env.sm, f"guess{n}@example.org", "x", "10.9.9.9", clock=lambda: now)
    assert attempt_login(env.sm, EDITOR[0], EDITOR[1], "10.9.9.9", clock=lambda: now)[1] == "limited"


def test_a_success_resets_the_count(env):
    now = dt.datetime.now(dt.timezone.utc)
    for _ in range(MAX_FAILURES - 1):
        attempt_login(env.sm, ADMIN[0], "wrong", "10.0.0.3", clock=lambda: now)
    assert attempt_login(env.sm, ADMIN[0], ADMIN[1], "10.0.0.3", clock=lambda: now)[1] == "ok"
    later = now + dt.timedelta(seconds=1)
    for _ in range(MAX_FAILURES - 1):
        attempt_login(env.sm, ADMIN[0], "wrong", "10.0.0.3", clock=lambda: later)
    assert attempt_login(env.sm, ADMIN[0], ADMIN[1], "10.0.0.3", clock=lambda: later)[1] == "ok"


def test_disabled_accounts_cannot_log_in(env):
    with env.sm() as s:
        s.scalar(select(StaffUser).where(StaffUser.email == EDITOR[0])).active = False
        s.commit()
    assert _try(client(env), EDITOR[0], EDITOR[1]).status_code == 400


def test_account_rules(env):
    with pytest.raises(StaffError):
        add_staff(env.sm, "short@example.org", "too short", "editor")
    with pytest.raises(StaffError):
        add_staff(env.sm, "x@example.org", "long enough password 1", "superuser")
    with pytest.raises(StaffError):
        add_staff(env.sm, ADMIN[0], "long enough password 1", "editor")  # exists
    with pytest.raises(StaffError):
        add_staff(env.sm, "not-an-email", "long enough password 1", "editor")
    with env.sm() as s:
        created = s.scalars(select(AuditLog).where(AuditLog.entity == "staff-user")).all()
    assert {a.summary for a in created} == {ADMIN[0], EDITOR[0]}
    assert all("password" not in str(a.after) for a in created)


def test_cli_staff_commands(env, monkeypatch, capsys):
    import io

    from bot import cli
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", env.url)
    get_settings.cache_clear()
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("a fresh long password 55\n"))
        assert cli.main(["staff", "add", "new@example.org", "--role", "editor"]) == 0
        assert cli.main(["staff", "list"]) == 0
        assert "new@example.org\teditor\tactive" in capsys.readouterr().out
        assert cli.main(["staff", "disable", "new@example.org"]) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
        assert cli.main(["staff", "add", "other@example.org", "--role", "admin"]) == 2
    finally:
        get_settings.cache_clear()
    assert _try(client(env), "new@example.org", "a fresh long password 55").status_code == 400


def test_head_requests_are_not_login_attempts(env):
    from sqlalchemy import func

    from bot.web.admin.models import LoginAttempt

    c = client(env)
    for _ in range(3):
        assert c.head("/admin/login").status_code == 200
    with env.sm() as s:
        assert s.scalar(select(func.count(LoginAttempt.id))) == 0
