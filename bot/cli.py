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
    from bot.catalogue import io
    from bot.catalogue.unit_of_work import SqlUnitOfWork

    print(io.load(SqlUnitOfWork(), io.read(Path(args.file))))
    return 0


def _catalogue_export(args: argparse.Namespace) -> int:
    from bot.catalogue import io
    from bot.catalogue.unit_of_work import SqlUnitOfWork

    data = io.dump(SqlUnitOfWork())
    io.write(data, Path(args.file))
    print(f"wrote {len(data.roles)} roles to {args.file}")
    return 0


def _catalogue_seed(args: argparse.Namespace) -> int:
    from bot.catalogue import io
    from bot.catalogue.unit_of_work import SqlUnitOfWork

    with SqlUnitOfWork() as uow:
        count = uow.catalogue.version()[0]
    if count and not args.force:
        print(f"catalogue already holds {count} roles; nothing to do (use --force to re-import)")
        return 0
    print(io.load(SqlUnitOfWork(), io.read(SEED_DIR)))
    return 0


def _run(args: argparse.Namespace) -> int:
    from bot.supervisor import run_all

    return run_all()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="NHS careers adviser tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    db = groups.add_parser("db", help="database migrations").add_subparsers(dest="cmd", required=True)
    up = db.add_parser("upgrade", help="apply migrations (DATABASE_URL, default SQLite in var/)")
    up.add_argument("revision", nargs="?", default="head", help="target revision (default: head)")
    up.set_defaults(func=_db_upgrade)

    cat = groups.add_parser("catalogue", help="role catalogue content").add_subparsers(dest="cmd", required=True)
    imp = cat.add_parser("import", help="add or update roles, routes and pay from a file")
    imp.add_argument("file", help="a .yaml/.yml file, a .csv of roles, or a seed folder")
    imp.set_defaults(func=_catalogue_import)
    exp = cat.add_parser("export", help="write the catalogue to a file (format from the extension)")
    exp.add_argument("file", help="a .yaml/.yml file (everything) or a .csv file (roles)")
    exp.set_defaults(func=_catalogue_export)
    seed = cat.add_parser("seed", help="import the bundled seed content if the catalogue is empty")
    seed.add_argument("--force", action="store_true", help="import even if roles exist")
    seed.set_defaults(func=_catalogue_seed)

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
