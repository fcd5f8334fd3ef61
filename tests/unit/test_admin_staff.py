"""Staff accounts from the admin: argon2 passwords, never in the audit log, the last admin kept."""
from __future__ import annotations

from sqlalchemy import select

from bot.web.admin.models import AuditLog, StaffUser
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import ADMIN, client, login, post, token

env = support.env  # the fixture: a migrated database with the admin mounted


def _staff_form(**changes) -> dict:
    form = {"email": "New.Person@Example.org", "role": "editor", "active": "y",
            "new_password": "granite sparrow 6620 kite", "save": "Save"}
    form.update(changes)
    return form


def _user(env, email):
    with env.sm() as s:
        return s.scalar(select(StaffUser).where(StaffUser.email == email))


def test_an_admin_adds_an_editor_who_can_then_log_in(env):
    c = login(env)
    resp = post(c, "/admin/staff-user/create", _staff_form(), "/admin/staff-user/create")
    assert resp.status_code == 302, resp.text[-1500:]
    user = _user(env, "new.person@example.org")
    assert user.role == "editor" and user.password_hash.startswith("$argon2id$")
    other = client(env)
    page = other.get("/admin/login")
    ok = other.post("/admin/login", follow_redirects=False, data={
        "username": "new.person@example.org", "password": "granite sparrow 6620 kite",
        "csrf_token": token(page.text)})
    assert ok.status_code == 302
    with env.sm() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.entity == "staff-user")
                          .order_by(AuditLog.id.desc())).first()
    assert entry.actor == ADMIN[0] and "granite" not in str(entry.after)
    assert "password_hash" not in (entry.after or {})


def test_weak_or_missing_passwords_are_refused(env):
    c = login(env)
    for password in ("", "short"):
        resp = post(c, "/admin/staff-user/create", _staff_form(new_password=password),
                    "/admin/staff-user/create")

        assert resp.status_code == 400 and "at least 12 characters" in resp.text
    assert _user(env, "new.person@example.org") is None


def test_the_last_active_admin_cannot_be_demoted_or_disabled(env):
    c = login(env)
    me = _user(env, ADMIN[0])
    path = f"/admin/staff-user/edit/{me.id}"
    resp = post(c, path, _staff_form(email=ADMIN[0], role="editor", new_password=""), path)
    assert resp.status_code == 400 and "last active admin" in resp.text
    assert _user(env, ADMIN[0]).role == "admin"


def test_changing_a_password_ends_that_persons_sessions(env):
    from tests.unit.test_admin_support import EDITOR

    editor = login(env, EDITOR)
    assert editor.get("/admin/role/list").status_code == 200
    c = login(env)
    user = _user(env, EDITOR[0])
    path = f"/admin/staff-user/edit/{user.id}"
    resp = post(c, path, _staff_form(email=EDITOR[0], new_password="brand new pass 8080 x"), path)
    assert resp.status_code == 302, resp.text[-1000:]
    assert editor.get("/admin/role/list", follow_redirects=False).status_code == 302
    assert _user(env, EDITOR[0]).password_hash != user.password_hash


def test_staff_accounts_are_never_deleted(env):
    c = login(env)
    csrf = token(c.get("/admin/").text)
    assert c.delete("/admin/staff-user/delete?pks=2", headers={"X-CSRF-Token": csrf}).status_code == 403
    assert c.get("/admin/audit-log/edit/1").status_code == 403
    assert c.get("/admin/audit-log/create").status_code == 403
