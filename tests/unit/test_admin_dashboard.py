"""The dashboard: charts from the tracker store and the app's tables, fallback questions with
contact details removed, nothing about safety and no contact details on the page."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

from bot.bookings.models import MessageKind, OutboxMessage, OutboxState
from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.web.admin.dashboard import bar_chart, conversations, redact
from tests.unit import test_admin_support as support
from tests.unit.test_admin_support import login

env = support.env  # the fixture: a migrated database with the admin mounted

SCHEMA = ("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
          "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
          "action_name VARCHAR(255), data TEXT)")


def make_tracker(path, now: dt.datetime) -> None:
    rows = []

    def user(sender, text, channel="rest", intent="ask_role_info", days=0):
        ts = (now - dt.timedelta(days=days)).timestamp()
        rows.append((sender, "user", ts, intent, None, json.dumps(
            {"event": "user", "timestamp": ts, "text": text, "input_channel": channel,
             "parse_data": {"intent": {"name": intent}, "entities": []}})))

    def slot(sender, value):
        rows.append((sender, "slot", now.timestamp(), None, "role",
                     json.dumps({"event": "slot", "name": "role", "value": value})))

    def action(sender, name):
        rows.append((sender, "action", now.timestamp(), None, name,
                     json.dumps({"event": "action", "name": name})))

    user("a", "how do I become a paramedic?")
    slot("a", "paramedic")
    user("b", "what does a porter do", channel="telegram", days=1)
    slot("b", "porter")
    user("c", "paramedic pay please")
    slot("c", "paramedic")
    user("d", "can you help with zorbing, mail me at kid@example.com", intent="nlu_fallback")
    user("e", "what about a gribbleshaw job 07700 900123")
    action("e", "action_fallback")
    user("f", "I want to kill myself", intent="nlu_fallback")
    user("g", "ring me on 07700900123 about the SW1A 1AA thing", intent="nlu_fallback")
    user("old", "ancient history", days=90)
    with sqlite3.connect(path) as conn:
        conn.execute(SCHEMA)
        conn.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, "
                         "action_name, data) VALUES (?, ?, ?, ?, ?, ?)", rows)


def test_conversation_figures(tmp_path):
    now = dt.datetime.now(dt.timezone.utc)
    make_tracker(tmp_path / "t.db", now)
    got = conversations(f"sqlite:///{tmp_path / 't.db'}", now=now)
    assert got["available"] and got["channels"] == ["rest", "telegram"]
    today, yesterday = now.date().isoformat(), (now - dt.timedelta(days=1)).date().isoformat()
    days = dict(got["per_day"])
    assert days[today]["rest"] == 6 and days[yesterday]["telegram"] == 1
    assert got["roles"][0] == ("paramedic", 2)
    texts = [text for text, _ in got["unanswered"]]
    assert any("zorbing" in t for t in texts) and any("gribbleshaw" in t for t in texts)
    joined = " ".join(texts)
    assert "kid@example.com" not in joined and "07700" not in joined and "SW1A" not in joined
    assert "kill myself" not in joined  # safeguarding disclosures are never shown
    assert "ancient history" not in joined


def test_missing_or_broken_tracker_store_gives_empty_charts(tmp_path):
    assert conversations(f"sqlite:///{tmp_path / 'none.db'}")["available"] is False
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE x (y INT)").connection.close()
    assert conversations(f"sqlite:///{tmp_path / 'other.db'}")["available"] is False


def test_tracker_store_is_opened_read_only(tmp_path):
    make_tracker(tmp_path / "t.db", dt.datetime.now(dt.timezone.utc))
    from bot.web.admin.dashboard import _tracker_engine

    engine = _tracker_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as conn:
        try:
            conn.exec_driver_sql("DELETE FROM events")
            raise AssertionError("the tracker store must be read-only")
        except Exception as exc:  # noqa: BLE001
            assert "readonly" in str(exc).lower()


def test_dashboard_page(env):
    now = dt.datetime.now(dt.timezone.utc)
    make_tracker(env.tmp / "tracker.db", now)
    with env.sm() as s:
        s.add(SafeguardingFlag(created_at=now, channel="rest", sender_id="x", concerns=["abuse"],
                               status="open", notes=""))
        s.add(HandoffRequest(created_at=now, channel="rest", sender_id="y", contact_method="phone",
                             contact_value="+447700900999", first_name="Jo", topic="",
                             consent=True, status="open"))
        s.commit()
    html = login(env).get("/admin/").text
    for label in ("Conversations per day and channel", "Most-asked roles",
                  "Bookings and attendance per session", "Open casework"):
        assert f'aria-label="{label}"' in html
    assert ">Paramedic<" in html and "zorbing" in html and "[email removed]" in html
    assert "Safeguarding flags</a>:\n        1 open" in html
    for secret in ("kid@example.com", "sam0@example.com", "+447700900999", "07700", "kill myself"):
        assert secret not in html, secret
    assert "<script>" not in html.split("<body>")[1].replace('<script src=', '')


def test_chart_labels_are_escaped():
    svg = str(bar_chart([("<b>x</b>", {"n": 3})], ["n"], "t"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_redact():
    assert redact("email me: a.b@c.co.uk or +44 7700 900123, LS1 4AP") == (
        "email me: [email removed] or [number removed], [postcode removed]")

    assert len(redact("x" * 500)) == 120


def test_failed_staff_alerts_are_shown_on_the_dashboard(env):
    now = dt.datetime.now(dt.timezone.utc)
    assert 'id="staff-alerts-failed"' not in login(env).get("/admin/").text
    with env.sm() as s:
        s.add(OutboxMessage(kind=MessageKind.STAFF_ALERT.value, channel="email", personalisation={},
                            due_at=now, next_attempt_at=now, state=OutboxState.FAILED.value,
                            attempts=1, last_error="400: bad template", created_at=now))
        s.commit()
    html = login(env).get("/admin/").text
    assert 'id="staff-alerts-failed"' in html and "1 in the last 7 days" in html
