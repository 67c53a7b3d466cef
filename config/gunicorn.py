"""gunicorn settings shared by `make run` and the container image."""

import ctypes
import os
import sys

bind = os.environ.get(
    "VOICES_BIND", f"{os.environ.get('VOICES_HOST', '127.0.0.1')}:{os.environ.get('VOICES_PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let one worker serve several slow phone uploads at once.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 120
# An idle kept-alive connection waits this long for its next request: longer than nginx keeps its connections to
# gunicorn (deploy/nginx.conf.template), so nginx never reuses one gunicorn is closing.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
graceful_timeout = 20
# Heartbeat files on a tmpfs: a container's overlay disk can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 — gunicorn makes private files there
accesslog = "-"
# The access log carries no query strings: they may hold tokens or emails.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


# glibc's mallopt: blocks of at least this size are mapped on their own and go back to the system when freed.
M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES = -3, 128 * 1024


def _large_blocks_go_back() -> None:
    """Keep glibc's threshold for large blocks where it starts, instead of letting it rise.

    After the first large block is freed, glibc raises the threshold to that
    block's size and serves later ones from the threads' arenas, which keep
    the memory. Uploads to S3 read each part in 1 MiB blocks to sign and send
    it: a web process kept tens of MB after a rush of uploads (B8). Set in
    gunicorn's master, before the workers fork: each inherits it.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc (musl, macOS): another allocator, with rules of its own
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


_large_blocks_go_back()


def on_starting(server) -> None:
    """A web node whose SECRET_KEY differs from the site's refuses to start, before it listens (health/same_key.py)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django
    from django.db import connections

    django.setup()
    from health import same_key

    try:
        same_key.check(role="web node")
    except same_key.DifferentKey as refusal:
        server.log.error(str(refusal))
        sys.exit(str(refusal))
    finally:
        connections.close_all()  # each gunicorn worker opens its own


def pre_request(worker, req):
    """Hand the application gunicorn's switch to close the connection after the answer (submissions/framing.py).

    WSGI has no word for it, and gunicorn drops a Connection header the
    application sets; a refused request whose body is still on the
    connection needs it.
    """
    req.body.close_connection = req.force_close
