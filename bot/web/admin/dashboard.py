"""The admin's front page: numbers staff act on, drawn as server-made SVG bars (no JS, no CDN).

Conversation figures come from Rasa's SQL tracker store (table ``events``), read with its own
engine and SELECTs only (SQLite is opened read-only); a missing store gives empty charts.
Nothing shown here is a contact detail: fallback messages have email addresses, phone numbers
and postcodes removed, and messages that look like a safeguarding disclosure are left out.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.bookings.models import Booking, Event, EventSession, MessageKind, OutboxMessage, OutboxState
from bot.bookings.statuses import BookingStatus, places_held, places_used
from bot.casework.models import HandoffRequest, SafeguardingFlag
from bot.catalogue.models import PayBand, Role
from bot.safeguarding import assess
from bot.web.admin.forms import STALE_AFTER

log = logging.getLogger(__name__)
DAYS = 14
COLOURS = ["#005eb8", "#ffb81c", "#009639", "#7c2855", "#00a499", "#425563"]
_REDACT = [
    (re.compile(r"\S+@\S+"), "[email removed]"),
    (re.compile(r"\+?\d[\d\s().-]{6,}\d"), "[number removed]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode removed]"),
]
FALLBACK_INTENT, FALLBACK_ACTION = "nlu_fallback", "action_fallback"


# -- charts --------------------------------------------------------------------------------------
def bar_chart(rows: list[tuple], series: list[str], label: str, width: int = 640) -> Markup:
    """Horizontal (stacked) bars: one row per ``(label, {series: value}[, note])``, one colour
    per series; the note (default: the row's total) is written after the bar."""
    if not rows:
        return Markup('<p class="text-muted">No data yet.</p>')
    label_w, bar_h, gap, top = 200, 18, 8, 24 if len(series) > 1 else 0
    scale_w = width - label_w - 60
    biggest = max(sum(row[1].values()) for row in rows) or 1
    parts = []
    if len(series) > 1:
        for i, name in enumerate(series):
            x = label_w + i * 120
            parts.append(Markup('<rect x="{}" y="4" width="12" height="12" fill="{}"/>'
                                '<text x="{}" y="14" font-size="12">{}</text>')
                         .format(x, COLOURS[i % len(COLOURS)], x + 16, name))
    for n, row in enumerate(rows):
        name, values = row[0], row[1]
        note = row[2] if len(row) > 2 else str(sum(values.values()))
        y = top + n * (bar_h + gap)
        parts.append(Markup('<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>')
                     .format(label_w - 8, y + 13, name[:32]))
        x = label_w
        for i, key in enumerate(series):
            w = round(values.get(key, 0) / biggest * scale_w)
            if w:
                parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                                    '<title>{}: {}</title></rect>')
                             .format(x, y, w, bar_h, COLOURS[i % len(COLOURS)], key, values[key]))
            x += w
        parts.append(Markup('<text x="{}" y="{}" font-size="12">{}</text>')
                     .format(x + 6, y + 13, note))
    height = top + len(rows) * (bar_h + gap)
    return Markup('<svg role="img" aria-label="{}" width="100%" viewBox="0 0 {} {}" '
                  'xmlns="http://www.w3.org/2000/svg">{}</svg>').format(
        label, width, height, Markup("").join(parts))


# -- the tracker store -------------------------------------------------------------------------
def _tracker_engine(url: str) -> Engine | None:
    """An engine for the tracker store, or None while it does not exist yet."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if not path or not Path(path).exists():
            return None
        return _engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    return _engine(url)


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=0)


def redact(message: str, limit: int = 120) -> str:
    message = "".join(ch if ch.isprintable() else " " for ch in message)
    for pattern, replacement in _REDACT:
        message = pattern.sub(replacement, message)
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def conversations(url: str, now: dt.datetime | None = None, days: int = 30) -> dict:
    """Conversations per day and channel, most-asked roles and unanswered questions."""
    now = now or dt.datetime.now(dt.timezone.utc)
    empty = {"available": False, "per_day": [], "channels": [], "roles": [], "unanswered": []}
    try:
        engine = _tracker_engine(url)
        if engine is None:
            return empty
        since = (now - dt.timedelta(days=days)).timestamp()
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            users = conn.execute(text(
                "SELECT id, sender_id, timestamp, intent_name, data FROM events "
                "WHERE type_name = 'user' AND timestamp >= :since ORDER BY id LIMIT 50000"),
                {"since": since}).all()
            slots = conn.execute(text(
                "SELECT sender_id, data FROM events WHERE type_name = 'slot' "
                "AND action_name = 'role' AND timestamp >= :since LIMIT 50000"), {"since": since}).all()
            fallbacks = conn.execute(text(
                "SELECT id, sender_id FROM events WHERE type_name = 'action' "
                "AND action_name = :name AND timestamp >= :since LIMIT 5000"),
                {"since": since, "name": FALLBACK_ACTION}).all()
    except Exception as exc:  # noqa: BLE001  (no tracker store yet, or another schema)
        log.warning("dashboard: cannot read the tracker store: %s", exc)
        return empty

    per_day: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    texts: dict[int, str] = {}
    by_sender: dict[str, list[int]] = defaultdict(list)
    unanswered_ids: set[int] = set()
    for row in users:
        data = _json(row.data)
        day = dt.datetime.fromtimestamp(row.timestamp or 0, dt.timezone.utc).date().isoformat()
        per_day[day][data.get("input_channel") or "unknown"].add(row.sender_id)
        texts[row.id] = str(data.get("text") or "")
        by_sender[row.sender_id].append(row.id)
        if row.intent_name == FALLBACK_INTENT:
            unanswered_ids.add(row.id)
    for action_id, sender in fallbacks:
        ids = by_sender.get(sender, [])
        i = bisect.bisect_left(ids, action_id)
        if i:
            unanswered_ids.add(ids[i - 1])

    channels = sorted({c for day in per_day.values() for c in day})
    first = (now - dt.timedelta(days=DAYS - 1)).date()
    rows = []
    for n in range(DAYS):
        day = (first + dt.timedelta(days=n)).isoformat()
        rows.append((day, {c: len(per_day.get(day, {}).get(c, ())) for c in channels}))

    asked = Counter({(s, v) for s, v in ((r.sender_id, _json(r.data).get("value")) for r in slots)
                     if isinstance(v, str) and v})
    roles = Counter(v for (_, v) in asked).most_common(40)

    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for event_id in sorted(unanswered_ids, reverse=True):
        message = texts.get(event_id, "").strip()
        if not message or message.startswith("/") or assess(message).flagged:
            continue
        clean = redact(message)
        if not clean:
            continue
        counts[clean.lower()] += 1
        shown.setdefault(clean.lower(), clean)
    unanswered = [(shown[k], n) for k, n in counts.most_common(20)]
    return {"available": True, "per_day": rows, "channels": channels, "roles": roles,
            "unanswered": unanswered}


def _json(raw) -> dict:
    try:
        value = json.loads(raw) if isinstance(raw, str) else (raw or {})
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


# -- the app's own database --------------------------------------------------------------------
def pay_status(factory: sessionmaker[Session], today: dt.date | None = None,
               nation: str = "England") -> dict:
    """The latest pay table and whether its yearly update is due (AfC years start 1 April)."""
    today = today or dt.date.today()
    with factory() as s:
        year = s.scalar(select(func.max(PayBand.pay_year)).where(PayBand.nation == nation))
        checked = s.scalar(select(func.max(PayBand.reviewed_on)).where(PayBand.pay_year == year))
    if not year:
        return {"year": None, "due": True, "message": f"There is no pay table for {nation}: add one."}
    start = int(year[:4])
    next_year, next_due = f"{start + 1}/{(start + 2) % 100:02d}", dt.date(start + 1, 4, 1)
    due = today >= next_due
    message = (f"The pay table is {year} ({nation}). The {next_year} rates apply from "
               f"{next_due:%-d %B %Y}: " + ("add the new table as soon as NHS Employers publish it."
                                            if due else "update it then."))
    return {"year": year, "nation": nation, "next_due": next_due, "due": due,
            "checked": checked, "message": message}


def catalogue_health(factory: sessionmaker[Session], today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    with factory() as s:
        total = s.scalar(select(func.count(Role.id)))
        due = s.scalar(select(func.count(Role.id)).where(Role.reviewed_on < today - STALE_AFTER))
        titles = dict(s.execute(select(Role.slug, Role.title)).tuples().all())
    return {"roles": total, "review_due": due, "titles": titles}


def bookings_by_session(factory: sessionmaker[Session], now: dt.datetime | None = None) -> list:
    now = now or dt.datetime.now(dt.timezone.utc)
    since = now - dt.timedelta(days=30)
    with factory() as s:
        sessions = s.execute(
            select(EventSession.id, Event.title, EventSession.starts_at, EventSession.capacity)
            .join(Event).where(EventSession.starts_at >= since)
            .order_by(EventSession.starts_at).limit(15)).all()
        counts = s.execute(select(Booking.session_id, Booking.status, func.count(Booking.id))
                           .where(Booking.session_id.in_([r.id for r in sessions]))
                           .group_by(Booking.session_id, Booking.status)).all()
    by: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for session_id, status, n in counts:
        by[session_id][status] = n
    rows = []
    for r in sessions:
        c = by[r.id]
        held, used, waiting = places_held(c), places_used(c), c.get(BookingStatus.WAITING, 0)
        rows.append((f"{r.title[:20]} {r.starts_at:%d %b}",
                     {"booked": held, "attended": c.get(BookingStatus.ATTENDED, 0),
                      "waiting": waiting, "free": max(r.capacity - used, 0)},
                     f"{used}/{r.capacity}" + (f" +{waiting} waiting" if waiting else "")))
    return rows


def casework(factory: sessionmaker[Session]) -> dict:
    with factory() as s:
        flags = dict(s.execute(select(SafeguardingFlag.status, func.count(SafeguardingFlag.id))
                               .group_by(SafeguardingFlag.status)).tuples().all())
        handoffs = dict(s.execute(select(HandoffRequest.status, func.count(HandoffRequest.id))
                                  .group_by(HandoffRequest.status)).tuples().all())
        urgent = s.scalar(select(func.count(SafeguardingFlag.id)).where(
            SafeguardingFlag.urgency == "urgent", SafeguardingFlag.status == "open")) or 0
        since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=7)
        alerts_failed = s.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == MessageKind.STAFF_ALERT.value,
            OutboxMessage.state == OutboxState.FAILED.value, OutboxMessage.created_at >= since)) or 0
    return {"flags": flags, "handoffs": handoffs, "urgent_open": urgent,
            "alerts_failed": alerts_failed}


def context(factory: sessionmaker[Session], tracker_url: str) -> dict:
    """Everything the dashboard template shows."""
    health = catalogue_health(factory)
    talk = conversations(tracker_url)
    work = casework(factory)
    sessions = bookings_by_session(factory)
    roles = [(health["titles"][slug], {"conversations": n}) for slug, n in talk["roles"]
             if slug in health["titles"]]
    open_work = [("Safeguarding flags", {"urgent, open": work["urgent_open"],
                                         **{k: work["flags"].get(k, 0) for k in ("open", "acknowledged")}}),
                 ("Handoff requests", {k: work["handoffs"].get(k, 0) for k in ("open", "acknowledged")})]
    return {
        "pay": pay_status(factory), "health": health, "tracker": talk["available"],
        "unanswered": talk["unanswered"], "casework": work,
        "chart_days": bar_chart(talk["per_day"], talk["channels"] or ["rest"],
                                "Conversations per day and channel"),
        "chart_roles": bar_chart(roles, ["conversations"], "Most-asked roles"),
        "chart_sessions": bar_chart(sessions, ["booked", "attended", "waiting", "free"],
                                    "Bookings and attendance per session"),
        "chart_casework": bar_chart(open_work, ["open", "acknowledged"], "Open casework"),
    }
