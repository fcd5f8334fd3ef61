"""The staff admin in a real headless Chromium (Debian's /usr/bin/chromium via Playwright).

Starts only the web app (uvicorn) on a free port with a temporary database, a staff account,
the seed catalogue, sample events and a small tracker store, then: log in, look at the
dashboard (screenshot: var/artefacts/admin-dashboard.png), edit a role and see it listed,
and delete a content item through SQLAdmin's AJAX call (which needs our CSRF header script),
with no Content-Security-Policy violations on the way.
"""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import sessionmaker

from bot.bookings.seed import seed_events
from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.cli import SEED_DIR
from bot.db import make_engine, upgrade
from bot.settings import ROOT
from bot.web.admin.auth import add_staff
from tests.browser.helpers import web_app
from tests.e2e.stack import free_port
from tests.unit.test_admin_dashboard import make_tracker
from tests.unit.test_admin_support import add_event

pytestmark = pytest.mark.e2e
EMAIL, PASSWORD = "browser.admin@example.org", "harbour quartz 3141 fern"


@pytest.fixture(scope="module")
def admin_web(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("admin-web")
    url = f"sqlite:///{tmp / 'careers.db'}"
    upgrade(url)
    engine = make_engine(url)
    sm = sessionmaker(bind=engine, expire_on_commit=False)
    io.load(SqlUnitOfWork(sm), io.read(SEED_DIR))
    seed_events(SqlUnitOfWork(sm))
    add_event(sm, capacity=8, statuses=("confirmed",) * 4 + ("attended", "offered", "waiting"))
    add_staff(sm, EMAIL, PASSWORD, "admin")
    engine.dispose()
    make_tracker(tmp / "tracker.db", dt.datetime.now(dt.timezone.utc))
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=url, TRACKER_DB=str(tmp / "tracker.db"),
               TRACKER_DIALECT="sqlite", SECRET_KEY="browser-test-only-7d1e0c9b3a5f4e2d8c6b",
               PUBLIC_URL=f"http://127.0.0.1:{port}")
    with web_app("admin-web", port, env, tmp / "web.log") as url:
        yield url


def test_log_in_see_dashboard_edit_a_role_and_delete(new_page, admin_web, artefacts):
    page = new_page(1400, 1000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(admin_web + "/admin/")
    expect(page.get_by_role("heading", name="Staff login")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.locator("#pay-reminder")).to_be_visible()
    expect(page.locator("svg[aria-label='Conversations per day and channel']")).to_be_visible()
    expect(page.locator("svg[aria-label='Bookings and attendance per session']")).to_be_visible()
    expect(page.locator("#unanswered")).to_contain_text("zorbing")
    page.screenshot(path=artefacts / "admin-dashboard.png", full_page=True)

    page.goto(admin_web + "/admin/role/list?search=porter")
    page.locator("a[href*='/admin/role/edit/']").first.click()
    title = page.locator("input[name=title]")
    expect(title).to_have_value("Porter")
    title.fill("Hospital porter (edited in a browser)")
    page.locator("input[type=submit][value=Save]").click()
    expect(page).to_have_url(re.compile(r"/admin/role/list"))
    expect(page.locator("table").first).to_contain_text("Hospital porter (edited in a browser)")

    page.goto(admin_web + "/admin/audit-log/list")
    expect(page.locator("table").first).to_contain_text("Hospital porter (edited in a browser)")

    page.goto(admin_web + "/admin/content-item/list")
    footer = page.locator(".card-footer p")
    before = int(re.search(r"of (\d+) items", footer.inner_text()).group(1))
    page.locator("tbody tr").first.locator("[data-bs-target='#modal-delete']").click()
    page.locator("#modal-delete-button").click()  # AJAX DELETE with the X-CSRF-Token header
    expect(footer).to_contain_text(f"of {before - 1} items")

    csp = [p for p in problems if "Content Security Policy" in p or "403" in p]
    assert not csp, csp
