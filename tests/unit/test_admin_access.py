"""Every admin route needs a login; editors can't reach staff or the audit log; sessions."""
from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.web.admin.app import mount_admin
from bot.web.admin.auth import ADMIN_ONLY, IDLE_SECONDS, disable_staff
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import ADMIN, EDITOR, client, login, token

env = support.env  # the fixture: a migrated database with the admin mounted

PUBLIC = {"/login", "/logout", "/_csrf.js"}
SAMPLE = {"pk": "1", "export_type": "csv", "column_name": "title", "fmt": "yaml", "rest": "x"}


def admin_requests(env, identities=None):
    """(method, path) for every route of the admin, each {identity} filled with every view."""
    views = [v.identity for v in env.admin.views if getattr(v, "is_model", False)]
    out = []
    for route in env.admin.admin.routes:
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        if route.path in PUBLIC:
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
        for identity in (views if "identity" in names else [None]):
            if identities is not None and identity is not None and identity not in identities:
                continue
            path = route.path
            for name in names:
                value = identity if name == "identity" else SAMPLE[name]
                path = re.sub(r"{" + name + r"(?::\w+)?}", value, path)
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                out.append((method, "/admin" + path))
    return out


def test_route_list_covers_every_view_and_custom_page(env):
    paths = {p for _, p in admin_requests(env)}
    for identity in ("role", "entry-route", "content-item", "pay-band", "event", "event-session",
                     "booking", "waiting-list", "safeguarding-flag", "handoff-request",
                     "staff-user", "audit-log", "login-attempt"):
        for action in ("list", "create", "edit/1", "details/1", "delete", "export/csv"):
            assert f"/admin/{identity}/{action}" in paths
    for custom in ("/admin/", "/admin/catalogue-io", "/admin/catalogue-io/export.yaml",
                   "/admin/catalogue-io/upload", "/admin/booking/cancel-confirmed",
                   "/admin/booking/action/cancel", "/admin/event-session/1/bookings.csv",
                   "/admin/safeguarding-flag/resolve-confirmed"):
        assert custom in paths
    assert len(paths) > 140


def _refused(resp) -> bool:
    if resp.status_code in (401, 403):
        return True
    return resp.status_code in (302, 303, 307) and "/admin/login" in resp.headers["location"]


def test_every_route_needs_a_login(env):
    c = client(env)
    csrf = token(c.get("/admin/login").text)  # a session with a token, but nobody logged in
    for method, path in admin_requests(env):
        bare = c.request(method, path, follow_redirects=False)
        assert _refused(bare), f"{method} {path} answered {bare.status_code} without a login"
        if method != "GET":
            with_token = c.request(method, path, headers={"X-CSRF-Token": csrf},
                                   follow_redirects=False)
            assert _refused(with_token), f"{method} {path}: {with_token.status_code} with a token"
            assert with_token.status_code != 200


def test_public_routes_show_no_data(env):
    c = client(env)
    assert c.get("/admin/login").status_code == 200
    page = c.get("/admin/logout")
    assert "Log out?" in page.text and "sam0@example.com" not in page.text
    assert c.get("/admin/_csrf.js").headers["content-type"].startswith("text/javascript")


def test_editor_cannot_reach_staff_or_audit(env):
    c = login(env, EDITOR)
    csrf = token(c.get("/admin/").text)
    requests = admin_requests(env, identities=ADMIN_ONLY)
    assert requests
    for method, path in requests:
        if not any(f"/admin/{i}/" in path for i in ADMIN_ONLY):
            continue
        resp = c.request(method, path, headers={"X-CSRF-Token": csrf}, follow_redirects=False)
        assert resp.status_code == 403, f"editor got {resp.status_code} from {method} {path}"
    home = c.get("/admin/").text
    assert "/admin/staff-user/list" not in home and "/admin/audit-log/list" not in home
    assert c.get("/admin/role/list").status_code == 200
    assert c.get("/admin/booking/list").status_code == 200


def test_admin_reaches_staff_and_audit(env):
    c = login(env, ADMIN)
    assert c.get("/admin/staff-user/list").status_code == 200
    audit = c.get("/admin/audit-log/list")
    assert audit.status_code == 200 and "editor@example.org" in audit.text


def test_cookie_flags(env):
    c = client(env)
    page = c.get("/admin/login")
    resp = c.post("/admin/login", data={"username": ADMIN[0], "password": ADMIN[1],
                                        "csrf_token": token(page.text)}, follow_redirects=False)
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
    assert "secure" not in cookie  # PUBLIC_URL is http here
    assert resp.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]


def test_secure_cookie_when_public_url_is_https(env):
    app = Starlette()
    mount_admin(app, engine=env.sm.kw["bind"],
                settings=Settings(secret_key="x" * 40, database_url=env.url,
                                  public_url="https://careers.example.org"))
    c = TestClient(app, base_url="https://careers.example.org")
    page = c.get("/admin/login")
    resp = c.post("/admin/login", data={"username": ADMIN[0], "password": ADMIN[1],
                                        "csrf_token": token(page.text)}, follow_redirects=False)

    assert "secure" in resp.headers["set-cookie"].lower()


def test_without_secret_key_the_admin_is_off_with_a_reason(env):
    app = Starlette()
    assert mount_admin(app, settings=Settings(secret_key=None, database_url=env.url)) is None
    resp = TestClient(app).get("/admin/role/list")
    assert resp.status_code == 503 and "SECRET_KEY" in resp.text


def test_placeholder_secret_is_refused():
    with pytest.raises(ValueError):
        Settings(secret_key="changeme")


def test_idle_timeout_logs_out(env):
    c = login(env, ADMIN)
    assert c.get("/admin/role/list").status_code == 200
    auth = env.admin.authentication_backend
    real = auth.clock
    auth.clock = lambda: real() + IDLE_SECONDS + 5
    try:
        resp = c.get("/admin/role/list", follow_redirects=False)
    finally:
        auth.clock = real
    assert resp.status_code == 302 and "expired=1" in resp.headers["location"]
    assert c.get("/admin/role/list", follow_redirects=False).status_code == 302  # still out


def test_logout_needs_the_token_and_ends_the_session(env):
    c = login(env, ADMIN)
    home = c.get("/admin/")
    link = re.search(r'href="([^"]*/logout\?csrf_token=[^"]+)"', home.text)
    assert link, "the logout link carries the CSRF token"
    c.get("/admin/logout", follow_redirects=False)  # no token: only a confirmation page
    assert c.get("/admin/role/list", follow_redirects=False).status_code == 200
    out = c.get(link.group(1), follow_redirects=False)
    assert out.status_code == 302 and "/admin/login" in out.headers["location"]
    assert c.get("/admin/role/list", follow_redirects=False).status_code == 302


def test_disabling_an_account_ends_its_sessions(env):
    c = login(env, EDITOR)
    assert c.get("/admin/role/list").status_code == 200
    disable_staff(env.sm, EDITOR[0], actor="test")
    assert c.get("/admin/role/list", follow_redirects=False).status_code == 302


def test_no_default_account(tmp_path):
    from sqlalchemy import func, select

    from bot.db import make_engine, upgrade
    from bot.web.admin.models import StaffUser

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(StaffUser)).scalar() == 0
    engine.dispose()
