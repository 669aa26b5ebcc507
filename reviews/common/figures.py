"""Counts many requests ask for (the progress report, the plan summary, a list's total) kept in the
shared cache and dropped the moment a write they depend on commits: never stale, recomputed only
after a change.

Each table in TABLES has a generation number in the cache, moved by every committed write to it; a
figure is cached under the generations of the tables it is counted from — those its queries read
while it was computed, or those it names — so a write anywhere in those (a transition, a batch, a
plan run, a catalog import, the admin, a bulk UPDATE or raw SQL) retires it, and a write elsewhere
does not: a reviewer's later draft (its answers and its transition) leaves the progress report and
a list of standards as they are. The writes are seen where Django sends SQL
(an execute wrapper on each database connection), so no service has to remember to call anything.
Inside a transaction figures are computed, not cached: its own uncommitted writes must count for it
and for no one else.

Only a cache shared by every process is used (Redis in production); with the per-process local
memory cache the figures are always computed. Should Redis drop a generation bump (it is down
while the write commits), a figure outlives its data by at most FIGURE_SECONDS.
"""

import contextlib
import functools
import hashlib
import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from accounts.roles import Role, has_role, is_coordinator
from standards.signals import catalog_changed

logger = logging.getLogger(__name__)

GENERATION_KEY = "reviews:figures:generation"
FIGURE_SECONDS = 120
# What the cached figures are counted from: the plan, the survey's batches, assignments, their
# transitions (burn-down) and responses (answers), the questionnaire, the catalog's standards and
# their ministries.
TABLES = (
    "reviews_transition",
    "reviews_response",
    "reviews_questionnaireversion",
    "reviews_programme",
    "reviews_planyear",
    "reviews_planentry",
    "reviews_batch",
    "reviews_assignment",
    "standards_standard",
    "standards_standard_ministries",
    "standards_ministry",
    # and what the survey lists filter on (their page totals: counted())
    "reviews_standardpriority",
    "reviews_standardoutcome",
    "reviews_followup",
    "standards_standardalignment",
    "standards_internationalcorrespondence",
    "standards_draftingbody",
)
# A write names its table first: INSERT INTO t, UPDATE t, DELETE FROM t, COPY t, MERGE INTO t,
# ALTER TABLE t (read from the head only: a bulk INSERT's statement runs to megabytes). TRUNCATE
# lists its tables and WITH may write in any part, so those are searched whole.
_TARGET = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|MERGE\s+INTO|ALTER\s+TABLE)\s+(?:ONLY\s+)?"?(\w+)"?',
    re.IGNORECASE,
)
_WHOLE = re.compile(r"\s*(?:TRUNCATE|WITH)\b", re.IGNORECASE)
_TABLE = re.compile(r'\b"?(' + "|".join(TABLES) + r')"?(?![a-z_])', re.IGNORECASE)
_NAMES = frozenset(TABLES)


def shared() -> bool:
    """Whether figures are cached: a cache every process shares, and not turned off."""
    return settings.FIGURES_CACHE and not isinstance(caches["default"], LocMemCache)


def cached(name: str, parts: tuple, compute, tables=None):
    """compute() through the cache, under `parts` (everything it depends on besides the tables: the
    user's scope, the day, the language, the query) and the generations of the tables it is counted
    from: `tables` if given, else those its queries read while it was computed (found in their SQL,
    so a figure that comes to read another table is kept under that one too). A figure that reads
    a table whose writes are not watched (not in TABLES) is computed every time."""
    if not shared() or any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        return compute()
    key = f"reviews:figures:{name}:{hashlib.sha1(repr(parts).encode()).hexdigest()}"
    kept = cache.get(key)
    if kept is not None:
        kept_tables, kept_generations, value = kept
        if _generations(kept_tables) == kept_generations:
            _reading.tell(kept_tables)
            return value
    # the generations before the figure is counted: a write committed meanwhile moves them, and
    # the figure kept under these is not served again
    before = _generations(tables or TABLES)
    if before is None:  # the cache is away: count
        return compute()
    if tables is not None:
        value = compute()
        _reading.tell(tables)
        read = frozenset(tables)
    else:
        with _reading.tables() as read:
            value = compute()
        if not _NAMES.issuperset(read):
            return value
    read = tuple(sorted(read))
    cache.set(key, (read, {table: before[table] for table in read}, value), FIGURE_SECONDS)
    return value


def _generation_key(table: str) -> str:
    return f"{GENERATION_KEY}:{table}"


def _generations(tables) -> dict | None:
    """The tables' generations (one round trip), each started where missing: table → generation.
    A generation starts at the clock in microseconds, never at a number an earlier generation of
    the table had (a figure cached then must not come back)."""
    names = sorted(set(tables))
    keys = [_generation_key(table) for table in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        start = time.time_ns() // 1000
        for key in missing:
            cache.add(key, start, None)
        found.update(cache.get_many(missing))
        if any(key not in found for key in keys):
            return None
    return {table: found[key] for table, key in zip(names, keys, strict=True)}


class _Reading(threading.local):
    """The tables read while figures are computed, for each figure being computed in this thread
    (one inside another is read for both): from the SQL the database connection runs, and from
    the figures inside it that were served from the cache."""

    def __init__(self):
        self.open: list[set] = []

    @contextlib.contextmanager
    def tables(self):
        read: set[str] = set()
        self.open.append(read)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(self._seen):
                yield read
        finally:
            self.open.remove(read)

    def tell(self, tables) -> None:
        for read in self.open:
            read.update(tables)

    def _seen(self, execute, sql, params, many, context):
        self.tell(_tables_named(str(sql)))
        return execute(sql, params, many, context)


_reading = _Reading()
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _tables_named(sql: str) -> frozenset:
    """The model tables a statement names, quoted or not (a read: every table it mentions)."""
    return _model_tables().intersection(word.lower() for word in _WORD.findall(sql))


def counted(queryset) -> int:
    """queryset.count() through the cache: a list's total, which every page of it asks for, kept
    under the exact SQL and parameters of the query (the user's scope and filters are in them) and
    the generations of the tables it reads. Counted directly when it reads a table whose writes
    are not watched (not in TABLES)."""
    return _read_through("count", queryset, queryset.count)


def rows(queryset) -> list:
    """list(queryset) through the cache, as counted() keeps a count: for the part of a figure that
    changes less often than the rest (the plan's counts beside the assignments' states)."""
    return _read_through("rows", queryset, lambda: list(queryset))


def _read_through(name: str, queryset, compute):
    """compute() cached under the queryset's SQL and parameters and the generations of the tables
    it names; computed directly when one of those is not watched, or when no row can match
    (Django then sends no query)."""
    try:
        sql, params = queryset.query.chain().get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        return compute()
    named = _tables_named(sql)
    if not _NAMES.issuperset(named):
        return compute()
    return cached(name, (sql, params), compute, named)


@functools.cache
def _model_tables() -> frozenset:
    from django.apps import apps

    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def scope_key(user) -> tuple:
    """What reviews.common.scope lets `user` count, as a key: every standard for coordinators; a
    viewer's ministry's; a reviewer's own assignments' (the tables behind those are watched)."""
    if user is None or is_coordinator(user):
        return ("all",)
    viewer = user.ministry_id if has_role(user, Role.MINISTRY_VIEWER) else None
    return ("ministry", viewer, "reviewer", user.pk if has_role(user, Role.REVIEWER) else None)


def generation_bump(tables=TABLES) -> None:
    """Move the generations of `tables` (all of TABLES unless given): every figure counted from
    any of them is retired. On Redis, one round trip for them all (a generation not there yet
    starts at the clock, then moves)."""
    keys = [_generation_key(table) for table in sorted(set(tables))]
    redis = _redis()
    if redis is None:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # no generation yet: nothing cached under one either
                cache.add(key, time.time_ns() // 1000, None)
        return
    start = time.time_ns() // 1000
    try:
        with redis.pipeline(transaction=False) as pipe:
            for key in keys:
                stored = cache.make_and_validate_key(key)
                pipe.set(stored, start, nx=True)
                pipe.incr(stored)
            pipe.execute()
    except RedisError:  # Redis away: the figures cached before expire within FIGURE_SECONDS
        logger.warning("figures: generations of %s not moved (Redis unavailable)", keys)


def _redis():
    """The raw Redis client behind the cache (django-redis), or None for another cache."""
    if not isinstance(caches["default"], RedisCache):
        return None
    return get_redis_connection("default")


def _tables_written(sql) -> frozenset:
    """The watched tables a statement writes (none for a read)."""
    text = sql if isinstance(sql, str) else str(sql)
    target = _TARGET.match(text)
    if target:
        table = target.group(1).lower()
        return frozenset((table,)) if table in _NAMES else frozenset()
    if _WHOLE.match(text):
        return frozenset(name.lower() for name in _TABLE.findall(text))
    return frozenset()


def _writes_figures(sql) -> bool:
    return bool(_tables_written(sql))


class _BumpOnCommit:
    """The tables a transaction wrote, their generations moved once it commits."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self) -> None:
        generation_bump(self.tables)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    written = _tables_written(sql)
    if written:
        connection = context["connection"]
        if connection.in_atomic_block:
            # once a transaction, however many rows it writes; robust: the write has committed, a
            # missed bump must not become the caller's error
            pending = next(
                (p[1] for p in connection.run_on_commit if isinstance(p[1], _BumpOnCommit)), None
            )
            if pending is None:
                pending = _BumpOnCommit()
                transaction.on_commit(pending, using=connection.alias, robust=True)
            pending.tables.update(written)
        else:
            generation_bump(written)
    return result


def _watch_connection(sender, connection, **kwargs) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _catalog_changed(**kwargs) -> None:
    generation_bump()


def watch_writes() -> None:
    """From AppConfig.ready(): every database connection, present and future, reports its writes."""
    connection_created.connect(_watch_connection, dispatch_uid="reviews.common.figures")
    # Catalog imports write new standards with COPY on the raw psycopg cursor, which the wrapper
    # does not see; they announce every row they wrote once committed.
    catalog_changed.connect(_catalog_changed, dispatch_uid="reviews.common.figures")
    for connection in connections.all(initialized_only=True):
        _watch_connection(None, connection)
