"""The scaled profile (``make run-scaled``, ``python -m bot.process.scaled``): two Rasa replicas and two
action servers behind nginx, conversations in PostgreSQL (Rasa's SQL tracker store), a Redis lock
store, the catalogue and bookings in PostgreSQL, and one web app and one worker.

Built on bot/process/supervisor.py (the same Service/Stack, environment and command lines as ``make
run``); only the replicas, nginx and the PostgreSQL/Redis settings are added here. Used by
``make run-scaled`` and tests/scale/. docs/deploy.md describes the same shape in containers.
"""
from __future__ import annotations

import dataclasses
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.process.supervisor import APP_PY, MODEL, Service, Stack, credentials_for, services, stack_env
from bot.settings import ROOT, VAR_DIR

NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
ENDPOINTS = "endpoints-scaled.yml"
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/careers_scaled"
DEFAULT_TRACKER_URL = "postgresql://postgres@127.0.0.1:5432/careers_tracker_scaled"
NGINX_INSTALL = ("command -v nginx || (apt-get update && apt-get install -y --no-install-recommends "
                 "nginx-light || apt-get install -y nginx)")


@dataclass
class Ports:
    rasa: int = 5005                          # nginx -> the Rasa replicas (the public entry)
    actions: int = 5055                       # nginx -> the action servers (ACTION_SERVER_URL)
    web: int = 8000
    rasa_replicas: tuple[int, ...] = (5015, 5016)
    action_servers: tuple[int, ...] = (5065, 5066)


@dataclass
class Profile:
    database_url: str = DEFAULT_DATABASE_URL   # catalogue and bookings (the app's migrations)
    tracker_url: str = DEFAULT_TRACKER_URL     # Rasa's tracker store: a database of its own
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    ports: Ports = field(default_factory=Ports)
    run_dir: Path = VAR_DIR / "scaled"         # logs, the generated nginx.conf, nginx temp files

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def nginx_access_log(self) -> Path:
        return self.log_dir / "nginx-access.log"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Profile:
        """``make run-scaled``'s settings: DATABASE_URL / TRACKER_URL when they are PostgreSQL
        URLs (else the defaults above), REDIS_HOST, REDIS_PORT, REDIS_DB, SCALED_PORT (nginx,
        default 5005) and WEB_PORT."""
        env = os.environ if environ is None else environ

        def pg(name: str, default: str) -> str:
            value = env.get(name, "")
            return value if value.startswith("postgresql") else default

        base = int(env.get("SCALED_PORT", 5005))
        return cls(database_url=pg("DATABASE_URL", DEFAULT_DATABASE_URL),
                   tracker_url=pg("TRACKER_URL", DEFAULT_TRACKER_URL),
                   redis_host=env.get("REDIS_HOST", "127.0.0.1"),
                   redis_port=int(env.get("REDIS_PORT", 6379)),
                   redis_db=int(env.get("REDIS_DB", 1)),
                   ports=Ports(rasa=base, actions=base + 50, web=int(env.get("WEB_PORT", 8000)),
                               rasa_replicas=(base + 10, base + 11),
                               action_servers=(base + 60, base + 61)))


def profile_env(profile: Profile, extra: dict[str, str] | None = None) -> dict[str, str]:
    """stack_env (make run's environment) plus PostgreSQL, the tracker store and Redis. Rasa
    reads the TRACKER_* and REDIS_* variables through endpoints-scaled.yml; the app (the worker's
    "delete my data") reads TRACKER_URL."""
    tracker = urlsplit(profile.tracker_url)
    ports = {"rasa": profile.ports.rasa, "actions": profile.ports.actions, "web": profile.ports.web}
    env = stack_env(ports, {
        "DATABASE_URL": profile.database_url,
        "TRACKER_URL": profile.tracker_url,
        "TRACKER_DIALECT": "postgresql",
        "TRACKER_HOST": tracker.hostname or "127.0.0.1",
        "TRACKER_PORT": str(tracker.port or 5432),
        "TRACKER_DB": tracker.path.lstrip("/"),
        "TRACKER_USER": unquote(tracker.username or ""),
        "TRACKER_PASSWORD": unquote(tracker.password or ""),
        "REDIS_HOST": profile.redis_host,
        "REDIS_PORT": str(profile.redis_port),
        "REDIS_DB": str(profile.redis_db),
        **(extra or {}),
    })
    env.setdefault("REDIS_PASSWORD", "")
    env.setdefault("REDIS_KEY_PREFIX", "careers")
    # Rasa's tracker store opens up to 50 + 100 PostgreSQL connections per replica by default.
    env.setdefault("SQL_POOL_SIZE", "5")
    env.setdefault("SQL_MAX_OVERFLOW", "10")
    return env


# -- PostgreSQL ---------------------------------------------------------------------------------

def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/postgres").geturl()


def ensure_database(url: str) -> bool:
    """Create the database of ``url`` if it is missing; True if it was created."""
    from sqlalchemy import create_engine, text

    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"unexpected database name {name!r}")
    admin = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                return False
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            return True
    finally:
        admin.dispose()


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = urlsplit(url).path.lstrip("/")
    admin = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def migrate(env: dict[str, str]) -> None:
    """What `make migrate` does, against the profile's DATABASE_URL."""
    for args in (["db", "upgrade"], ["catalogue", "seed"], ["events", "seed"]):
        done = subprocess.run([str(APP_PY), "-m", "bot", *args], cwd=ROOT, env=env, check=False,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"`python -m bot {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")


# -- nginx --------------------------------------------------------------------------------------

def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def render(template: str, values: dict[str, str]) -> str:
    """Fill in ``${NAME}`` like envsubst; a placeholder with no value is an error."""
    def one(match: re.Match) -> str:
        if match.group(1) not in values:
            raise KeyError(f"no value for ${{{match.group(1)}}} in {NGINX_TEMPLATE.name}")
        return values[match.group(1)]

    return re.sub(r"\$\{([A-Z0-9_]+)\}", one, template)


def nginx_values(profile: Profile) -> dict[str, str]:
    tmp = profile.run_dir / "nginx"
    return {
        "NGINX_WORKER_PROCESSES": "1",
        "NGINX_PID_FILE": str(tmp / "nginx.pid"),
        "NGINX_ERROR_LOG": str(profile.log_dir / "nginx-error.log"),
        "NGINX_ACCESS_LOG": str(profile.nginx_access_log),
        "NGINX_TEMP_DIR": str(tmp),
        "NGINX_RASA_LISTEN": f"127.0.0.1:{profile.ports.rasa}",
        "NGINX_ACTIONS_LISTEN": f"127.0.0.1:{profile.ports.actions}",
        "RASA_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in profile.ports.rasa_replicas),
        "RASA_TELEGRAM_SERVERS": " ".join(
            f"server 127.0.0.1:{p}{' backup' if i else ''};"
            for i, p in enumerate(profile.ports.rasa_replicas)),
        "ACTION_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in profile.ports.action_servers),
    }


def write_nginx_conf(profile: Profile) -> Path:
    conf = render(NGINX_TEMPLATE.read_text(), nginx_values(profile))
    if os.geteuid() == 0:  # run the workers as the current user, not nginx's default "nobody"
        conf = (f"user {pwd.getpwuid(os.geteuid()).pw_name} "
                f"{grp.getgrgid(os.getegid()).gr_name};\n{conf}")
    (profile.run_dir / "nginx").mkdir(parents=True, exist_ok=True)
    profile.log_dir.mkdir(parents=True, exist_ok=True)
    path = profile.run_dir / "nginx" / "nginx.conf"
    path.write_text(conf)
    return path


def nginx_service(profile: Profile, conf: Path) -> Service:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError(f"nginx is not installed; install it with: {NGINX_INSTALL}")
    argv = [binary, "-e", str(profile.log_dir / "nginx-error.log"), "-c", str(conf),
            "-p", str(conf.parent)]
    return Service("nginx", argv, f"http://127.0.0.1:{profile.ports.rasa}/nginx-health",
                   profile.log_dir / "nginx.log")


# -- the services -------------------------------------------------------------------------------

def _one(items: list[Service], name: str, new_name: str, log_dir: Path) -> Service:
    svc = next(s for s in items if s.name == name)
    return dataclasses.replace(svc, name=new_name, log=log_dir / f"{new_name}.log")


def scaled_services(profile: Profile, token: str, credentials: str = "credentials.yml"
                    ) -> list[Service]:
    """Action servers, Rasa replicas (endpoints-scaled.yml), the web app, the worker, nginx."""
    ports, logs = profile.ports, profile.log_dir

    def base(**override: int) -> list[Service]:
        return services({"rasa": ports.rasa, "actions": ports.actions, "web": ports.web, **override},
                        logs, token=token, credentials=credentials)

    items = [_one(base(actions=p), "actions", f"actions-{i}", logs)
             for i, p in enumerate(ports.action_servers, 1)]
    for i, port in enumerate(ports.rasa_replicas, 1):
        rasa = _one(base(rasa=port), "rasa", f"rasa-{i}", logs)
        rasa.argv[rasa.argv.index("--endpoints") + 1] = ENDPOINTS
        items.append(rasa)
    common = base()
    items += [_one(common, "web", "web", logs), _one(common, "worker", "worker", logs)]
    items.append(nginx_service(profile, write_nginx_conf(profile)))
    return items


def prepare(profile: Profile, extra: dict[str, str] | None = None) -> tuple[Stack, dict[str, str]]:
    """Create the databases if missing, migrate and seed, write nginx.conf; the Stack to start."""
    env = profile_env(profile, extra)
    ensure_database(profile.database_url)
    ensure_database(profile.tracker_url)
    migrate(env)
    credentials = credentials_for(env)
    return Stack(scaled_services(profile, env["RASA_AUTH_TOKEN"], credentials), env), env


# -- what each process uses (docs/deploy.md) ----------------------------------------------------

def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def usage(stack: Stack) -> dict[str, dict[str, float]]:
    """RSS (MB) and CPU time (s) of each service, its child processes included."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, dict[str, float]] = {}
    for svc in stack.items:
        if svc.proc is None or svc.proc.poll() is not None:
            continue
        rss_kb = cpu = 0.0
        for pid in _group_pids(svc.proc.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            rss_kb += next((int(line.split()[1]) for line in status.splitlines()
                            if line.startswith("VmRSS:")), 0)
            cpu += (int(stat[11]) + int(stat[12])) / tick
        out[svc.name] = {"rss_mb": round(rss_kb / 1024, 1), "cpu_s": round(cpu, 1)}
    return out


def format_usage(table: dict[str, dict[str, float]]) -> str:
    return "\n".join(f"  {name:<10} {u['rss_mb']:>7.1f} MB RSS  {u['cpu_s']:>7.1f} s CPU"
                     for name, u in table.items())


# -- make run-scaled ----------------------------------------------------------------------------

def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    profile = Profile.from_env()
    if not MODEL.exists():
        print(f"no trained model at {MODEL}; run `make train`", file=sys.stderr)
        return 2
    if nginx_binary() is None:
        print(f"nginx is not installed; install it with:\n  {NGINX_INSTALL}", file=sys.stderr)
        return 2
    pg = urlsplit(profile.database_url)
    for what, host, port in (("PostgreSQL", pg.hostname or "127.0.0.1", pg.port or 5432),
                             ("Redis", profile.redis_host, profile.redis_port)):
        if not _reachable(host, port):
            print(f"{what} is not reachable at {host}:{port}", file=sys.stderr)
            return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    try:
        print("== PostgreSQL: creating, migrating and seeding (if needed) "
              f"{urlsplit(profile.database_url).path.lstrip('/')} and "
              f"{urlsplit(profile.tracker_url).path.lstrip('/')}", flush=True)
        stack, env = prepare(profile)
        print(f"== starting 2 action servers, 2 Rasa replicas, the web app, the worker and nginx "
              f"(logs in {profile.log_dir}) ...", flush=True)
        with stack:
            stack.wait_ready(timeout=420)
            p = profile.ports
            print(f"""
ready in {time.monotonic() - started:.0f}s
  REST channel    POST http://localhost:{p.rasa}/webhooks/rest/webhook  (nginx, round robin)
  Rasa replicas   {', '.join(f'127.0.0.1:{x}' for x in p.rasa_replicas)}
  action servers  {', '.join(f'127.0.0.1:{x}' for x in p.action_servers)}, behind :{p.actions}/webhook
  chat page       http://localhost:{p.web}/
  tracker store   PostgreSQL {env['TRACKER_HOST']}:{env['TRACKER_PORT']}/{env['TRACKER_DB']}
  lock store      Redis {profile.redis_host}:{profile.redis_port} db {profile.redis_db}
  catalogue       PostgreSQL {pg.hostname}:{pg.port or 5432}{pg.path}
memory and CPU so far:
{format_usage(usage(stack))}
Press Ctrl-C to stop.""", flush=True)
            return stack.watch()
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
