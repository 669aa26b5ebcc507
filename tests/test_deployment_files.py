"""The Docker deployment files agree with each other and with the settings they feed.

No Docker engine is needed: docker-compose.yml is parsed as YAML, the Dockerfile, .env.example,
.dockerignore and the reverse proxy's deploy/Caddyfile as text. One test loads the settings in a
subprocess with the values of .env.example, to prove that a .env copied from it starts the
application; gunicorn itself reads deploy/gunicorn.conf.py. The lock files that the Dockerfile, the
Makefile and so CI install from pin every package with its hashes.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"
# Each lock file and the hand-edited list of direct dependencies it is resolved from.
LOCK_FILES = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}
SETTINGS_FILE = ROOT / "jisreview" / "settings.py"
APP_PACKAGES = ("jisreview", "accounts", "standards", "reviews")

SERVICES = ("db", "broker", "cache", "web", "worker", "beat", "proxy")
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("db", "broker", "cache")

# Variables Compose sets itself for the application services, pointing at its db, broker and cache.
COMPOSE_URLS = {
    "DATABASE_URL": "postgres://jisreview:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    "@db:5432/jisreview",
    "CELERY_BROKER_URL": "redis://broker:6379/0",
    "CACHE_URL": "redis://cache:6379/0",
}

_SETTINGS_READ = re.compile(r"\benv_(?:str|bool|int|list|choice)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
_OS_ENVIRON_READ = re.compile(
    r"os\.(?:environ\.get\(|environ\[|getenv\()\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)
# ${NAME}, ${NAME:-default}, ${NAME:?error} and $NAME; "$$" is Compose's escaped dollar.
_COMPOSE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
_GUNICORN_READ = re.compile(r"\b_count\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


# --- Readers --------------------------------------------------------------------------------


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def service(name: str) -> dict:
    return compose()["services"][name]


def _argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _healthcheck_text(name: str) -> str:
    test = service(name).get("healthcheck", {}).get("test", [])
    return test if isinstance(test, str) else " ".join(test)


def _environment(name: str) -> dict[str, str]:
    environment = service(name).get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _compose_variables() -> set[str]:
    text = COMPOSE_FILE.read_text(encoding="utf-8").replace("$$", "")
    return {braced or bare for braced, _, bare in _COMPOSE_VARIABLE.findall(text)}


def _interpolate(value: str, variables: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        name = match.group(1) or match.group(3)
        modifier = match.group(2) or ""
        if modifier.startswith((":-", "-")) and not variables.get(name):
            return modifier.split("-", 1)[1]
        return variables[name]

    return "$".join(_COMPOSE_VARIABLE.sub(substitute, part) for part in value.split("$$"))


@cache
def env_example_lines() -> tuple[str, ...]:
    return tuple(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines())


@cache
def env_example() -> dict[str, str]:
    values = {}
    for line in env_example_lines():
        match = _ENV_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


@cache
def settings_variables() -> frozenset[str]:
    return frozenset(_SETTINGS_READ.findall(SETTINGS_FILE.read_text(encoding="utf-8")))


@cache
def app_code_variables() -> frozenset[str]:
    """Variables the application reads with os.environ outside the settings (test settings aside)."""
    names = set()
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "test_settings.py":
                continue
            names.update(_OS_ENVIRON_READ.findall(path.read_text(encoding="utf-8")))
    return frozenset(names)


@cache
def gunicorn_variables() -> frozenset[str]:
    return frozenset(_GUNICORN_READ.findall(GUNICORN_CONF.read_text(encoding="utf-8")))


@cache
def dockerfile_instructions() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    instructions, pending = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return tuple(instructions)


def dockerfile(keyword: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == keyword]


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_uses_the_compose_spec_without_a_version_key():
    assert "version" not in compose()
    assert set(SERVICES) <= set(compose()["services"]), "a required service is missing"


@pytest.mark.parametrize("name", SERVICES)
def test_service_has_a_healthcheck(name):
    healthcheck = service(name).get("healthcheck") or {}
    assert not healthcheck.get("disable"), f"{name}: health check disabled"
    assert _healthcheck_text(name).strip(), f"{name}: no health check test"


@pytest.mark.parametrize(
    ("name", "probe"),
    [
        ("db", "pg_isready"),
        ("broker", "redis-cli ping"),
        ("cache", "redis-cli ping"),
        ("web", "http://127.0.0.1:8000/healthz"),
        ("worker", "celery -A jisreview inspect ping"),
        ("beat", "beat"),
        ("proxy", "http://127.0.0.1:2019/config/"),
    ],
)
def test_healthcheck_probes_the_service_itself(name, probe):
    assert probe in _healthcheck_text(name)


@pytest.mark.parametrize("name", SERVICES)
def test_service_restarts_unless_stopped(name):
    assert service(name).get("restart") == "unless-stopped"


@pytest.mark.parametrize("app", APP_SERVICES)
@pytest.mark.parametrize("backing", BACKING_SERVICES)
def test_app_service_waits_for_healthy_backing_service(app, backing):
    depends_on = service(app).get("depends_on")
    assert isinstance(depends_on, dict), f"{app}: depends_on needs the long form with conditions"
    assert depends_on.get(backing, {}).get("condition") == "service_healthy"


@pytest.mark.parametrize("app", APP_SERVICES)
def test_app_service_reads_env_file_and_compose_urls(app):
    env_file = service(app).get("env_file")
    assert ".env" in ([env_file] if isinstance(env_file, str) else env_file or [])
    environment = _environment(app)
    for name, url in COMPOSE_URLS.items():
        assert environment.get(name) == url, f"{app}: {name}"


def test_postgres_credentials_match_database_url():
    db = _environment("db")
    assert db["POSTGRES_USER"] == "jisreview"
    assert db["POSTGRES_DB"] == "jisreview"
    assert db["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    assert "postgres-data" in " ".join(service("db").get("volumes", []))


def test_web_starts_after_a_successful_migration():
    depends_on = service("web")["depends_on"]
    migrators = [
        name
        for name, condition in depends_on.items()
        if condition.get("condition") == "service_completed_successfully"
    ]
    assert migrators, "web waits for no one-shot job"
    commands = [" ".join(_argv(service(name).get("command", ""))) for name in migrators]
    assert "python manage.py migrate --noinput" in commands


def test_web_is_reached_only_through_the_proxy():
    """The application trusts the proxy's X-Forwarded-For: a client reaching web directly could
    write any address there, so web publishes no port; the proxy publishes HTTP and HTTPS."""
    for name in compose()["services"]:
        if name != "proxy":
            assert not service(name).get("ports"), f"{name} publishes a port"
    assert [str(port) for port in service("web").get("expose", [])] == ["8000"]
    published = [str(port) for port in service("proxy")["ports"]]
    assert {"80:80", "443:443"} <= set(published)
    assert service("proxy")["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_proxy_runs_caddy_with_the_caddyfile_of_the_repository():
    assert service("proxy")["image"] == "caddy:2"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in service("proxy")["volumes"]
    assert _environment("proxy") == {
        "JISREVIEW_DOMAIN": "${JISREVIEW_DOMAIN:?set JISREVIEW_DOMAIN in .env}"
    }


def test_env_example_trusts_exactly_the_compose_proxy():
    assert env_example()["JISREVIEW_TRUSTED_PROXIES"] == "1"
    hosts = env_example()["DJANGO_ALLOWED_HOSTS"].split(",")
    assert env_example()["JISREVIEW_DOMAIN"] in hosts


# --- deploy/Caddyfile --------------------------------------------------------------------------


def caddy_directives() -> list[list[str]]:
    """The Caddyfile's lines as words, comments and blank lines dropped."""
    lines = CADDYFILE.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([KMG]i?B)?", size).groups()
    factors = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}
    return int(number) * factors.get(unit, 1)


def test_caddyfile_serves_the_domain_and_proxies_to_web():
    directives = caddy_directives()
    assert ["{$JISREVIEW_DOMAIN}", "{"] in directives
    assert ["reverse_proxy", "web:8000", "{"] in directives


def _block(opening: list[str]) -> list[list[str]]:
    """The directives inside the block that `opening` starts (nested blocks included)."""
    directives = caddy_directives()
    start = directives.index(opening) + 1
    depth, end = 1, start
    while depth:
        depth += directives[end][-1] == "{"
        depth -= directives[end] == ["}"]
        end += 1
    return directives[start : end - 1]


def test_caddyfile_bounds_the_wait_for_a_request():
    """A client that never finishes its headers or its body is cut off by the proxy (global
    options, the file's first block), and web gets only bodies the proxy has read whole."""
    assert caddy_directives()[0] == ["{"]
    timeouts = dict(line for line in _block(["timeouts", "{"]) if len(line) == 2)
    assert timeouts["read_header"] == "10s"
    assert timeouts["read_body"] == "60s"
    [[buffers]] = [line[1:] for line in _block(["reverse_proxy", "web:8000", "{"])]
    [size] = [line[1] for line in caddy_directives() if line[0] == "max_size"]
    assert _bytes(buffers) >= _bytes(size)


def test_caddyfile_does_not_pass_on_a_client_written_forwarded_for():
    """Caddy replaces X-Forwarded-For with the address the request came from unless told to trust
    an upstream proxy; either setting would let a client choose the address it is locked out by."""
    words = {word for line in caddy_directives() for word in line}
    assert "trusted_proxies" not in words
    assert not any("X-Forwarded-For" in word for word in words)


def test_caddyfile_answers_its_own_errors_under_api_in_json():
    """A body over the proxy's limit, or web down, is refused by the proxy itself: under /api/ that
    answer is JSON like the application's."""
    directives = caddy_directives()
    start = directives.index(["handle_errors", "{"])
    block = [" ".join(line) for line in directives[start + 1 : start + 5]]
    assert block[:2] == ["@api path /api/*", "header @api Content-Type application/json"]
    assert block[2].startswith('respond @api `{"detail": ')


def test_caddyfile_body_limit_is_above_the_application_limit():
    """The application refuses an oversized body itself, with a message; the proxy's limit must
    not cut in first."""
    [size] = [line[1] for line in caddy_directives() if line[0] == "max_size"]
    application_limit = max(
        int(env_example()["JISREVIEW_IMPORT_MAX_BYTES"]) + 2**20,  # settings.UPLOAD_MAX_BYTES
        5 * 2**20,  # settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    assert _bytes(size) >= application_limit


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("worker", ["celery", "-A", "jisreview", "worker"]),
        ("beat", ["celery", "-A", "jisreview", "beat"]),
    ],
)
def test_celery_service_command(name, prefix):
    argv = _argv(service(name)["command"])
    assert argv[: len(prefix)] == prefix


def test_worker_runs_two_processes():
    command = " ".join(_argv(service("worker")["command"]))
    assert re.search(r"--concurrency[ =]2\b", command)


def _redis_options(name: str) -> dict[str, str]:
    """The --option value pairs of a Redis service's redis-server command."""
    argv = _argv(service(name)["command"])
    assert argv[0] == "redis-server", f"{name}: not redis-server"
    return dict(zip(argv[1::2], argv[2::2], strict=True))


def _url_host(variable: str) -> str:
    return urlsplit(COMPOSE_URLS[variable]).hostname


def test_broker_redis_never_evicts_a_queued_task():
    """A Redis that evicts keys under memory pressure can drop a queued task without a word."""
    assert _url_host("CELERY_BROKER_URL") == "broker"
    assert _redis_options("broker")["--maxmemory-policy"] == "noeviction"
    assert "broker-data:/data" in service("broker")["volumes"]


def test_cache_redis_is_a_separate_bounded_instance():
    """The cache may evict (that is what a cache is for), so it cannot share the broker's Redis."""
    assert _url_host("CACHE_URL") == "cache" != _url_host("CELERY_BROKER_URL")
    options = _redis_options("cache")
    assert options["--maxmemory-policy"] == "allkeys-lru"
    assert _bytes(options["--maxmemory"].replace("mb", "MiB")) >= 64 * 2**20


def test_compose_hard_codes_no_secret():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert not re.search(r"DJANGO_SECRET_KEY\s*[:=]", text), "the secret key belongs in .env"
    for name in compose()["services"]:
        for key, value in _environment(name).items():
            if re.search(r"PASSWORD|SECRET|TOKEN", key):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+(:?[?-][^}]*)?\}", value), f"{name}: {key}"
            password = urlsplit(value).password if "://" in value else None
            if password is not None:
                assert password.startswith("${"), f"{name}: {key} holds a literal password"


# --- Variables -----------------------------------------------------------------------------


def test_variable_readers_find_the_settings():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "LOG_LEVEL"} <= settings_variables()
    assert "POSTGRES_PASSWORD" in _compose_variables()


def test_variable_readers_find_the_gunicorn_settings():
    assert {"JISREVIEW_WEB_WORKERS", "JISREVIEW_WEB_THREADS"} <= gunicorn_variables()


READ_VARIABLES = sorted(
    settings_variables() | app_code_variables() | _compose_variables() | gunicorn_variables()
)


@pytest.mark.parametrize("name", READ_VARIABLES)
def test_variable_is_documented_in_env_example(name):
    set_by_compose = name in COMPOSE_URLS and name not in _compose_variables()
    assert name in env_example() or set_by_compose, f"{name} is read but not in .env.example"


@pytest.mark.parametrize("name", sorted(env_example()))
def test_env_example_lists_only_variables_something_reads(name):
    assert name in READ_VARIABLES, f"{name} in .env.example is read by nothing (a typo?)"


def test_env_example_lines_are_plain_key_value_pairs():
    seen = set()
    for number, line in enumerate(env_example_lines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        assert match, f".env.example line {number} is not KEY=VALUE: {line!r}"
        key, value = match.groups()
        assert key not in seen, f".env.example sets {key} twice"
        seen.add(key)
        assert value == value.strip(), f"{key}: value has surrounding spaces"
        assert " #" not in value, f"{key}: inline comments are read differently by parsers"
        assert not value.startswith(("'", '"')), f"{key}: quotes would become part of the value"
    assert seen, ".env.example sets nothing"


def test_env_example_comments_every_variable():
    block_has_comment = False
    for line in env_example_lines():
        if not line.strip():
            block_has_comment = False
        elif line.lstrip().startswith("#"):
            block_has_comment = True
        else:
            assert block_has_comment, f"no comment above {line.split('=')[0]}"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("DJANGO_DEBUG", lambda value: value == "0"),
        ("JISREVIEW_DEMO", lambda value: value == "0"),
        ("DJANGO_SECRET_KEY", lambda value: "change-me" in value),
        ("POSTGRES_PASSWORD", lambda value: "change-me" in value),
        ("EMAIL_HOST_PASSWORD", lambda value: value in ("", "change-me")),
        ("DEMO_PASSWORD", lambda value: value == "" or "change-me" in value),
    ],
)
def test_env_example_value_is_a_safe_placeholder(name, safe):
    assert safe(env_example()[name]), f"{name}={env_example()[name]!r}"


def test_env_example_starts_the_settings_as_compose_runs_them(tmp_path):
    """A .env copied from .env.example, its secret key filled in, plus Compose's URLs, loads settings."""
    environment = {
        **env_example(),
        "DJANGO_SECRET_KEY": "a-real-secret-key-generated-for-this-server-0123456789",
        **{name: _interpolate(url, env_example()) for name, url in COMPOSE_URLS.items()},
        "JISREVIEW_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "PATH": os.environ.get("PATH", ""),
    }
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "db = settings.DATABASES['default']; print(json.dumps({'debug': settings.DEBUG, "
        "'engine': db['ENGINE'], 'host': db['HOST'], 'password': db['PASSWORD'], "
        "'cache': settings.CACHES['default']['BACKEND'], 'broker': settings.CELERY_BROKER_URL, "
        "'proxy_count': settings.AXES_IPWARE_PROXY_COUNT, "
        "'address_from': settings.AXES_IPWARE_META_PRECEDENCE_ORDER, "
        "'upload_limit': settings.UPLOAD_MAX_BYTES}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "debug": False,
        "engine": "django.db.backends.postgresql",
        "host": "db",
        "password": env_example()["POSTGRES_PASSWORD"],
        "cache": "django_redis.cache.RedisCache",
        "broker": "redis://broker:6379/0",
        # one proxy: the right-most X-Forwarded-For entry (django-ipware counts the hops after it)
        "proxy_count": 0,
        "address_from": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "upload_limit": int(env_example()["JISREVIEW_IMPORT_MAX_BYTES"]) + 2**20,
    }


# --- Dockerfile and .dockerignore ------------------------------------------------------------


def test_dockerfile_builds_on_python_311_slim():
    assert dockerfile("FROM") == ["python:3.11-slim"]


def test_dockerfile_cmd_runs_gunicorn_on_port_8000():
    (cmd,) = dockerfile("CMD")
    argv = json.loads(cmd)  # exec form, so gunicorn is PID 1 and receives signals
    assert argv[:2] == ["gunicorn", "jisreview.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
    assert dockerfile("EXPOSE") == ["8000"]


def test_dockerfile_cmd_takes_the_process_count_from_the_gunicorn_config():
    """A --workers or --threads on the command line would override the environment's values."""
    argv = json.loads(dockerfile("CMD")[0])
    assert argv[argv.index("--config") + 1] == "deploy/gunicorn.conf.py"
    assert not {"--workers", "-w", "--threads"} & set(argv)
    assert not any(arg.startswith(("--workers=", "--threads=")) for arg in argv)


def gunicorn_config(**environment) -> subprocess.CompletedProcess:
    """gunicorn's own resolution of deploy/gunicorn.conf.py under exactly these variables (plus
    development settings: --print-config loads the application)."""
    return subprocess.run(
        [
            *(sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)),
            *("--print-config", "jisreview.wsgi:application"),
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_DEBUG": "1",
            "JISREVIEW_VAR_DIR": "/tmp/jisreview-gunicorn-config-test",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "workers", "threads"),
    [
        ({}, max(2, os.cpu_count() or 1), 2),
        ({"JISREVIEW_WEB_WORKERS": "5", "JISREVIEW_WEB_THREADS": "3"}, 5, 3),
        ({"JISREVIEW_WEB_WORKERS": " 8 ", "JISREVIEW_WEB_THREADS": ""}, 8, 2),
    ],
    ids=["defaults", "both-set", "blank-threads"],
)
def test_gunicorn_takes_workers_and_threads_from_the_environment(environment, workers, threads):
    result = gunicorn_config(**environment)
    assert result.returncode == 0, result.stderr
    resolved = {  # --print-config prints "name   = value" lines
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert (resolved["workers"], resolved["threads"]) == (str(workers), str(threads))
    assert resolved["worker_class"] == "gthread"
    assert resolved["timeout"] == "30"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("JISREVIEW_WEB_WORKERS", "0"),
        ("JISREVIEW_WEB_WORKERS", "many"),
        ("JISREVIEW_WEB_THREADS", "-2"),
    ],
)
def test_gunicorn_refuses_a_bad_count_naming_the_variable(name, value):
    result = gunicorn_config(**{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r} must be a whole number of at least 1" in result.stderr


def test_dockerfile_runs_as_a_non_root_user():
    users = dockerfile("USER")
    assert users, "no USER: the container would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_healthcheck_targets_healthz():
    (healthcheck,) = dockerfile("HEALTHCHECK")
    assert " CMD " in f" {healthcheck} "
    assert "http://127.0.0.1:8000/healthz" in healthcheck


def test_dockerfile_installs_the_runtime_lock_file_with_hashes_without_cache():
    assert "requirements.txt ." in dockerfile("COPY")
    installs = [shlex.split(run) for run in dockerfile("RUN") if "pip install" in run]
    assert len(installs) == 1, "one pip install, from the lock file"
    argv = installs[0]
    assert argv[argv.index("-r") + 1] == "requirements.txt"
    assert {"--require-hashes", "--no-cache-dir"} <= set(argv)


def test_dockerfile_collects_static_with_build_only_settings():
    collect = [run for run in dockerfile("RUN") if "collectstatic --noinput" in run]
    assert collect, "static files are not collected at build time"
    assert re.search(r"\benv\b.*DJANGO_SECRET_KEY=", collect[0]), "secret key not scoped to RUN"
    for keyword in ("ENV", "ARG"):
        for arguments in dockerfile(keyword):
            assert "DJANGO_SECRET_KEY" not in arguments, f"{keyword} bakes a secret key in"


def test_dockerfile_collectstatic_step_runs_on_its_build_time_values(tmp_path):
    """The RUN's own variables load the production settings (nothing else is set in a build), and
    loading them leaves no folder behind for the image."""
    [collect] = [run for run in dockerfile("RUN") if "collectstatic --noinput" in run]
    argv = shlex.split(collect)
    assert argv[0] == "env"
    assignments = [word for word in argv[1:] if _ENV_LINE.match(word)]
    command = argv[1 + len(assignments) : argv.index("&&")]
    assert command == ["python", "manage.py", "collectstatic", "--noinput"]
    var_dir = tmp_path / "var"
    result = subprocess.run(
        [sys.executable, *command[1:], "--dry-run", "-v0"],
        cwd=ROOT,
        env={
            **dict(word.split("=", 1) for word in assignments),
            "PATH": os.environ.get("PATH", ""),
            "JISREVIEW_VAR_DIR": str(var_dir),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


@pytest.mark.parametrize(
    "pattern", [".git", ".venv", "var", "staticfiles", ".env", "**/__pycache__", ".pytest_cache"]
)
def test_dockerignore_keeps_local_state_out_of_the_image(pattern):
    patterns = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()]
    assert pattern in patterns


def test_env_example_secret_key_placeholder_is_refused():
    """Copying .env.example without choosing a secret key stops the start-up."""
    environment = {
        **env_example(),
        "JISREVIEW_VAR_DIR": "/tmp/jisreview-placeholder-test",
        "DJANGO_SETTINGS_MODULE": "jisreview.settings",
        "PATH": os.environ.get("PATH", ""),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "placeholder" in result.stderr


# --- Lock files: requirements*.in resolved into requirements*.txt by `make lock` ----------------

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)\s*(;[^\\]*)?$")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _logical_lines(path: Path) -> list[str]:
    """The file's lines with backslash continuations joined and comments dropped."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def lock_entries(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package (normalised) -> (version, hashes) for each requirement of a lock file; a line that
    is not `name==version` with options fails here, naming the line."""
    entries = {}
    for line in _logical_lines(ROOT / name):
        requirement, *options = re.split(r"\s+(?=--)", line)
        match = _PIN.match(requirement)
        assert match, f"{name}: {line[:80]!r} is not pinned with =="
        hashes = [option.removeprefix("--hash=") for option in options]
        assert all(option.startswith("--hash=") for option in options), f"{name}: {line[:80]!r}"
        entries[_normalised(match.group(1))] = (match.group(3), hashes)
    return entries


def direct_pins(name: str) -> dict[str, str]:
    """Package (normalised) -> version of each pin in a requirements*.in, following -r."""
    pins = {}
    for line in _logical_lines(ROOT / name):
        if line.startswith("-r "):
            pins |= direct_pins(line.split()[1])
        elif not line.startswith("-c "):
            match = _PIN.match(line)
            assert match, f"{name}: {line!r} is not pinned with =="
            pins[_normalised(match.group(1))] = match.group(3)
    return pins


@pytest.mark.parametrize("lock_file", sorted(LOCK_FILES))
def test_lock_file_pins_every_package_with_its_hashes(lock_file):
    entries = lock_entries(lock_file)
    assert len(entries) > len(direct_pins(LOCK_FILES[lock_file])), "no transitive dependencies"
    for package, (version, hashes) in entries.items():
        assert hashes, f"{lock_file}: {package}=={version} has no hash"
        for digest in hashes:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{lock_file}: {package}"


@pytest.mark.parametrize(("lock_file", "source"), sorted(LOCK_FILES.items()))
def test_lock_file_holds_each_direct_pin_of_its_source(lock_file, source):
    """A pin edited in requirements*.in without `make lock` afterwards fails here."""
    locked = {package: version for package, (version, _) in lock_entries(lock_file).items()}
    for package, version in direct_pins(source).items():
        assert locked.get(package) == version, (
            f"{source} pins {package}=={version}, {lock_file} has {locked.get(package)}: "
            "run make lock"
        )


def test_dev_lock_installs_the_runtime_lock_unchanged():
    """Tests run against the versions the image ships, to the hash."""
    runtime, dev = lock_entries("requirements.txt"), lock_entries("requirements-dev.txt")
    for package, entry in runtime.items():
        assert dev.get(package) == entry, f"{package}: {runtime[package][0]} vs {dev.get(package)}"


def test_lock_tool_is_pinned_among_the_dev_tools():
    assert re.fullmatch(r"\d+(\.\d+)+", direct_pins("requirements-dev.in")["uv"])


def make_rule(target: str) -> tuple[list[str], list[str]]:
    """A Makefile rule's prerequisites and recipe lines (continuations joined)."""
    lines = MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return lines[start].split(":", 1)[1].split(), recipe


def test_makefile_installs_the_virtualenv_from_the_lock_files_with_hashes():
    prerequisites, recipe = make_rule("$(VENV)/.installed")
    assert set(LOCK_FILES) <= set(prerequisites), "a changed lock file must reinstall"
    installs = [shlex.split(line) for line in recipe if " install " in line and " -r " in line]
    assert len(installs) == 1
    argv = installs[0]
    assert argv[argv.index("-r") + 1] == "requirements-dev.txt"
    assert "--require-hashes" in argv
    assert make_rule("venv")[0] == ["$(VENV)/.installed"]
    # CI gets the same install through the venv target, not a pip install of its own.
    commands = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    assert any(line.startswith("make venv") for line in commands)
    assert not any("pip install" in line for line in commands)


def test_make_lock_writes_each_lock_file_from_its_source_with_hashes():
    text = MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    [lock_command] = re.findall(r"^LOCK := (.*)$", text, flags=re.MULTILINE)
    assert lock_command.split()[:3] == ["$(BIN)/uv", "pip", "compile"]
    assert "--generate-hashes" in lock_command.split()
    _, recipe = make_rule("lock")
    written = {line.split(" -o ")[1]: line.split()[-3] for line in recipe}
    assert written == LOCK_FILES
