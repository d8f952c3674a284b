# One image for the four services and the web pages; docker-compose.yml picks one per container with
# `command: ["python", "-m", "<service>"]`. The operators' command line, `efp-ops`, is in every
# container: `docker compose exec notification efp-ops emails abandoned` (it reads the same environment).

# --- assets: the DSFR's CSS, JS, fonts and icons the pages serve themselves (no CDN) --------
FROM node:20-slim AS assets
WORKDIR /src/services/web
# .dsfr.yml accepts the DSFR's licence (reserved to the State's services), without which its install stops.
COPY services/web/package.json services/web/.dsfr.yml services/web/build-assets services/web/subset-fonts.mjs ./
RUN bash ./build-assets

# --- build: install the packages into a self-contained virtualenv -------------------------
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
# The venv is copied whole into the runtime stage, so it must live at the same path there.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# constraints.txt is the single place third-party versions are pinned.
COPY constraints.txt ./
COPY contracts/ contracts/
COPY runtime/ runtime/
COPY services/ services/
COPY ops/ ops/
COPY --from=assets /src/services/web/src/web/static/dsfr services/web/src/web/static/dsfr
# Non-editable: the runtime stage gets installed packages, not links back into /src.
RUN pip install --no-cache-dir -c constraints.txt \
        ./contracts ./runtime \
        ./services/identity ./services/habilitation ./services/notification ./services/gateway \
        ./services/web ./ops

# --- runtime: slim base + the venv, no sources, no build tools -----------------------------
FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# A fixed, unprivileged uid so volume ownership and read-only root filesystems behave predictably.
RUN groupadd --system --gid 10001 efp \
    && useradd --system --uid 10001 --gid efp --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin efp

# espeak-ng speaks the audio captcha (identity); the other services just carry it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
USER 10001:10001

# No HEALTHCHECK here: it differs per service, so docker-compose.yml defines it.
# The gateway listens on GATEWAY_PORT (8000 in compose), the web pages on WEB_PORT (8080); the
# workers open no port.
EXPOSE 8000 8080

# No sensible default service: say how to choose one instead of silently starting the wrong one.
CMD ["python", "-c", "import sys; sys.exit('efp-connect image: run one service with `python -m identity|habilitation|notification|gateway|web`')"]
