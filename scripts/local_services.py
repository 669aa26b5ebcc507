"""Throw-away local services for the load runs and the resilience tests: a free loopback port, a
bounded poll, and a private redis-server (never the shared one) that can be stopped mid-run."""

import socket
import subprocess
import time
from contextlib import closing
from pathlib import Path


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
