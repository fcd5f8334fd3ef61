"""Command line: ``python -m bot --help``."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "catalogue" / "seed"


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.db import upgrade

    upgrade(revision=args.revision)
    print(f"database at {args.revision}")
    return 0


def _catalogue_import(args: argparse.Namespace) -> int:
    from bot.bootstrap import SqlUnitOfWork
    from bot.catalogue import io

    print(io.load(SqlUnitOfWork(), io.read(Path(args.file))))
    return 0


def _catalogue_export(args: argparse.Namespace) -> int:
    from bot.bootstrap import SqlUnitOfWork
    from bot.catalogue import io

    data = io.dump(SqlUnitOfWork())
    io.write(data, Path(args.file))
    print(f"wrote {len(data.roles)} roles to {args.file}")
    return 0


def _catalogue_seed(args: argparse.Namespace) -> int:
    from bot.bootstrap import SqlUnitOfWork
    from bot.catalogue import io

    with SqlUnitOfWork() as uow:
        count = uow.catalogue.version()[0]
    if count and not args.force:
        print(f"catalogue already holds {count} roles; nothing to do (use --force to re-import)")
        return 0
    print(io.load(SqlUnitOfWork(), io.read(SEED_DIR)))
    return 0


def _events_seed(args: argparse.Namespace) -> int:
    from bot.bookings.seed import seed_events
    from bot.bootstrap import SqlUnitOfWork

    added = seed_events(SqlUnitOfWork(), force=args.force)
    print(f"added {added} sample sessions" if added else "upcoming events exist; nothing to do")
    return 0


def _bookings_purge(args: argparse.Namespace) -> int:
    from bot.bootstrap import booking_service
    from bot.settings import get_settings

    days = get_settings().purge_after_days if args.days is None else args.days
    print(f"removed contact details from {booking_service().purge(days)} bookings "
          f"of events that ended more than {days} days ago")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from bot.worker import run_forever

    return run_forever()


def _staff(args: argparse.Namespace) -> int:
    """Staff accounts for the admin at /admin (see docs/admin.md)."""
    from bot.db import session_factory
    from bot.web.admin import auth

    factory = session_factory()
    try:
        if args.cmd == "add":
            auth.add_staff(factory, args.email, auth.read_password(), args.role)
            print(f"added {args.email} ({args.role})")
        elif args.cmd == "password":
            auth.set_password(factory, args.email, auth.read_password("New password: "))
            print(f"password changed for {args.email}; their open sessions have ended")
        elif args.cmd == "disable":
            auth.disable_staff(factory, args.email)
            print(f"disabled {args.email}; their open sessions have ended")
        else:
            for user in auth.list_staff(factory):
                last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
                print(f"{user.email}\t{user.role}\t{'active' if user.active else 'disabled'}"
                      f"\tlast login {last}")
    except auth.StaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.process.supervisor import run_all

    return run_all()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="NHS careers adviser tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    db = groups.add_parser("db", help="database migrations").add_subparsers(dest="cmd", required=True)
    up = db.add_parser("upgrade", help="apply migrations (DATABASE_URL, default SQLite in var/)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(func=_db_upgrade)

    cat = groups.add_parser("catalogue", help="role catalogue content").add_subparsers(
        dest="cmd", required=True)
    imp = cat.add_parser("import", help="add or update roles, routes and pay from a file")
    imp.add_argument("file", help="a .yaml/.yml file, a .csv of roles, or a seed folder")
    imp.set_defaults(func=_catalogue_import)
    exp = cat.add_parser("export", help="write the catalogue to a file (format from the extension)")
    exp.add_argument("file", help="a .yaml/.yml file (everything) or a .csv file (roles)")
    exp.set_defaults(func=_catalogue_export)
    seed = cat.add_parser("seed", help="import the bundled seed content if the catalogue is empty")
    seed.add_argument("--force", action="store_true", help="import even if roles exist")
    seed.set_defaults(func=_catalogue_seed)

    ev = groups.add_parser("events", help="taster days and workshops").add_subparsers(
        dest="cmd", required=True)
    evs = ev.add_parser("seed", help="add sample events dated from today if none are ahead")
    evs.add_argument("--force", action="store_true", help="add them even if events exist")
    evs.set_defaults(func=_events_seed)

    bk = groups.add_parser("bookings", help="bookings housekeeping").add_subparsers(dest="cmd", required=True)
    purge = bk.add_parser("purge", help="remove contact details some days after each event")
    purge.add_argument("--days", type=int, help="default: PURGE_AFTER_DAYS (30)")
    purge.set_defaults(func=_bookings_purge)

    worker = groups.add_parser("worker", help="reminders, waiting-list offers, purge (make run starts it)")
    worker.set_defaults(func=_worker)

    st = groups.add_parser("staff", help="staff accounts for /admin").add_subparsers(
        dest="cmd", required=True)
    add = st.add_parser("add", help="add an account; the password is asked for (or read from stdin)")
    add.add_argument("email")
    add.add_argument("--role", choices=("admin", "editor"), required=True)
    pwd = st.add_parser("password", help="set a new password (ends the account's sessions)")
    pwd.add_argument("email")
    dis = st.add_parser("disable", help="disable an account (ends its sessions; never deleted)")
    dis.add_argument("email")
    st.add_parser("list", help="list the accounts")
    for sub in st.choices.values():
        sub.set_defaults(func=_staff)

    run = groups.add_parser("run", help="start the action server, Rasa and the web app")
    run.set_defaults(func=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    from bot.catalogue.io import ImportProblem
    from bot.settings import InsecureSetting

    try:
        return args.func(args)
    except (ImportProblem, InsecureSetting, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
