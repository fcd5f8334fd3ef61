"""CSRF: every unsafe request needs the session's token and a same-origin source; every form
the admin serves carries the token."""
from __future__ import annotations

import re

from bot.web.admin.csrf import inject
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import ADMIN, client, login, post, role_form, token

env = support.env  # the fixture: a migrated database with the admin mounted


def test_post_without_or_with_a_wrong_token_is_refused(env):
    c = login(env)
    form = role_form()
    assert c.post("/admin/role/create", data=form).status_code == 403
    assert c.post("/admin/role/create", data={**form, "csrf_token": "forged"}).status_code == 403
    assert c.post("/admin/role/create", data=form, headers={"X-CSRF-Token": ""}).status_code == 403
    resp = post(c, "/admin/role/create", form, form_page="/admin/role/create")
    assert resp.status_code == 302, resp.text[-1500:]


def test_multipart_posts_are_checked_too(env):
    c = login(env)
    files = {"file": ("roles.csv", b"slug\n", "text/csv")}
    assert c.post("/admin/catalogue-io/upload", files=files).status_code == 403
    good = c.post("/admin/catalogue-io/upload", files=files, follow_redirects=False,
                  data={"csrf_token": token(c.get("/admin/catalogue-io").text)})
    assert good.status_code == 303


def test_delete_needs_the_header(env):
    c = login(env)
    csrf = token(c.get("/admin/").text)
    url = "/admin/content-item/delete?pks=999"
    assert c.delete(url).status_code == 403
    assert c.delete(url, headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert c.delete(url, headers={"X-CSRF-Token": csrf}).status_code == 200


def test_cross_site_requests_are_refused_even_with_the_token(env):
    c = login(env)
    csrf = token(c.get("/admin/").text)
    data = {**role_form(), "csrf_token": csrf}
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page"}, {"Sec-Fetch-Site": "cross-site"}):
        assert c.post("/admin/role/create", data=data, headers=headers).status_code == 403, headers
    same = c.post("/admin/role/create", data=data, headers={"Origin": "http://testserver"},
                  follow_redirects=False)
    assert same.status_code == 302


def test_login_form_is_protected_and_the_token_changes_at_login(env):
    c = client(env)
    before = token(c.get("/admin/login").text)
    refused = c.post("/admin/login", data={"username": ADMIN[0], "password": ADMIN[1]})
    assert refused.status_code == 403
    c.post("/admin/login", data={"username": ADMIN[0], "password": ADMIN[1], "csrf_token": before},
           follow_redirects=False)
    after = token(c.get("/admin/").text)
    assert after != before  # a token seen before login is worthless afterwards
    assert post(c, "/admin/role/create", role_form(), "/admin/role/create").status_code == 302


def test_every_form_on_every_page_carries_the_token(env):
    c = login(env)
    pages = ["/admin/", "/admin/catalogue-io", "/admin/booking/action/cancel?pks=1",
             "/admin/staff-user/create"]
    for view in env.admin.views:
        if getattr(view, "is_model", False):
            pages += [f"/admin/{view.identity}/list", f"/admin/{view.identity}/create",
                      f"/admin/{view.identity}/edit/1"]

    checked = 0
    for page in pages:
        resp = c.get(page)
        if resp.status_code != 200:
            continue
        csrf = token(resp.text)
        assert '/_csrf.js"' in resp.text
        for form in re.findall(r"<form\b[^>]*>.*?</form>", resp.text, re.DOTALL | re.IGNORECASE):
            if re.search(r'method\s*=\s*["\']?post', form, re.IGNORECASE):
                assert f'name="csrf_token" value="{csrf}"' in form, (page, form[:200])
                checked += 1
    assert checked >= 10


def test_inject_covers_forms_meta_script_and_logout():
    html = ('<html><head></head><body><form method="post" action="/x"></form>'
            "<form method='GET'></form><a href=\"/admin/logout\">out</a></body></html>")
    out = inject(html, "T0K", "/admin")
    assert out.count('name="csrf_token" value="T0K"') == 1
    assert '<meta name="csrf-token" content="T0K">' in out
    assert '<script src="/admin/_csrf.js"></script>' in out
    assert 'href="/admin/logout?csrf_token=T0K"' in out


def test_state_never_changes_on_get(env):
    c = login(env)
    page = c.get("/admin/booking/action/cancel?pks=1")
    assert page.status_code == 200 and "Cancel these bookings?" in page.text
    from bot.bookings.models import Booking

    with env.sm() as s:
        assert s.get(Booking, 1).status == "confirmed"
