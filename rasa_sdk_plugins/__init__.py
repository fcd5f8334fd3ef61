"""Action-server start-up, through rasa_sdk's own plugin hook.

rasa_sdk's plugin manager (rasa_sdk/plugin.py) imports a top-level package of this name and
calls ``init_hooks``; its ``attach_sanic_app_extensions`` hook gets the Sanic app before the
server starts. We use it to build the catalogue's search indexes as the server starts, not on
the first user's turn, and to add ``GET /ready`` (actions/readiness.py).
"""
from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionServerStart:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        from actions.readiness import attach

        attach(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionServerStart())
