"""The Docker deployment files agree with each other and with the settings they feed.

No Docker engine is needed: docker-compose.yml is parsed as YAML, the Dockerfile, .env.example
and .dockerignore as text. One test loads the settings in a subprocess with the values of
.env.example, to prove that a .env copied from it starts the application.
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
SETTINGS_FILE = ROOT / "jisreview" / "settings.py"
APP_PACKAGES = ("jisreview", "accounts", "standards", "reviews")

SERVICES = ("db", "redis", "web", "worker", "beat")
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("db", "redis")

# Variables Compose sets itself for the application services, pointing at its db and redis.
COMPOSE_URLS = {
    "DATABASE_URL": "postgres://jisreview:${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}"
    "@db:5432/jisreview",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "CACHE_URL": "redis://redis:6379/1",
}

_SETTINGS_READ = re.compile(r"\benv_(?:str|bool|int|list|choice)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
_OS_ENVIRON_READ = re.compile(
    r"os\.(?:environ\.get\(|environ\[|getenv\()\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)
# ${NAME}, ${NAME:-default}, ${NAME:?error} and $NAME; "$$" is Compose's escaped dollar.
_COMPOSE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


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
        ("redis", "redis-cli ping"),
        ("web", "http://127.0.0.1:8000/healthz"),
        ("worker", "celery -A jisreview inspect ping"),
        ("beat", "beat"),
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


def test_web_publishes_port_8000():
    assert "8000:8000" in [str(port) for port in service("web").get("ports", [])]


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


READ_VARIABLES = sorted(settings_variables() | app_code_variables() | _compose_variables())


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
        "'cache': settings.CACHES['default']['BACKEND'], 'broker': settings.CELERY_BROKER_URL}))"
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
        "broker": "redis://redis:6379/0",
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


def test_dockerfile_runs_as_a_non_root_user():
    users = dockerfile("USER")
    assert users, "no USER: the container would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_healthcheck_targets_healthz():
    (healthcheck,) = dockerfile("HEALTHCHECK")
    assert " CMD " in f" {healthcheck} "
    assert "http://127.0.0.1:8000/healthz" in healthcheck


def test_dockerfile_installs_pinned_requirements_without_cache():
    runs = dockerfile("RUN")
    assert any("pip install --no-cache-dir -r requirements.txt" in run for run in runs)


def test_dockerfile_collects_static_with_build_only_settings():
    collect = [run for run in dockerfile("RUN") if "collectstatic --noinput" in run]
    assert collect, "static files are not collected at build time"
    assert re.search(r"\benv\b.*DJANGO_SECRET_KEY=", collect[0]), "secret key not scoped to RUN"
    for keyword in ("ENV", "ARG"):
        for arguments in dockerfile(keyword):
            assert "DJANGO_SECRET_KEY" not in arguments, f"{keyword} bakes a secret key in"


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
