"""The Rasa server's image (deploy/Dockerfile.rasa) carries every module of ours that the Rasa
server imports: the pipeline components in config.yml, the channels in credentials*.yml, and
everything they import from bot/, followed to the end. A module missing from the image would only
show as an ImportError when the container starts."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile.rasa"


def module_file(module: str) -> Path | None:
    base = ROOT / module.replace(".", "/")
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m == "bot" or m.startswith("bot.")}


def rasa_entry_points() -> set[str]:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    names = {c["name"] for c in config["pipeline"] + config.get("policies", [])}
    for credentials in ROOT.glob("credentials*.yml"):
        names |= set(yaml.safe_load(credentials.read_text()) or {})
    return {n.rsplit(".", 1)[0] for n in names if n.startswith("bot.")}


def files_rasa_loads() -> set[Path]:
    todo = sorted(rasa_entry_points())
    assert todo, "no component or channel of ours in config.yml / credentials*.yml"
    files: set[Path] = set()
    while todo:
        module = todo.pop()
        parts = module.split(".")
        for i in range(1, len(parts) + 1):  # a module's packages are imported first
            path = module_file(".".join(parts[:i]))
            if path is not None and path not in files:
                files.add(path)
                todo.extend(imported_modules(path))
    return files


def copied_into_the_image() -> list[str]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    sources: list[str] = []
    for line in text.splitlines():
        if re.match(r"COPY\s+(?!--from)", line):
            args = [a for a in line.split()[1:] if not a.startswith("--")]
            sources += args[:-1]
    return sources


def test_every_module_the_rasa_server_imports_is_in_its_image():
    copied = copied_into_the_image()

    def covered(path: Path) -> bool:
        rel = path.relative_to(ROOT).as_posix()
        return any(rel == c or (c.endswith("/") and rel.startswith(c)) for c in copied)

    missing = sorted(p.relative_to(ROOT).as_posix() for p in files_rasa_loads() if not covered(p))
    assert not missing, f"deploy/Dockerfile.rasa does not copy: {missing}"


def test_the_rasa_server_loads_nothing_of_the_app():
    app_side = ("bot/catalogue/", "bot/bookings/", "bot/casework/", "bot/web/", "bot/db.py",
                "actions/")
    loaded = {p.relative_to(ROOT).as_posix() for p in files_rasa_loads()}
    assert not {p for p in loaded if p.startswith(app_side)}
