"""Counts many requests ask for (the progress report, the plan summary) kept in the shared cache and
dropped the moment a write they depend on commits: never stale, recomputed only after a change.

Every committed write to a table in TABLES moves one generation number in the cache; a figure is
cached under the generation it was computed at, so a write anywhere — a transition, a batch, a plan
run, a catalog import, the admin, a bulk UPDATE or raw SQL — retires every figure at once. The
writes are seen where Django sends SQL (an execute wrapper on each database connection), so no
service has to remember to call anything. Inside a transaction figures are computed, not cached:
its own uncommitted writes must count for it and for no one else.

Only a cache shared by every process is used (Redis in production); with the per-process local
memory cache the figures are always computed. Should Redis drop a generation bump (it is down
while the write commits), a figure outlives its data by at most FIGURE_SECONDS.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.signals import connection_created

from accounts.roles import Role, has_role, is_coordinator
from standards.signals import catalog_changed

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


def cached(name: str, parts: tuple, compute):
    """compute() through the cache, under the current generation and `parts` (everything the
    figure depends on besides the tables: the user's scope, the day, the language, the query)."""
    if not shared() or any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        return compute()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # the cache is away: count
            return compute()
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    key = f"reviews:figures:{name}:{generation}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, FIGURE_SECONDS)
    return found


_QUOTED = re.compile(r'"(\w+)"')


def counted(queryset) -> int:
    """queryset.count() through the cache: a list's total, which every page of it asks for, kept
    under the exact SQL and parameters of the count (the user's scope and filters are in them).
    Counted directly when the query reads a table whose writes are not watched (not in TABLES)."""
    try:
        sql, params = queryset.query.chain().get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter nothing can match (count() answers 0 without a query)
        return queryset.count()
    if not _NAMES.issuperset(name for name in _QUOTED.findall(sql) if name in _model_tables()):
        return queryset.count()
    return cached("count", (sql, params), queryset.count)


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


def generation_bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing cached under one either
        cache.add(GENERATION_KEY, 1, None)


def _writes_figures(sql) -> bool:
    text = sql if isinstance(sql, str) else str(sql)
    target = _TARGET.match(text)
    if target:
        return target.group(1).lower() in _NAMES
    return bool(_WHOLE.match(text)) and bool(_TABLE.search(text))


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if _writes_figures(sql):
        connection = context["connection"]
        if connection.in_atomic_block:
            # once a transaction, however many rows it writes; robust: the write has committed, a
            # missed bump must not become the caller's error
            if not any(pending[1] is generation_bump for pending in connection.run_on_commit):
                transaction.on_commit(generation_bump, using=connection.alias, robust=True)
        else:
            generation_bump()
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
