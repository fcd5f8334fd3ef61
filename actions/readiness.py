"""The action server's readiness: ``GET /ready`` answers 503 until the catalogue's search
indexes are built (about 20 s after start on 2 cores), then 200. rasa_sdk's own ``/health``
says only that the process is up; the supervisor, Compose and Helm wait for ``/ready``.
"""
from __future__ import annotations

from sanic import Sanic
from sanic.response import HTTPResponse, json

from actions.services import catalogue


def attach(app: Sanic) -> None:
    @app.after_server_start  # = app.listener("after_server_start"), typed for the decorator use
    async def start_building_the_indexes(_app: Sanic, _loop) -> None:
        catalogue()  # builds the service, whose warm() starts the index build in a thread

    @app.get("/ready")
    async def ready(_request) -> HTTPResponse:
        is_ready = catalogue().ready
        return json({"ready": is_ready}, status=200 if is_ready else 503)
