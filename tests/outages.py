"""Real outages for the tests, on servers of their own: a PostgreSQL cluster and a Redis the test may stop.

The machine's shared PostgreSQL and Redis are never touched. The cluster
runs as the `postgres` user when the tests run as root (initdb refuses root).
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import CI, ROOT, free_port, results_dir, subprocess_env, wait_until


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        if CI:
            pytest.fail(f"PostgreSQL's {name} is needed for the outage tests (apt-get install postgresql)")
        pytest.skip(f"PostgreSQL's {name} is not installed")
    return found[-1]


class PrivatePostgres:
    """A throwaway cluster in a temporary folder on a free port, with one database."""

    def __init__(self, name: str = "voices") -> None:
        self.port, self.name = free_port(), name
        self.folder = Path(tempfile.mkdtemp(prefix="voices-pg-"))
        self.data = self.folder / "data"
        # The server's log is written in its own folder: the `postgres` user may not enter the project's (a
        # clone in a folder only root may open), and it is copied to test-results when the cluster goes.
        self.log = self.folder / "postgres.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.start()
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.name)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, cwd=self.folder)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.name}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def start_if_stopped(self) -> None:
        if not self.running():
            self.start()

    def stop(self, mode: str = "fast") -> None:
        """As an operator's restart or a crash does: every connection is cut at once."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        with contextlib.suppress(OSError):
            shutil.copyfile(self.log, results_dir() / f"postgres-{self.port}.log")
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A redis-server of its own on a free port, keeping nothing on disk: restarted, it comes back empty."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            if CI:
                pytest.fail("redis-server is needed for the outage tests (apt-get install redis-server)")
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=20, message="the test's own redis-server")

    def kill(self) -> None:
        """As a crash or an out-of-memory kill does: no chance to save anything."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)


@contextlib.contextmanager
def using_database(url: str):
    """Point this process's default connection (every thread's) at another database, and back afterwards."""
    import environ

    settings_dict = connections["default"].settings_dict
    saved = dict(settings_dict)
    other = environ.Env.db_url_config(url)
    connections["default"].close()
    settings_dict.update({key: other[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
    try:
        yield
    finally:
        connections["default"].close()
        settings_dict.clear()
        settings_dict.update(saved)


def start_celery(kind: str, name: str, *, env: dict[str, str], queues: str = "default,media") -> subprocess.Popen:
    """A real worker (or beat) process of the test's own, in its own process group, logging to test-results/."""
    log = open(results_dir() / f"celery-{name}.log", "wb")  # noqa: SIM115 - the process owns it
    if kind == "worker":
        command = ["worker", "--queues", queues, "--concurrency", "1", "--hostname", f"{name}-{os.getpid()}@%h",
                   "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    else:
        schedule = Path(tempfile.mkdtemp(prefix="voices-beat-")) / "schedule"
        command = ["beat", "--schedule", str(schedule), "--loglevel", "INFO"]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", *command],
        cwd=ROOT, env=subprocess_env(**env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run_django(code: str, *, env: dict[str, str]) -> str:
    """Run a few lines of Django in a process of its own (a web node, say), with its own settings."""
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=subprocess_env(**env), capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def seconds_since(start: float) -> float:
    return round(time.monotonic() - start, 1)
