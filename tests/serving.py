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


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's whole process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def gunicorn(env: dict[str, str], *, name: str = "gunicorn") -> Iterator[str]:
    """gunicorn with config/gunicorn.py on a free port; `env` is the whole environment (tests.conftest.subprocess_env).

    Yields the base URL. Its error log goes to test-results/<name>.log.
    """
    port = free_port()
    log = open(results_dir() / f"{name}.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "--access-logfile", "/dev/null",
         "config.wsgi"],
        cwd=ROOT, env={**env, "VOICES_HOST": "127.0.0.1", "VOICES_PORT": str(port)},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: server.poll() is not None or _answers(f"{base}/en/accounts/login/"),
            timeout=60,
            message="gunicorn to answer",
        )
        assert server.poll() is None, f"gunicorn exited; see test-results/{name}.log"
        yield base
    finally:
        _stop(server)
        log.close()


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
def nginx(upstreams: list[str], prefix: Path, *, name: str = "nginx") -> Iterator[str]:
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
    log = open(results_dir() / f"{name}.log", "wb")
    server = subprocess.Popen(
        [NGINX, "-p", f"{prefix}/", "-c", str(config), "-e", "stderr", "-g", directives],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: server.poll() is not None or _answers(f"{base}/en/accounts/login/"),
            timeout=30,
            message="nginx to answer",
        )
        assert server.poll() is None, f"nginx exited; see test-results/{name}.log"
        yield base
    finally:
        _stop(server)
        log.close()
        shutil.rmtree(prefix, ignore_errors=True)
