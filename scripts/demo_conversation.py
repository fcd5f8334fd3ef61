"""Print a transcript of a scripted conversation against a fresh stack (for docs and notes).

    .venv/bin/python scripts/demo_conversation.py
Buttons are shown as [a | b]; a line "> [Title]" presses the button with that title.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bookings.seed import seed_events  # noqa: E402
from bot.bootstrap import SqlUnitOfWork  # noqa: E402
from bot.catalogue import io  # noqa: E402
from bot.cli import SEED_DIR  # noqa: E402
from bot.db import session_factory, upgrade  # noqa: E402
from bot.process.supervisor import Stack, services, stack_env  # noqa: E402
from tests.e2e.stack import free_port  # noqa: E402

SCRIPT = ["book a taster day in Leeds", "[Taster day: nursing and midwifery - ",
          "yes", "17", "Sam", "sam@example.com", "[No, nothing]", "[Yes, book it]",
          "my bookings", "can I change the date?", "[Taster day: nursing and midwifery - ",
          "[Yes, move it]", "cancel my booking", "[Yes, cancel it]"]


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    db = f"sqlite:///{tmp / 'careers.db'}"
    upgrade(db)
    io.load(SqlUnitOfWork(session_factory(db)), io.read(SEED_DIR))
    seed_events(SqlUnitOfWork(session_factory(db)))
    ports = {"actions": free_port(), "rasa": free_port(), "web": free_port()}
    env = stack_env(ports, {"DATABASE_URL": db, "TRACKER_DB": str(tmp / "tracker.db")})
    url = f"http://127.0.0.1:{ports['rasa']}/webhooks/rest/webhook"
    with Stack(services(ports, tmp / "logs")[:2], env) as stack:
        stack.wait_ready()
        last: list[dict] = []
        for said in SCRIPT:
            message = said
            if said.startswith("["):
                title = said.strip("[]")
                button = next(b for m in last for b in m.get("buttons") or []
                              if b["title"].startswith(title))
                message = button["payload"]
                said = f"[{button['title']}]"
            print(f"> {said}")
            last = httpx.post(url, json={"sender": "demo", "message": message}, timeout=60).json()
            for m in last:
                for line in (m.get("text") or "").splitlines():
                    print(f"  {line}")
                if m.get("buttons"):
                    print("  [" + " | ".join(b["title"] for b in m["buttons"]) + "]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
