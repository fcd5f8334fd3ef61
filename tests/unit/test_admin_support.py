"""Shared fixtures and helpers for the admin tests (imported by the other test_admin_* files).

Each test gets a migrated SQLite file (Alembic up to head, so migration 0004 is exercised), the
small fixture catalogue, one event with a session and bookings, an admin and an editor, and the
admin mounted on a bare Starlette app.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.bookings.models import Booking, Event, EventSession
from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.db import make_engine, upgrade
from bot.settings import Settings
from bot.web.admin.app import mount_admin
from bot.web.admin.auth import add_staff

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECRET = "unit-test-secret-0123456789abcdef0123456789"
ADMIN = ("admin@example.org", "lantern orbit 4821 maple")
EDITOR = ("editor@example.org", "copper violet 9173 dune")


def add_event(sm, capacity: int = 5, statuses=("confirmed", "confirmed", "offered", "waiting")):
    """One published event with one session and a booking per status; returns the session id."""
    start = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=10)
    with sm() as s:
        event = Event(kind="taster_day", title="Taster day: nursing", description="A day on a ward.",
                      area="Leeds", min_age=14, accessibility="", status="published")
        session = EventSession(starts_at=start, ends_at=start + dt.timedelta(hours=6), site="LGI",
                               town="Leeds", address="Great George St", capacity=capacity,
                               status="published")
        event.sessions.append(session)
        s.add(event)
        s.flush()
        for n, status in enumerate(statuses):
            s.add(Booking(ref=f"TD-T{n:03d}", session_id=session.id, status=status, channel="rest",
                          sender_id=f"person-{n}", first_name=f"Sam{n}", contact_method="email",
                          contact_value=f"sam{n}@example.com", ics_token=f"tok{n}",
                          consent_at=start, created_at=start))
        s.commit()
        return session.id


@pytest.fixture
def env(tmp_path):
    url = f"sqlite:///{tmp_path / 'careers.db'}"
    upgrade(url)
    engine = make_engine(url)
    sm = sessionmaker(bind=engine, expire_on_commit=False)
    io.load(SqlUnitOfWork(sm), io.read(FIXTURES / "catalogue.yaml"))
    session_id = add_event(sm)
    add_staff(sm, *ADMIN, "admin")
    add_staff(sm, *EDITOR, "editor")
    app = Starlette()
    settings = Settings(secret_key=SECRET, database_url=url, public_url="http://testserver",
                        tracker_url=f"sqlite:///{tmp_path / 'tracker.db'}")
    admin = mount_admin(app, engine=engine, settings=settings)
    yield SimpleNamespace(app=app, admin=admin, sm=sm, url=url, tmp=tmp_path, session_id=session_id)
    engine.dispose()


def client(env) -> TestClient:
    return TestClient(env.app, base_url="http://testserver")


def token(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF meta tag"
    return found.group(1)


def login(env, who=ADMIN) -> TestClient:
    c = client(env)
    page = c.get("/admin/login")
    resp = c.post("/admin/login", data={"username": who[0], "password": who[1],
                                        "csrf_token": token(page.text)}, follow_redirects=False)
    assert resp.status_code == 302, resp.text
    return c


def post(c: TestClient, path: str, data: dict, form_page: str | None = None, **kw):
    """POST ``data`` with the CSRF token taken from ``form_page`` (default: the admin index)."""
    page = c.get(form_page or "/admin/")
    return c.post(path, data={**data, "csrf_token": token(page.text)}, follow_redirects=False, **kw)


def role_form(**changes) -> dict:
    form = {"slug": "hospital-play-specialist", "title": "Hospital play specialist",
            "career_area": "wider-healthcare-team",
            "summary": "You help children in hospital understand and cope with treatment.",
            "day_to_day": "", "entry_requirements": "", "band_min": "4", "band_max": "5",
            "pay_note": "", "registration_body": "", "works_with": "", "hours": "",
            "progression": "", "source_url": "https://www.healthcareers.nhs.uk/play",
            "reviewed_on": (dt.date.today() - dt.timedelta(days=30)).isoformat(),
            "alias_lines": "play specialist", "save": "Save"}
    form.update(changes)
    return form


def test_fixture_builds(env):
    assert env.admin is not None
    assert {v.identity for v in env.admin.views} >= {"role", "booking", "waiting-list", "audit-log"}
