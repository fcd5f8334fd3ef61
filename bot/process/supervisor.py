"""Start the action server, the Rasa server and the web app; stop them all on Ctrl-C.

Used by ``make run`` (``python -m bot run``) and by the end-to-end tests.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import ROOT, VAR_DIR

APP_PY = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "models" / "careers.tar.gz"


@dataclass
class Service:
    name: str
    argv: list[str]
    ready_url: str | None   # None: ready once started (a worker with no HTTP port)
    log: Path
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self) -> bool:
        if self.ready_url is None:
            return self.proc is not None and self.proc.poll() is None
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2) as resp:
                return resp.status < 500
        except OSError:
            return False

    def stop(self, timeout: float = 15) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def install_secret(path: Path = VAR_DIR / "secret_key") -> str:
    """This install's SECRET_KEY (signs staff sessions): made once, kept in var/ (mode 0600)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def stack_env(ports: dict[str, int], extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR_DIR / 'careers.db'}")
    env.setdefault("TRACKER_DIALECT", "sqlite")
    env.setdefault("TRACKER_DB", str(VAR_DIR / "tracker.db"))
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{ports['actions']}/webhook"
    env["RASA_URL"] = f"http://127.0.0.1:{ports['rasa']}"
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("PUBLIC_URL", f"http://localhost:{ports['web']}")
    # The worker delivers reminders through Rasa's HTTP API, so the API is on, behind a token:
    # RASA_AUTH_TOKEN if you set one, else a random one for this run only.
    if not env.get("RASA_AUTH_TOKEN"):
        env["RASA_AUTH_TOKEN"] = secrets.token_urlsafe(32)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.update(extra or {})
    if not env.get("SECRET_KEY"):  # SECRET_KEY from the environment wins
        env["SECRET_KEY"] = install_secret()
    return env


def credentials_for(env: dict[str, str]) -> str:
    """Telegram is on only when TELEGRAM_TOKEN is set (its other variables then must be too)."""
    if env.get("TELEGRAM_TOKEN"):
        env.setdefault("TELEGRAM_API_SERVER", "")
        return "credentials-telegram.yml"
    return "credentials.yml"


def services(ports: dict[str, int], log_dir: Path, model: Path = MODEL,
             token: str | None = None, credentials: str = "credentials.yml") -> list[Service]:
    rasa = [str(RASA), "run", "--model", str(model), "--port", str(ports["rasa"]),
            "--interface", "127.0.0.1", "--credentials", credentials,
            "--endpoints", "endpoints.yml", "--cors", f"http://localhost:{ports['web']}"]
    if token:  # the HTTP API is on only with a token (see stack_env)
        rasa += ["--enable-api", "--auth-token", token]
    return [
        Service("actions", [str(APP_PY), "-m", "rasa_sdk", "--actions", "actions",
                            "--port", str(ports["actions"])],
                f"http://127.0.0.1:{ports['actions']}/ready", log_dir / "actions.log"),
        Service("rasa", rasa, f"http://127.0.0.1:{ports['rasa']}/", log_dir / "rasa.log"),
        Service("web", [str(APP_PY), "-m", "uvicorn", "bot.web.app:app", "--ws", "none",
                        "--host", "127.0.0.1", "--port", str(ports["web"])],
                f"http://127.0.0.1:{ports['web']}/healthz", log_dir / "web.log"),
        Service("worker", [str(APP_PY), "-m", "bot", "worker"], None, log_dir / "worker.log"),
    ]


class Stack:
    """The running services; a context manager that always stops what it started."""

    def __init__(self, items: list[Service], env: dict[str, str]) -> None:
        self.items, self.env = items, env

    def __enter__(self) -> Stack:
        for svc in self.items:
            svc.start(self.env)
        return self

    def __exit__(self, *exc) -> None:
        for svc in reversed(self.items):
            svc.stop()

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.items)
        while pending:
            for svc in list(pending):
                if svc.proc and svc.proc.poll() is not None:
                    raise RuntimeError(f"{svc.name} exited with {svc.proc.returncode}; see {svc.log}")
                if svc.ready():
                    pending.remove(svc)
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f}s: {[s.name for s in pending]}")
            time.sleep(0.5)

    def watch(self) -> int:
        """Block until a service dies or we are told to stop."""
        while True:
            for svc in self.items:
                if svc.proc and svc.proc.poll() is not None:
                    print(f"{svc.name} stopped (exit {svc.proc.returncode}); see {svc.log}",
                          file=sys.stderr)
                    return 1
            time.sleep(1)


def _notify_line() -> str:
    """Email and text through GOV.UK Notify: on with NOTIFY_API_KEY, else said plainly."""
    from bot.settings import get_settings

    settings = get_settings()
    if settings.notify_enabled:
        staff = ("staff alerts by email" if settings.staff_alerts_enabled
                 else "no staff alerts (no STAFF_ALERT_EMAIL)")
        return f"Notify          on: web bookings get email and text messages; {staff} (docs/notify.md)"
    return ("Notify          off: notifications are off (no NOTIFY_API_KEY), so web users see "
            "reminders only when they reopen the chat (docs/notify.md)")


def run_all() -> int:
    ports = {"actions": 5055, "rasa": 5005, "web": int(os.environ.get("WEB_PORT", 8000))}
    if not MODEL.exists():
        print(f"no trained model at {MODEL}; run `make train`", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    own_token = bool(os.environ.get("RASA_AUTH_TOKEN"))
    env = stack_env(ports)
    token = env["RASA_AUTH_TOKEN"]
    credentials = credentials_for(env)
    stack = Stack(services(ports, VAR_DIR / "logs", token=token, credentials=credentials), env)
    print("starting the action server, Rasa, the web app and the worker (logs in var/logs/) ...",
          flush=True)
    started = time.monotonic()
    try:
        with stack:
            stack.wait_ready()
            api = ("from RASA_AUTH_TOKEN" if own_token
                   else "generated for this run (set RASA_AUTH_TOKEN to choose one)")
            telegram = ("on: POST /webhooks/telegram/webhook" if credentials != "credentials.yml"
                        else "off (set TELEGRAM_TOKEN and the others in docs/telegram.md)")
            admin_hint = "(first account: .venv/bin/python -m bot staff add EMAIL --role admin)"
            print(f"""
ready in {time.monotonic() - started:.0f}s
  chat page       http://localhost:{ports['web']}/
  staff admin     http://localhost:{ports['web']}/admin  {admin_hint}
  REST channel    POST http://localhost:{ports['rasa']}/webhooks/rest/webhook
  action server   http://localhost:{ports['actions']}/ready
  Rasa HTTP API   on, token {api}
  worker          reminders, waiting-list offers, purge every {env.get('WORKER_INTERVAL_SECONDS', '30')}s
  Telegram        {telegram}
  {_notify_line()}
Press Ctrl-C to stop.""", flush=True)
            return stack.watch()
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
