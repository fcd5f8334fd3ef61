"""Catalogue import and export from the admin, reusing bot/catalogue/io.py (as the CLI does).

YAML holds everything (roles, entry routes, content, pay tables); CSV holds the roles. Both
round-trip losslessly. An import is validated as a whole before anything is written, and each
item it changes is written to the audit log with its values before and after.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import anyio
import yaml
from sqladmin import BaseView, expose
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.bootstrap import SqlUnitOfWork
from bot.catalogue import io
from bot.catalogue.schema import CatalogueData
from bot.web.admin.audit import plain, record
from bot.web.admin.auth import actor
from bot.web.admin.row_actions import flash

MAX_UPLOAD = 5 * 1024 * 1024
IDENTITY = "catalogue-io"
KEYS = {"roles": lambda x: x.slug, "entry_routes": lambda x: x.slug, "content": lambda x: x.slug,
        "pay_tables": lambda x: f"{x.pay_year} {x.nation}"}


def _by_key(data: CatalogueData) -> dict[tuple[str, str], dict]:
    return {(section, key(item)): plain(item.model_dump())
            for section, key in KEYS.items() for item in getattr(data, section)}


def import_file(factory, path: Path, who: str) -> io.ImportResult:
    """Validate ``path``, load it, and audit every item that changed."""
    data = io.read(path)  # raises ImportProblem with a readable message
    before = _by_key(io.dump(SqlUnitOfWork(factory)))
    result = io.load(SqlUnitOfWork(factory), data)
    after = _by_key(io.dump(SqlUnitOfWork(factory)))
    for (section, key), values in after.items():
        old = before.get((section, key))
        if old != values:
            record(factory, who, "import", section, key, old, values, f"{path.suffix} import")
    return result


def export_text(factory, fmt: str) -> str:
    data = io.dump(SqlUnitOfWork(factory))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"catalogue.{fmt}"
        io.write(data, path)
        return path.read_text("utf-8")


class CatalogueTransferView(BaseView):
    """One page and two endpoints. Each ``@expose`` sets the class's ``identity`` as SQLAdmin
    registers it, so the endpoints get names of their own and mount_admin sets it back."""

    name, icon, category = "Import / export", "fa-solid fa-file-arrow-down", "Catalogue"
    identity = IDENTITY

    def _factory(self):
        return self._admin_ref.app_sessions

    @expose("/catalogue-io", methods=["GET"], identity=IDENTITY)
    async def page(self, request: Request) -> Response:
        base = str(request.url_for("admin:index")).rstrip("/") + "/catalogue-io"
        return await self.templates.TemplateResponse(request, "transfer.html", {"base": base})

    @expose("/catalogue-io/export.{fmt:str}", methods=["GET"], identity=f"{IDENTITY}-export")
    async def export(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("yaml", "csv"):
            return Response("Export as .yaml or .csv", status_code=404)
        body = await anyio.to_thread.run_sync(export_text, self._factory(), fmt)
        stamp = dt.date.today().isoformat()
        media = "text/csv" if fmt == "csv" else "application/x-yaml"
        name = f"catalogue-{stamp}.yaml" if fmt == "yaml" else f"roles-{stamp}.csv"
        return Response(body, media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @expose("/catalogue-io/upload", methods=["POST"], identity=f"{IDENTITY}-upload")
    async def upload(self, request: Request) -> Response:
        back = str(request.url_for("admin:index")).rstrip("/") + "/catalogue-io"
        form = await request.form(max_part_size=MAX_UPLOAD)
        upload = form.get("file")
        suffix = Path(getattr(upload, "filename", "") or "").suffix.lower()
        if (not isinstance(upload, UploadFile) or not upload.filename
                or suffix not in (".yaml", ".yml", ".csv")):
            flash(request, "Choose a .yaml, .yml or .csv file.", "danger")
            return RedirectResponse(back, 303)
        filename = upload.filename
        content = await upload.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            flash(request, "That file is larger than 5 MB.", "danger")
            return RedirectResponse(back, 303)
        who = actor(request)

        def run() -> str:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"upload{suffix}"
                path.write_bytes(content)
                try:
                    return f"Imported: {import_file(self._factory(), path, who)}"
                except (io.ImportProblem, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
                    return "Nothing imported. " + str(exc).replace(str(path), filename)[:1500]

        message = await anyio.to_thread.run_sync(run)
        flash(request, message, "success" if message.startswith("Imported") else "danger")
        return RedirectResponse(back, 303)
