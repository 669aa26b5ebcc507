# jisreview: one image for every role. docker-compose.yml runs it as the migrate job, web
# (this CMD: gunicorn), the Celery worker and Celery beat. Configuration comes from the
# environment at run time (see .env.example); nothing secret is baked into the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged system user that runs everything; it owns nothing but var/.
RUN groupadd --system --gid 10001 jisreview \
    && useradd --system --uid 10001 --gid jisreview --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin jisreview

WORKDIR /app

# Dependencies first, so a code change does not reinstall them: exactly the lock file, every
# package (direct or not) at its pinned version and checked against its hash. Every package ships
# a wheel (psycopg[binary] included), so no compiler is needed.
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY . .

# collectstatic at build time. Settings refuse to load without a secret key, allowed hosts, a
# database, a broker and an SMTP host when debug is off, so this one step gets throwaway values
# (not ENV: they must not reach the running container); nothing connects to them. Debug stays off
# so that the manifest storage is used, as at run time. Loading the settings creates no folder, so
# the step leaves nothing behind in var/.
RUN env DJANGO_DEBUG=0 \
        DJANGO_SECRET_KEY=collectstatic-only-build-time-key-never-used-at-run-time \
        DJANGO_ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://collectstatic@localhost:5432/unused \
        EMAIL_HOST=localhost \
        CELERY_BROKER_URL=memory:// \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown jisreview:jisreview /app/var

# Numeric, so that a runtime can verify it is not root (e.g. Kubernetes runAsNonRoot).
USER 10001:10001

EXPOSE 8000

# GET /healthz: 200 when the database and the broker answer. The Host header is the first
# DJANGO_ALLOWED_HOSTS entry (127.0.0.1 need not be allowed), and X-Forwarded-Proto: https keeps
# DJANGO_SECURE_SSL_REDIRECT from answering with a redirect. This check is for the web role:
# docker-compose.yml gives the worker and beat checks of their own.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.').replace('*', '') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=5)"]

# Workers, threads and the request timeout: deploy/gunicorn.conf.py, from JISREVIEW_WEB_WORKERS
# and JISREVIEW_WEB_THREADS.
CMD ["gunicorn", "jisreview.wsgi:application", "--config", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
