"""Casework tables. No message text is stored: only what staff need to follow up."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base

STATUSES = ("open", "acknowledged", "resolved")


class SafeguardingFlag(Base):
    __tablename__ = "safeguarding_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    channel: Mapped[str] = mapped_column(String(40))
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    concerns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # "urgent": immediate danger (999 / A&E was given first); else "standard"
    urgency: Mapped[str] = mapped_column(String(20), default="standard", server_default="standard",
                                         index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    handled_by: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    def __str__(self) -> str:
        urgent = "URGENT: " if self.urgency == "urgent" else ""
        return f"Flag {self.id} ({urgent}{', '.join(self.concerns)})"


class HandoffRequest(Base):
    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    channel: Mapped[str] = mapped_column(String(40))
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    contact_method: Mapped[str] = mapped_column(String(20))
    contact_value: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(300), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    handled_by: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    def __str__(self) -> str:
        return f"Handoff {self.id} ({self.contact_method})"


class StaffAlertMark(Base):
    """How far staff have been alerted about one kind of item (bot/casework/alerts.py): the
    newest item an alert covered and when it was sent. One row per :class:`AlertSubject`."""

    __tablename__ = "staff_alert_marks"

    subject: Mapped[str] = mapped_column(String(30), primary_key=True)   # AlertSubject
    last_item_id: Mapped[int] = mapped_column(Integer, default=0)
    alerted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
