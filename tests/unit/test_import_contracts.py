"""Import contracts, read from the source with ``ast`` (nothing is imported, no new tool).

Every import counts: at module level and inside functions (a function-level import runs too,
just later), ``import x`` and ``from x import y``, relative ones resolved. Only imports under
``if TYPE_CHECKING:`` are left out: they never run and exist for the type checker alone (the
kernel's unit of work names the contexts' repository types that way).

The layers are folders: the domain contexts and their kernel (bot/catalogue, bot/bookings,
bot/casework, bot/kernel); the web and admin edge (bot/web, bot/web/admin); what the Rasa server
loads (bot/rasa_server: channels, NLU components, speed-ups); process orchestration (bot/process);
the composition root (bot/bootstrap.py) and the rasa_sdk adapters (actions/). A folder move edits
the lists below and nothing else; a list naming a package that no longer exists fails the test.
"""
from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# -- rule 1: the domain imports no framework and no adapter ------------------------------------
# The bounded contexts and the shared kernel they use.
DOMAIN_PACKAGES = ("bot.catalogue", "bot.bookings", "bot.casework", "bot.kernel")
DOMAIN_MUST_NOT_IMPORT = (
    # frameworks: Rasa, its SDK and server, the web stack, the admin, Telegram
    "rasa", "rasa_sdk", "sanic", "starlette", "fastapi", "sqladmin", "aiogram", "jinja2",
    # the app's adapters and entry points
    "bot.web", "bot.rasa_server", "bot.process", "bot.bootstrap", "bot.worker", "actions",
)

# -- rule 2: the Rasa server's channels import nothing of the app ----------------------------
# They are loaded by the Rasa server, in its own environment, which has no app code installed.
CHANNEL_PACKAGES = ("bot.rasa_server.channels",)
CHANNEL_MAY_IMPORT = ("rasa", "aiogram", "sanic")   # besides the standard library and themselves
APP_ROOTS = ("bot", "actions")                      # none of it, not even bot.settings

# -- rule 3: no import cycles between bot's packages ------------------------------------------
# A node is one subpackage of bot (bot.bookings, bot.web, ...) or one top-level module of bot
# (bot.db, bot.bootstrap, ...); bot/__init__.py is the node "bot".
CYCLE_ROOT = "bot"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@cache
def modules() -> dict[str, Path]:
    found = {}
    for top in APP_ROOTS:
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _import_nodes(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        if _type_checking_only(node):
            yield from (n for child in node.orelse for n in _import_nodes_in(child))
            continue
        yield from _import_nodes_in(node)


def _import_nodes_in(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    elif not _type_checking_only(node):
        yield from _import_nodes(node)
    else:
        yield from (n for child in node.orelse for n in _import_nodes_in(child))


@cache
def imports_of(module: str) -> tuple[str, ...]:
    """The modules ``module`` imports, fully qualified (``from a import b``: ``a.b`` when that
    is a module of ours, else ``a``)."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = []
    for node in _import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            names.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base)
    return tuple(dict.fromkeys(names))


def modules_in(packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules() if any(within(m, p) for p in packages))


def test_the_listed_packages_exist():
    for package in DOMAIN_PACKAGES + CHANNEL_PACKAGES:
        assert package in modules(), f"{package} is listed in a contract but does not exist"
    for package in DOMAIN_MUST_NOT_IMPORT:
        if within(package, "bot") or package == "actions":
            assert package in modules(), f"{package} is listed in a contract but does not exist"


def test_domain_imports_no_framework_or_adapter():
    broken = [f"{m} imports {name}" for m in modules_in(DOMAIN_PACKAGES) for name in imports_of(m)
              if any(within(name, banned) for banned in DOMAIN_MUST_NOT_IMPORT)]
    assert not broken, "\n".join(broken)


def test_channels_import_nothing_of_the_app():
    allowed_outside = set(sys.stdlib_module_names) | set(CHANNEL_MAY_IMPORT)
    broken = []
    for m in modules_in(CHANNEL_PACKAGES):
        for name in imports_of(m):
            if any(within(name, own) for own in CHANNEL_PACKAGES) or name == "__future__":
                continue
            if any(within(name, app) for app in APP_ROOTS) or name.split(".")[0] not in allowed_outside:
                broken.append(f"{m} imports {name}")
    assert not broken, "\n".join(broken)


def node_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph() -> dict[str, dict[str, list[str]]]:
    """node -> node it imports -> the imports that make the edge ("a.b -> c.d")."""
    graph: dict[str, dict[str, list[str]]] = {}
    for m in modules_in((CYCLE_ROOT,)):
        source = node_of(m)
        graph.setdefault(source, {})
        for name in imports_of(m):
            if within(name, CYCLE_ROOT) and node_of(name) != source:
                graph[source].setdefault(node_of(name), []).append(f"{m} -> {name}")
    return graph


def strongly_connected(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of nodes that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycles_between_bots_packages():
    graph = package_graph()
    cycles = [g for g in strongly_connected(graph) if len(g) > 1]
    report = []
    for group in cycles:
        report.append(" <-> ".join(group))
        report += [f"    {edge}" for a in group for b in group if b in graph.get(a, {})
                   for edge in graph[a][b]]
    assert not cycles, "package cycles:\n" + "\n".join(report)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"bot.a": {"bot.b": ["x"]}, "bot.b": {"bot.a": ["y"]}, "bot.c": {"bot.a": ["z"]}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["bot.a", "bot.b"], ["bot.c"]]


def test_type_checking_imports_are_left_out_and_function_imports_counted():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\nelse:\n"
                     "    import b\ndef f():\n    import c\n")
    found = [alias.name for node in _import_nodes(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    assert found == ["b", "c"]
