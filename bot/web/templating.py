"""The web app's Jinja2 templates (bot/web/templates), one set for every page."""
from __future__ import annotations

from pathlib import Path

from starlette.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"      # mounted at /static, name "static" (the templates' url_for)
templates = Jinja2Templates(directory=HERE / "templates")
