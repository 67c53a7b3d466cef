"""The site as production serves it, for tests that need the real servers: gunicorn with the project's config,
and nginx with the repository's deploy/nginx.conf.template in front."""

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.conftest import CI, ROOT, free_port, results_dir, wait_until

NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


class Server(str):
    """A running server's base URL that also knows its process (the group's leader: gunicorn's master, nginx's
    master), for a caller that measures it."""

    process: subprocess.Popen


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


@contextmanager
def _serving(command: list[str], *, port: int, name: str, timeout: float, **popen) -> Iterator[Server]:
    """Run a server in its own process group until the block ends; yields its base URL once it answers a page.

    Its output goes to test-results/<name>.log. At the end, SIGTERM to the whole group (master and workers), and
    SIGKILL if it lingers.
    """
    log = open(results_dir() / f"{name}.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen)
    base = Server(f"http://127.0.0.1:{port}")
    base.process = server
    try:
        wait_until(
            lambda: server.poll() is not None or _answers(f"{base}/en/accounts/login/"),
            timeout=timeout,
            message=f"{name} to answer",
        )
        assert server.poll() is None, f"{name} exited; see test-results/{name}.log"
        yield base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


@contextmanager
def gunicorn(env: dict[str, str], *, name: str = "gunicorn") -> Iterator[Server]:
    """gunicorn with config/gunicorn.py on a free port; `env` is the whole environment (tests.conftest.subprocess_env).

    Yields the base URL. Its error log goes to test-results/<name>.log.
    """
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "--access-logfile", "/dev/null",
               "config.wsgi"]  # fmt: skip
    env = {**env, "VOICES_HOST": "127.0.0.1", "VOICES_PORT": str(port)}
    with _serving(command, port=port, name=name, timeout=60, cwd=ROOT, env=env) as base:
        yield base


def render_nginx_conf(*, listen: str, upstreams: list[str]) -> str:
    """deploy/nginx.conf.template with its two variables filled in, as the nginx image's envsubst does;
    each further gunicorn node is one more `server` line of the upstream."""
    text = NGINX_TEMPLATE.read_text()
    servers = re.search(r"^(\s*)server \$\{VOICES_UPSTREAM\}(.*)$", text, re.MULTILINE)
    assert servers, "deploy/nginx.conf.template must name its upstream as `server ${VOICES_UPSTREAM}`"
    indent, rest = servers.group(1), servers.group(2)
    lines = "\n".join(f"{indent}server {address}{rest}" for address in upstreams)
    text = text[: servers.start()] + lines + text[servers.end() :]
    text = text.replace("${VOICES_LISTEN}", listen)
    left = re.findall(r"\$\{VOICES_\w+\}", text)
    assert not left, f"variables the template uses and the tests do not fill in: {left}"
    return text


@contextmanager
def nginx(upstreams: list[str], prefix: Path, *, name: str = "nginx") -> Iterator[Server]:
    """nginx from the Debian package, run in the foreground with the repository's config under its own prefix.

    `upstreams` are gunicorn base URLs. Yields nginx's base URL.
    """
    if not Path(NGINX).exists():
        if CI:
            pytest.fail(f"nginx is required with CI=true and is missing at {NGINX} (apt-get install nginx-light)")
        pytest.skip(f"nginx not installed at {NGINX}")
    port = free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(
        render_nginx_conf(
            listen=f"127.0.0.1:{port}", upstreams=[url.removeprefix("http://") for url in upstreams]
        )
    )
    # Run as root, nginx hands its workers to an unprivileged user, who could not reach a temporary folder that
    # only root may enter (pytest's); the test keeps them root.
    directives = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
    command = [NGINX, "-p", f"{prefix}/", "-c", str(config), "-e", "stderr", "-g", directives]
    try:
        with _serving(command, port=port, name=name, timeout=30) as base:
            yield base
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@contextmanager
def moto_s3(*, env: dict[str, str] | None = None) -> Iterator[Server]:
    """moto's S3 server (the real S3 API over HTTP) on a free port until the block ends; yields its URL.

    `env` is the server's whole environment (MOTO_S3_DEFAULT_KEY_BUFFER_SIZE, TMPDIR: where it keeps large
    objects); by default this process's.
    """
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = Server(f"http://127.0.0.1:{port}")
    url.process = process

    def up():
        try:
            return requests.get(url, timeout=5).status_code < 500
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine answers the first request slowly
            return False

    try:
        wait_until(up, timeout=30, message="moto's S3 server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
