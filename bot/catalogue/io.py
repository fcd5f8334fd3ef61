"""Import and export the catalogue as YAML (everything) or CSV (roles), losslessly.

YAML: one document ``{roles, entry_routes, pay_tables}`` (the shape of
:class:`~bot.catalogue.schema.CatalogueData`), or a seed folder of several files.
CSV: one row per role; list fields hold JSON arrays so any text survives the round trip.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from bot.catalogue.models import ContentItem, EntryRoute, PayBand, Role, RoleAlias, RoleEntryRoute
from bot.catalogue.schema import CatalogueData, ContentData, PayTableData, RoleData, RouteData
from bot.kernel.unit_of_work import AbstractUnitOfWork

Row = TypeVar("Row", RoleAlias, RoleEntryRoute)

ROLE_FIELDS = list(RoleData.model_fields)
# CSV cells that hold JSON (lists, maps), and optional fields where an empty cell means "not stated"
JSON_FIELDS = {"aliases", "entry_routes", "tags", "working_pattern", "field_sources"}
OPTIONAL_FIELDS = {name for name, field in RoleData.model_fields.items()
                   if not field.is_required() and field.default is None}


class ImportProblem(ValueError):
    """Content that failed validation; the message says where and why."""


@dataclass
class ImportResult:
    roles_added: int = 0
    roles_updated: int = 0
    routes: int = 0
    content: int = 0
    pay_bands: int = 0

    def __str__(self) -> str:
        return (f"roles: {self.roles_added} added, {self.roles_updated} updated; "
                f"entry routes: {self.routes}; content: {self.content}; pay bands: {self.pay_bands}")


# -- reading ----------------------------------------------------------------------------------
def read(path: Path) -> CatalogueData:
    """Read a YAML file, a CSV file of roles, or a seed folder."""
    path = Path(path)
    try:
        if path.is_dir():
            return _read_seed_dir(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            return CatalogueData.model_validate(yaml.safe_load(path.read_text("utf-8")) or {})
        if suffix == ".csv":
            return CatalogueData(roles=_read_roles_csv(path))
    except ValidationError as exc:
        raise ImportProblem(f"{path}: {exc}") from exc
    raise ImportProblem(f"{path}: use a .yaml, .yml or .csv file, or a seed folder")


def _read_seed_dir(folder: Path) -> CatalogueData:
    roles: list[dict[str, Any]] = []
    for file in sorted((folder / "roles").glob("*.yaml")):
        roles.extend(yaml.safe_load(file.read_text("utf-8")) or [])
    def optional(name: str, default: Any) -> Any:
        file = folder / name
        return yaml.safe_load(file.read_text("utf-8")) if file.exists() else default

    def each(pattern: str) -> list[Any]:
        return [yaml.safe_load(f.read_text("utf-8")) for f in sorted(folder.glob(pattern))]

    answers = [item for items in each("answers*.yaml") for item in (items or [])]
    return CatalogueData.model_validate({
        "roles": roles, "entry_routes": optional("entry_routes.yaml", []),
        "content": optional("content.yaml", []) + answers,
        "pay_tables": [table for table in each("pay_bands*.yaml") if table]})


def _read_roles_csv(path: Path) -> list[RoleData]:
    rows: list[RoleData] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            data: dict[str, object] = {}
            for key, value in row.items():
                if key in JSON_FIELDS:
                    data[key] = json.loads(value) if value else None
                    if data[key] is None:
                        del data[key]
                elif key in OPTIONAL_FIELDS:
                    data[key] = value or None
                else:
                    data[key] = value
            try:
                rows.append(RoleData.model_validate(data))
            except ValidationError as exc:
                raise ImportProblem(f"{path}, line {number}: {exc}") from exc
    return rows


# -- writing to the database ----------------------------------------------------------------
def load(uow: AbstractUnitOfWork, data: CatalogueData) -> ImportResult:
    """Upsert everything in ``data`` in one transaction (roles keyed by slug)."""
    result = ImportResult()
    with uow:
        for route in data.entry_routes:
            _upsert_route(uow, route)
            result.routes += 1
        for item in data.content:
            _upsert_content(uow, item)
            result.content += 1
        for table in data.pay_tables:
            result.pay_bands += _upsert_pay(uow, table)
        for role_data in data.roles:
            added = _upsert_role(uow, role_data)
            result.roles_added += added
            result.roles_updated += not added
        _check_related(uow, data.content)
        uow.commit()
    return result


def _check_related(uow: AbstractUnitOfWork, items: list[ContentData]) -> None:
    roles = {r.slug for r in uow.catalogue.list_roles()}
    routes = {r.slug for r in uow.catalogue.list_routes()}
    for item in items:
        unknown = ([s for s in item.related_roles if s not in roles]
                   + [s for s in item.related_routes if s not in routes])
        if unknown:
            raise ImportProblem(f"content {item.slug!r}: unknown related role or route "
                                f"{', '.join(unknown)}")


def _upsert_route(uow: AbstractUnitOfWork, data: RouteData) -> None:
    route = uow.catalogue.get_route(data.slug)
    if route is None:
        route = EntryRoute(slug=data.slug)
        uow.catalogue.add_route(route)
    for key, value in data.model_dump(exclude={"slug"}).items():
        setattr(route, key, value)


def _upsert_content(uow: AbstractUnitOfWork, data: ContentData) -> None:
    item = uow.catalogue.get_content(data.slug)
    if item is None:
        item = ContentItem(slug=data.slug)
        uow.catalogue.add_content(item)
    for key, value in data.model_dump(exclude={"slug"}).items():
        setattr(item, key, value)


def _upsert_pay(uow: AbstractUnitOfWork, table: PayTableData) -> int:
    existing = {b.band: b for b in uow.catalogue.pay_bands(table.nation, table.pay_year)}
    for band in table.bands:
        row = existing.get(band.band)
        if row is None:
            row = PayBand(pay_year=table.pay_year, nation=table.nation, band=band.band)
            uow.catalogue.add_pay_band(row)
        row.minimum, row.maximum = band.minimum, band.maximum
        row.source_url, row.reviewed_on = table.source_url, table.reviewed_on
    return len(table.bands)


def _upsert_role(uow: AbstractUnitOfWork, data: RoleData) -> bool:
    role = uow.catalogue.get_role(data.slug)
    added = role is None
    if role is None:
        role = Role(slug=data.slug)
        uow.catalogue.add_role(role)
    scalars = data.model_dump(exclude={"slug", "aliases", "entry_routes"})
    scalars["working_pattern"] = [p.value for p in data.working_pattern]
    scalars["driving_licence"] = data.driving_licence.value if data.driving_licence else None
    for key, value in scalars.items():
        setattr(role, key, value)
    # Reconcile child rows in place: replacing them wholesale would insert the new rows
    # before the old ones are deleted and trip the unique constraints.
    old_aliases = {a.alias: a for a in role.aliases}
    role.aliases = [_positioned(old_aliases.get(a) or RoleAlias(alias=a), i)
                    for i, a in enumerate(data.aliases)]
    old_links = {link.route.slug: link for link in role.route_links}
    links = []
    for position, slug in enumerate(data.entry_routes):
        link = old_links.get(slug)
        if link is None:
            route = uow.catalogue.get_route(slug)
            if route is None:
                raise ImportProblem(f"role {data.slug!r}: unknown entry route {slug!r}")
            link = RoleEntryRoute(route=route)
        links.append(_positioned(link, position))
    role.route_links = links
    role.updated_at = dt.datetime.now(dt.timezone.utc)
    return added


# -- exporting ----------------------------------------------------------------------------------
def _positioned(row: Row, position: int) -> Row:
    row.position = position
    return row


def dump(uow: AbstractUnitOfWork) -> CatalogueData:
    with uow:
        roles = [_role_data(r) for r in sorted(uow.catalogue.list_roles(), key=lambda r: r.slug)]
        routes = [
            RouteData(**{k: getattr(r, k) for k in RouteData.model_fields})
            for r in uow.catalogue.list_routes()
        ]
        content = [
            ContentData(**{k: getattr(c, k) for k in ContentData.model_fields})
            for c in uow.catalogue.list_content()
        ]
        tables: dict[tuple[str, str], dict[str, Any]] = {}
        for band in uow.catalogue.all_pay_bands():
            table = tables.setdefault((band.pay_year, band.nation), {
                "pay_year": band.pay_year, "nation": band.nation, "source_url": band.source_url,
                "reviewed_on": band.reviewed_on, "bands": []})
            table["bands"].append({"band": band.band, "minimum": band.minimum, "maximum": band.maximum})
        return CatalogueData(roles=roles, entry_routes=routes, content=content,
                             pay_tables=[PayTableData(**t) for t in tables.values()])


def _role_data(role: Role) -> RoleData:
    values = {k: getattr(role, k) for k in ROLE_FIELDS if k not in ("aliases", "entry_routes")}
    values["aliases"] = [a.alias for a in role.aliases]
    values["entry_routes"] = [link.route.slug for link in role.route_links]
    return RoleData.model_validate(values)


def write(data: CatalogueData, path: Path) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        doc = data.model_dump(mode="json")
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), "utf-8")
    elif suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=ROLE_FIELDS)
            writer.writeheader()
            for role in data.roles:
                row = role.model_dump(mode="json")
                for key in JSON_FIELDS:
                    row[key] = json.dumps(row[key], ensure_ascii=False)
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
    else:
        raise ImportProblem(f"{path}: export to a .yaml, .yml or .csv file")
