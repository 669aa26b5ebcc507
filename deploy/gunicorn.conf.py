"""gunicorn for the web container (the Dockerfile's CMD passes this file with --config). The
process count comes from the environment, so a larger host gets more of them without a new image.

Each thread holds one database connection: JISREVIEW_WEB_WORKERS x JISREVIEW_WEB_THREADS, plus the
Celery worker's, must stay below PostgreSQL's max_connections (100 by default).
"""

import os


def _count(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment; anything else stops gunicorn with a
    message naming the variable (this file cannot use jisreview.env: it loads no Django)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name}={raw!r} must be a whole number of at least 1.")
    return int(raw)


# One process per core (at least two), two threads each: measured on two cores under the load run
# (scripts/load.py), four requests at a time cost ~9 ms of CPU a request where twelve (3 x 4) cost
# ~11 (threads of one process contend for its interpreter lock, and more connections for the
# database's); a busier host raises JISREVIEW_WEB_WORKERS.
workers = _count("JISREVIEW_WEB_WORKERS", max(2, os.cpu_count() or 1))
# Threaded workers: a request whose body is slow to come (or never comes) holds one thread while
# the others, and the worker's heartbeat, go on; a sync worker would be held whole until the
# timeout below killed it. The application bounds that wait itself (JISREVIEW_REQUEST_BODY_SECONDS,
# a read timeout on the socket), and the proxy reads the whole body before passing it on.
worker_class = "gthread"
threads = _count("JISREVIEW_WEB_THREADS", 2)
# A request is cut off after this many seconds; JISREVIEW_IMPORT_MAX_SECONDS stays below it, so a
# slow catalog import ends with a message instead of a lost worker.
timeout = 30
