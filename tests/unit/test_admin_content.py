"""Catalogue editing: escaping, validation, audit before/after, freshness, live version,
the pay-table reminder, and import/export round trips."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import answers, io
from bot.catalogue.models import PayBand, Role
from bot.catalogue.service import CatalogueService
from bot.web.admin.dashboard import pay_status
from bot.web.admin.models import AuditLog
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import login, post, role_form, token

env = support.env  # the fixture: a migrated database with the admin mounted

XSS = "Play <script>alert(1)</script> specialist"


def _create_role(c, **changes):
    return post(c, "/admin/role/create", role_form(**changes), "/admin/role/create")


def _errors(html: str) -> str:
    return " ".join(re.findall(r'(?:alert-danger|invalid-feedback)[^>]*>([^<]+)<', html))


def _role(env, slug="hospital-play-specialist") -> Role | None:
    with env.sm() as s:
        role = s.scalar(select(Role).where(Role.slug == slug))
        if role:
            _ = role.aliases, [link.route for link in role.route_links]
        return role


def test_a_script_in_a_title_is_escaped_in_the_admin(env):
    c = login(env)
    assert _create_role(c, title=XSS).status_code == 302
    role_id = _role(env).id
    for page in ("/admin/role/list", f"/admin/role/details/{role_id}", f"/admin/role/edit/{role_id}"):
        html = c.get(page).text
        assert "<script>alert(1)</script>" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page


def test_bot_replies_keep_the_title_as_plain_text(env):
    c = login(env)
    _create_role(c, title=XSS)
    service = CatalogueService(lambda: SqlUnitOfWork(env.sm), refresh_seconds=0)
    reply = answers.role_info(service.role("hospital-play-specialist"))
    assert XSS in reply.text  # unchanged: no HTML added or entity-encoded; the widget escapes it
    assert "&lt;" not in reply.text


def test_every_catalogue_field_and_alias_is_editable(env):
    c = login(env)
    resp = _create_role(c, alias_lines="play specialist\nhospital play worker",
                        entry_route_slugs="degree", tags=["people", "children"],
                        registration_body="", pay_note="")
    assert resp.status_code == 302, _errors(resp.text)
    role = _role(env)
    assert [a.alias for a in role.aliases] == ["play specialist", "hospital play worker"]
    assert [link.route.slug for link in role.route_links] == ["degree"]
    assert role.tags == ["people", "children"] and role.band_min == "4"
    edit = c.get(f"/admin/role/edit/{role.id}").text
    for name in ("slug", "title", "career_area", "summary", "day_to_day", "entry_requirements",
                 "band_min", "band_max", "pay_note", "registration_body", "tags", "works_with",
                 "hours", "progression", "source_url", "reviewed_on", "alias_lines",
                 "entry_route_slugs"):
        assert f'name="{name}"' in edit, name
    assert "hospital play worker" in edit
    details = c.get(f"/admin/role/details/{role.id}").text
    assert "(play specialist)" in details and "(hospital play worker)" in details
    assert f"({role.route_links[0].route.name})" in details


def test_validation_messages_in_the_form(env):
    c = login(env)
    cases = {
        "source_url": ("javascript:alert(1)", "starting with http:// or https://"),
        "band_min": ("10", "Not a valid choice"),
        "reviewed_on": ("2099-01-01", "in the future"),
        "slug": ("Bad Slug", "lower-case letters"),
    }
    for field, (value, message) in cases.items():
        resp = _create_role(c, **{field: value})
        assert resp.status_code == 400, field
        assert message in _errors(resp.text), (field, _errors(resp.text))
    resp = _create_role(c, band_min="7", band_max="5")
    assert resp.status_code == 400 and "band_min is above band_max" in _errors(resp.text)
    resp = _create_role(c, slug="paramedic")
    assert resp.status_code == 400 and "already uses" in _errors(resp.text)
    resp = _create_role(c, reviewed_on="31/02/2026")
    assert resp.status_code == 400
    assert _role(env) is None


def test_changes_are_audited_with_before_and_after(env):
    c = login(env)
    _create_role(c)
    role = _role(env)
    form = role_form(title="Health play specialist", alias_lines="play specialist\nplay worker")
    resp = post(c, f"/admin/role/edit/{role.id}", form, f"/admin/role/edit/{role.id}")
    assert resp.status_code == 302, _errors(resp.text)
    with env.sm() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "role")
                         .order_by(AuditLog.id)).all()
    created, updated = rows[-2], rows[-1]
    assert created.action == "create" and created.before is None
    assert created.after["title"] == "Hospital play specialist"
    assert updated.action == "update" and updated.actor == "admin@example.org"
    assert updated.before == {"title": "Hospital play specialist", "aliases": ["play specialist"]}
    assert updated.after == {"title": "Health play specialist",
                             "aliases": ["play specialist", "play worker"]}
    assert c.get("/admin/audit-log/list").text.count("Health play specialist") >= 1


def test_saving_a_role_changes_the_catalogue_version(env):
    def version():
        with SqlUnitOfWork(env.sm) as uow:
            return uow.catalogue.version()

    c = login(env)
    first = version()
    _create_role(c)
    second = version()
    assert second != first and second[0] == first[0] + 1
    role = _role(env)
    # an alias-only change still changes the version (the role row is stamped)
    post(c, f"/admin/role/edit/{role.id}", role_form(alias_lines="play lead"),
         f"/admin/role/edit/{role.id}")
    assert version() != second
    service = CatalogueService(lambda: SqlUnitOfWork(env.sm), refresh_seconds=0)
    assert service.resolve("what does a play lead do").role.slug == "hospital-play-specialist"


def test_roles_not_reviewed_for_a_year_are_flagged(env):
    with env.sm() as s:
        s.scalar(select(Role).where(Role.slug == "porter")).reviewed_on = (
            dt.date.today() - dt.timedelta(days=400))
        s.commit()
    c = login(env)
    listing = c.get("/admin/role/list").text
    assert listing.count("review due") == 1 and "1 roles have not been reviewed" in listing
    due = c.get("/admin/role/list?freshness=due").text
    assert "Porter" in due and "Paramedic" not in due
    fresh = c.get("/admin/role/list?freshness=ok").text
    assert "Porter" not in fresh and "Paramedic" in fresh
    porter = _role(env, "porter")
    for page in ("/admin/role/list", f"/admin/role/details/{porter.id}"):
        html = c.get(page).text
        assert f'href="{porter.source_url}"' in html and "Reviewed on" in html, page
        assert f"{porter.reviewed_on} <span" in html, page


def test_pay_table_reminder(env):
    with env.sm() as s:
        year = s.scalar(select(PayBand.pay_year))
    start = int(year[:4])
    assert pay_status(env.sm, today=dt.date(start + 1, 3, 31))["due"] is False
    status = pay_status(env.sm, today=dt.date(start + 1, 4, 1))
    assert status["due"] and f"1 April {start + 1}" in status["message"]
    c = login(env)
    assert 'id="pay-reminder"' in c.get("/admin/pay-band/list").text
    assert 'id="pay-reminder"' in c.get("/admin/").text


def test_pay_band_validation(env):
    c = login(env)
    form = {"pay_year": "2026/28", "nation": "England", "band": "5", "minimum": "40000",
            "maximum": "30000", "source_url": "https://www.nhsemployers.org/pay",
            "reviewed_on": dt.date.today().isoformat(), "save": "Save"}
    resp = post(c, "/admin/pay-band/create", form, "/admin/pay-band/create")
    assert resp.status_code == 400 and "second year must follow" in _errors(resp.text)
    resp = post(c, "/admin/pay-band/create", {**form, "pay_year": "2026/27"}, "/admin/pay-band/create")
    assert resp.status_code == 400 and "minimum is above maximum" in _errors(resp.text)
    resp = post(c, "/admin/pay-band/create", {**form, "pay_year": "2026/27", "maximum": "45000"},
                "/admin/pay-band/create")
    assert resp.status_code == 302
    assert pay_status(env.sm)["year"] == "2026/27"


def test_export_and_import_round_trip(env, tmp_path):
    c = login(env)
    _create_role(c, title="Play specialist, \"quoted\"\nand a new line")
    yaml_text = c.get("/admin/catalogue-io/export.yaml").text
    csv_text = c.get("/admin/catalogue-io/export.csv").text
    original = io.dump(SqlUnitOfWork(env.sm))
    for name, body in (("c.yaml", yaml_text), ("r.csv", csv_text)):
        path = tmp_path / name
        path.write_text(body, "utf-8")
        assert io.read(path).roles == original.roles, name
    assert io.read(tmp_path / "c.yaml") == original
    edited = yaml_text
    resp = c.post("/admin/catalogue-io/upload", follow_redirects=False,
                  files={"file": ("c.yaml", edited.replace("title: Porter", "title: Hospital porter"),
                                  "application/x-yaml")},
                  data={"csrf_token": token(c.get("/admin/catalogue-io").text)})
    assert resp.status_code == 303
    assert "Imported" in c.get("/admin/catalogue-io").text
    assert _role(env, "porter").title == "Hospital porter"
    with env.sm() as s:
        audit = s.scalar(select(AuditLog).where(AuditLog.action == "import"))
    assert audit.entity == "roles" and audit.before["title"] == "Porter"
    assert audit.after["title"] == "Hospital porter"


def test_a_bad_import_changes_nothing(env):
    c = login(env)
    page = c.get("/admin/catalogue-io").text
    bad = "slug,title\nnot ok,X\n"
    resp = c.post("/admin/catalogue-io/upload", follow_redirects=False,
                  files={"file": ("roles.csv", bad, "text/csv")},
                  data={"csrf_token": token(page)})

    assert resp.status_code == 303
    assert "Nothing imported" in c.get("/admin/catalogue-io").text
