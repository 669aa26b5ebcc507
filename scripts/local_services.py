"""Throw-away local services for the load runs, the benchmark and the resilience tests: a free
loopback port, a bounded poll, a private redis-server and a private PostgreSQL server (never the
shared ones) that can be stopped mid-run, and scratch databases that only their creator may drop."""

import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float = 20.0, step: float = 0.05) -> bool:
    """Poll until a server or a worker has done its part (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


class PrivateRedis:
    """A redis-server of its own on a free port, without persistence."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = Path(directory)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        ping = ["redis-cli", "-p", str(self.port), "ping"]
        return subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "yes"),
                *("--dir", str(self.directory), "--logfile", str(self.directory / "redis.log")),
            ],
            check=True,
        )
        if not wait_for(self.answers, 10):
            raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        shutdown = ["redis-cli", "-p", str(self.port), "shutdown", "nosave"]
        subprocess.run(shutdown, capture_output=True)
        if not wait_for(lambda: not self.answers(), 10):
            raise RuntimeError("the private redis-server did not stop")


def postgres_bindir() -> Path:
    """Where initdb, pg_ctl and postgres live: PG_BINDIR, else `pg_config --bindir`, else the
    newest /usr/lib/postgresql/<version>/bin (Debian keeps them off PATH)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    if shutil.which("pg_config"):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if found.returncode == 0 and (Path(found.stdout.strip()) / "initdb").exists():
            return Path(found.stdout.strip())
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not versions:
        raise RuntimeError("no PostgreSQL binaries: install postgresql or set PG_BINDIR")
    return versions[-1].parent


class PrivatePostgres:
    """A PostgreSQL server of its own: initdb into a fresh temporary folder, a free loopback port,
    trust authentication, no Unix socket beside the machine's. Only this server is ever stopped or
    restarted by an outage test; `remove()` (or leaving the `with` block) deletes it.

    PostgreSQL refuses to run as root, so under root every command runs as the `postgres` user."""

    def __init__(self, *, settings: dict[str, str] | None = None):
        self.port = free_port()
        self.bindir = postgres_bindir()
        self.settings = settings or {}
        self.directory: Path | None = None

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def answers(self) -> bool:
        ready = [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(ready).returncode == 0

    def create(self) -> None:
        """initdb, with the same encoding and locale as the machine's cluster."""
        self.directory = Path(tempfile.mkdtemp(prefix="jisreview-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", "postgres", "--auth=trust"),
            *("--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"),
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
            **self.settings,
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self._pg_ctl("start", "-l", str(self.directory / "postgres.log"))
        if not wait_for(self.answers, 30, 0.1):
            raise RuntimeError(f"the private PostgreSQL did not start; see {self.directory}")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """A fast restart, as an operator's would be: open connections are cut."""
        self._pg_ctl("restart", "-m", "fast", "-l", str(self.directory / "postgres.log"))
        if not wait_for(self.answers, 30, 0.1):
            raise RuntimeError("the private PostgreSQL did not come back after the restart")

    def remove(self) -> None:
        if self.directory is None:
            return
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory)
        self.directory = None

    def __enter__(self) -> "PrivatePostgres":
        self.create()
        try:
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()

    def _pg_ctl(self, action: str, *options: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", *options, action)

    def _run(self, program: str, *arguments: str) -> None:
        command = [str(self.bindir / program), *arguments]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        # The postgres user may not be allowed into the caller's working directory.
        done = subprocess.run(command, cwd=self.directory, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")


class NotOurs(Exception):
    """A database this process did not create was about to be dropped."""


class ScratchDatabases:
    """Databases a run creates on a server, each under a generated name (`<prefix>_<8 hex>`) that
    is recorded here. `drop` refuses every other name, so no URL from the environment can ever name
    a database for a script to destroy."""

    SUFFIX = re.compile(r"_[0-9a-f]{8}")

    def __init__(self, server_url: str, *, prefix: str):
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", prefix):
            raise ValueError(f"database prefix {prefix!r}: lowercase letters, digits and _ only")
        self.server_url = server_url
        self.prefix = prefix
        self.created: list[str] = []

    def url(self, name: str) -> str:
        """The server URL (user, host, port, options) with `name` as the database."""
        return urlsplit(self.server_url)._replace(path=f"/{name}").geturl()

    def create(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"{self.prefix}_{secrets.token_hex(4)}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.created.append(name)
        return self.url(name)

    def drop(self, name: str) -> None:
        if name not in self.created:
            raise NotOurs(
                f"refusing to drop database {name!r}: this run did not create it "
                f"(it created {', '.join(self.created) or 'none'})"
            )
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            self.drop(name)

    @classmethod
    def generated(cls, name: str, prefix: str) -> bool:
        """Whether `name` has the form this class gives (`<prefix>_<8 hex>`)."""
        return name.startswith(prefix) and bool(cls.SUFFIX.fullmatch(name[len(prefix) :]))

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True)
