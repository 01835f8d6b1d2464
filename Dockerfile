# syntax=docker/dockerfile:1
# InterviewPrep images (docker-compose.yml builds both targets; README.md, section Production, explains the stack).
# Layers go from rarely to often changed: system packages, then the venv (requirements.lock), then the code,
# so a code change rebuilds only the last layers.
#   web    - gunicorn with uvicorn workers (ASGI), celery beat and the one-shot migrate step. Never runs user code; runs as a non-root user.
#   worker - the Celery worker that runs submitted code in the sandbox: bubblewrap plus the language toolchains.
# No secret is baked in: every setting comes from the environment when a container starts.

# The Python minor version must match requires-python in pyproject.toml (tests/deploy checks it).
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app


FROM base AS builder
COPY pyproject.toml requirements.lock ./
# The runtime dependencies from pyproject.toml, pinned to the exact versions in requirements.lock. The lock
# also pins the test tools (pytest, playwright); installing through it as a constraint keeps them out.
# Binary wheels only, so nothing is compiled and the builder needs no compiler.
RUN python -m venv /opt/venv \
 && python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
      > /tmp/runtime-requirements.txt \
 && pip install --no-cache-dir --only-binary=:all: \
      --constraint requirements.lock --requirement /tmp/runtime-requirements.txt


FROM base AS worker
# bubblewrap, setpriv (util-linux) and libseccomp for the sandbox; g++, nodejs and a JDK for C++, JavaScript and
# Java. Python programs run on this image's interpreter with numpy from the venv (sandbox/languages.py binds it).
# The man directory only lets the JDK's post-install step register its man pages on a slim image.
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      bubblewrap util-linux libseccomp2 g++ nodejs openjdk-17-jdk-headless \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /opt/venv /opt/venv
COPY . /app
# The recordings volume (RECORDINGS_DIR): the web user (uid 10001) writes it, the worker's sweep deletes from it.
# Whichever container mounts the empty volume first gives it this folder's owner, so both images make it alike.
RUN mkdir -p /recordings && chown 10001:10001 /recordings && chmod 0700 /recordings
# Root on purpose: bubblewrap then needs no user namespace, and the sandbox runs every program as uid 65534
# with no capabilities (setpriv, sandbox/box.py). docker-compose.yml grants the container what bwrap needs.
# The entrypoint makes the container's own cgroups writable, so each run gets a memory group of its own.
ENTRYPOINT ["/app/deploy/worker-entrypoint.sh"]
CMD ["celery", "-A", "interviewprep", "worker", "--queues", "sandbox,celery", "--loglevel", "INFO"]


FROM base AS web
COPY --from=builder /opt/venv /opt/venv
COPY . /app
# WhiteNoise serves the collected files from STATIC_ROOT; the finders (make run's way) stay off.
ENV STATIC_ROOT=/app/staticfiles \
    WHITENOISE_USE_FINDERS=0
# The SECRET_KEY below exists for this one command: without one, settings would generate a key into var/
# and it would end up in the image. It is not part of the image's environment and signs nothing.
RUN SECRET_KEY=collectstatic-at-build-time-signs-nothing-0000 python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin app \
 && mkdir -p /recordings && chown app:app /recordings && chmod 0700 /recordings
USER app
EXPOSE 8000
# uvicorn in each gunicorn process serves HTTP and the live rounds' websockets (interviewprep/asgi.py); its header
# and websocket message limits are in interviewprep/asgi_worker.py. Bodies are capped by the app's first
# middleware from their Content-Length (interviewprep/request_limits.py) before anything reads them.
CMD ["gunicorn", "interviewprep.asgi:application", "--worker-class", "interviewprep.asgi_worker.Worker", \
     "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
