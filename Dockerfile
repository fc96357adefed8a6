# Production image: gunicorn serving the app, static files by WhiteNoise.
FROM python:3.11-slim-trixie AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/var/lib/ssrtracker

# pg_dump and pg_restore for "manage.py backup" and "restore". Their major version must be the
# server's: pg_dump refuses a newer server, and an older server may not read a newer pg_dump's
# output. Debian 13 (trixie) ships PostgreSQL 17, the version docker-compose.yml runs (a test
# keeps the two equal). fonts-dejavu-core: the font of the summaries' PDF edition.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-17 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pg_dump --version && pg_restore --version

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt

COPY . .
# A throw-away key: collectstatic signs nothing, but settings refuse a short or published one.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
        python manage.py collectstatic --noinput -v0 \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin ssrtracker \
    && mkdir -p "$VAR_DIR/media" && chown -R ssrtracker "$VAR_DIR"

USER ssrtracker
EXPOSE 8000
CMD ["gunicorn", "ssrtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
