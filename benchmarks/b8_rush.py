"""B8, the rush: the deadline night on the production topology, on this machine's loopback.

nginx (deploy/nginx.conf.template, Debian's nginx) in front of two gunicorn
nodes with the project's config (2 processes × 4 threads each) that share no
local folder (each has its own VOICES_VAR_DIR, UPLOAD_TEMP_DIR and
MEDIA_WORK_DIR; they share the code and its collected static files, as two
machines running one image do), PostgreSQL, Redis and S3 on moto's server.
Unfinished uploads live in S3, so any node takes any PATCH. In one run,
bounded in count and time:

1. SIGN_INS entrants sign in through nginx from one address (127.0.0.1, as
   nginx forwards it; TRUSTED_PROXY_COUNT=1), spread over SIGN_IN_WINDOW
   seconds: the whole form, Argon2id, rate limits in Redis, the session in
   PostgreSQL.
2. The baseline: BROWSERS entrants browse (their dashboard, the contest's
   page, their entry's page) and JUDGES judges score (queue, score page, a
   draft saved: POST, 302) through nginx, each signed in once and waiting
   THINK seconds (uniformly drawn) between pages, for BASELINE_SECONDS.
3. The rush: the same browsing and scoring while UPLOADS entrants send a
   video of 4–16 MiB each (random bytes behind an MP4 header) with the tus
   protocol in 8 MiB PATCHes (as the site's uploader), at most UPLOADS_AT_ONCE
   at a time, each client paced to RATE_KIB KiB/s. One upload in DROP_EVERY
   goes through an nginx that reaches node A only, loses its connection
   once in the middle of a PATCH, asks (HEAD) an nginx that reaches node B
   only where to go on, and finishes there. The others go through the main
   nginx, whose round robin spreads their PATCHes over both nodes.

Signed in once: the browsing entrants', judges' and uploaders' sessions are
made before the run (Django's force_login, the same session rows a sign-in
writes), so the run's only sign-ins are those of step 1.

Figures: uploads finished whose stored object (read back from S3) and
recorded checksum both match the SHA-256 the client computed; 5xx answers
(every request of the run); page times p50/p95/p99 in both phases and their
ratio; sign-ins that succeeded and how long they took; each node's resident
memory (master and workers) sampled every half second; the machine's load
average and cores, with the other work sharing them. Also checked: no
multipart upload left open in S3.

Targets: every upload with the right SHA-256; 0 5xx; pages p95 < 500 ms and
p99 < 1 s during the rush, and p95 no more than 2× the baseline's; every
sign-in succeeds, within a minute; each node's memory grows by less than
RSS_GROWTH_TARGET_MB from the baseline to the end of the rush (an upload is
streamed, never held in a node's memory).

Every scale is an environment variable B8_<NAME> (B8_UPLOADS=20, say); Redis
is B8_REDIS_URL (default: database 13 of REDIS_URL's server, cache 14), flushed
at the start.
"""

import datetime
import hashlib
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import requests

from benchmarks import common

ROOT = common.ROOT
MiB = 1024**2
SLUG = "ccm-youth-multimedia-contest"
JUDGING_SLUG = "b8-judging"
PASSWORD = "a-long-benchmark-password"
BUCKET = "voices-b8"
# An MP4's first box, so each finished file is recognised as a video.
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
FULL = {
    "sign_ins": 40, "sign_in_window": 40, "uploads": 200, "uploads_at_once": 100, "min_mib": 4, "max_mib": 16,
    "chunk_mib": 8, "rate_kib": 128, "drop_every": 5, "browsers": 50, "judges": 10, "judged_entries": 60,
    "baseline_seconds": 60, "think_min": 1.0, "think_max": 5.0, "max_seconds": 1500,
}
QUICK = {
    **FULL, "sign_ins": 6, "sign_in_window": 3, "uploads": 4, "uploads_at_once": 4, "min_mib": 1, "max_mib": 2,
    "chunk_mib": 1, "rate_kib": 256, "drop_every": 2, "browsers": 3, "judges": 2, "judged_entries": 12,
    "baseline_seconds": 5, "think_min": 0.5, "think_max": 1.5, "max_seconds": 120,
}  # fmt: skip
P95_TARGET_MS, P99_TARGET_MS, RATIO_TARGET = 500, 1000, 2.0
RSS_GROWTH_TARGET_MB = 100
TIMEOUT = 120


def scale(quick: bool) -> dict:
    chosen = dict(QUICK if quick else FULL)
    for name in chosen:
        if (value := os.environ.get(f"B8_{name.upper()}")) is not None:
            chosen[name] = type(chosen[name])(value)
    return chosen


def redis_urls() -> tuple[str, str]:
    """(queues, cache): B8_REDIS_URL for both, or databases 13 and 14 of REDIS_URL's server."""
    if os.environ.get("B8_REDIS_URL"):
        return os.environ["B8_REDIS_URL"], os.environ["B8_REDIS_URL"]
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return parts._replace(path="/13").geturl(), parts._replace(path="/14").geturl()


def run(*, quick: bool = False) -> dict:
    import redis

    plan = scale(quick)
    queues, cache = redis_urls()
    try:
        for url in {queues, cache}:
            redis.Redis.from_url(url, socket_connect_timeout=3).flushdb()
    except redis.RedisError as error:
        return {"skipped": f"Redis at {queues} does not answer: {error}", "met": False}
    database_url, drop = common.fresh_database("b8")
    if database_url is None:
        return {"skipped": "B8 needs DATABASE_URL to point at PostgreSQL", "met": False}
    bench_root = ROOT / "var" / "bench"
    bench_root.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=bench_root) as name:
            return _run(Path(name), plan, database_url, queues, cache)
    finally:
        drop()


def _run(folder: Path, plan: dict, database_url: str, queues: str, cache: str) -> dict:
    from tests.serving import gunicorn, moto_s3, nginx

    load_before = common.load()
    (folder / "s3").mkdir()
    moto_env = {**os.environ, "TMPDIR": str(folder / "s3"), "MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": str(MiB)}
    with ExitStack() as running:
        s3 = running.enter_context(moto_s3(env=moto_env))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_", "AWS_", "B8_"))},
            "DATABASE_URL": database_url, "REDIS_URL": queues, "REDIS_CACHE_URL": cache,
            "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "false", "EMAIL_URL": "dummymail://",
            "SECRET_KEY": secrets.token_urlsafe(50), "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(folder / "static"), "VOICES_VAR_DIR": str(folder / "prepare"),
            "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3, "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "b8", "AWS_SECRET_ACCESS_KEY": "b8",
        }  # fmt: skip
        manage = [sys.executable, "manage.py"]
        for command in (["collectstatic", "--noinput", "-v0"], ["prepare_storage"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
        people = _child(env, "--prepare", json.dumps(plan))
        nodes = []
        for node in ("a", "b"):
            own = folder / f"node-{node}"
            node_env = {**env, "VOICES_VAR_DIR": str(own), "UPLOAD_TEMP_DIR": str(own / "uploads"),
                        "MEDIA_WORK_DIR": str(own / "work")}
            nodes.append(running.enter_context(gunicorn(node_env, name=f"b8-node-{node}")))
        proxy = running.enter_context(nginx(nodes, folder / "nginx", name="b8-nginx"))
        only = [running.enter_context(nginx([node], folder / f"nginx-{n}", name=f"b8-nginx-{n}"))
                for n, node in zip("ab", nodes, strict=True)]
        servers = {"node_a": nodes[0], "node_b": nodes[1], "nginx": [proxy, *only], "s3_moto": s3}
        rush = Rush(plan, people, proxy, only, nodes, servers)
        figures = rush.run()
        figures["sent"] = rush.sent
        figures["stored"] = _child(env, "--verify", json.dumps(sorted(rush.sent)))
    return _report(plan, figures, load_before)


def _child(env: dict, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "benchmarks.b8_rush", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"b8_rush {args[0]} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- The run, from outside: HTTP clients in threads ---------------------------------------------------------
class Dropped(ConnectionAbortedError):
    """The client's connection lost in the middle of a PATCH, on purpose."""


class Paced:
    """A request body read at `rate` bytes a second, as a slow phone sends it; cut off after `cut` bytes if given."""

    BLOCK = 16 * 1024

    def __init__(self, data: memoryview, rate: int, cut: int | None = None) -> None:
        self.data, self.rate, self.cut, self.sent, self.started = data, rate, cut, 0, None

    def __len__(self) -> int:
        return len(self.data)

    def read(self, size: int = -1) -> bytes:
        if self.started is None:
            self.started = time.monotonic()
        if self.cut is not None and self.sent >= self.cut:
            raise Dropped("connection lost")
        end = min(len(self.data), self.sent + min(self.BLOCK, size if size and size > 0 else self.BLOCK))
        if self.cut is not None:
            end = min(end, self.cut)
        if (delay := self.started + self.sent / self.rate - time.monotonic()) > 0:
            time.sleep(delay)
        piece = bytes(self.data[self.sent : end])
        self.sent = end
        return piece


class Rush:
    def __init__(self, plan: dict, people: dict, proxy: str, only: list[str], nodes: list, servers: dict) -> None:
        self.plan, self.people, self.proxy, self.only, self.nodes = plan, people, proxy, only, nodes
        self.servers = servers
        self.phase = "baseline"
        self.requests: list[tuple[str, str, float, int | str]] = []  # (phase, what, ms, status or error)
        self.stop = threading.Event()
        self.waiting: dict[object, tuple[str, str, float]] = {}  # requests asked and not answered yet
        self.sent: dict[str, str] = {}  # entry reference → the SHA-256 the client sent
        self.rss: dict[str, dict] = {}
        self.noise = os.urandom(plan["max_mib"] * MiB)

    # -- helpers --
    def _session(self, cookies: dict) -> requests.Session:
        session = requests.Session()
        for name, value in cookies.items():
            # As the server would set them for this host, so a cookie it sets again replaces this one.
            session.cookies.set(name, value, domain="127.0.0.1", path="/")
        return session

    def _timed(self, what: str, call, *args, **kwargs) -> requests.Response | None:
        phase, started, key = self.phase, time.perf_counter(), object()
        self.waiting[key] = (phase, what, started)
        try:
            answer = call(*args, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            self.requests.append((phase, what, (time.perf_counter() - started) * 1000, type(error).__name__))
            return None
        finally:
            self.waiting.pop(key, None)
        self.requests.append((phase, what, (time.perf_counter() - started) * 1000, answer.status_code))
        return answer

    # -- 1. sign-ins --
    def sign_ins(self) -> dict:
        from tests.uploading import sign_in

        emails = self.people["sign_ins"]
        gap = self.plan["sign_in_window"] / max(1, len(emails))
        outcomes, started = [], time.monotonic()

        def one(number: int, email: str) -> None:
            time.sleep(max(0.0, started + number * gap - time.monotonic()))
            began = time.perf_counter()
            try:
                sign_in(self.proxy, email, PASSWORD)
                outcome = "ok"
            except (AssertionError, requests.RequestException) as error:
                outcome = str(error)[:200]
            outcomes.append((outcome, time.perf_counter() - began, time.monotonic() - started))

        threads = [threading.Thread(target=one, args=(n, e)) for n, e in enumerate(emails)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = sorted(seconds for _o, seconds, _at in outcomes)
        for outcome, _seconds, _at in outcomes:
            if re.search(r"failed: 5\d\d", outcome):
                self.requests.append(("sign_in", "sign_in", 0, 500))
        return {
            "signed_in": sum(o == "ok" for o, _s, _a in outcomes), "asked": len(emails),
            "all_done_within_s": round(max(at for _o, _s, at in outcomes), 1),
            "sign_in_s_p50": round(common.percentile(took, 0.5), 2),
            "sign_in_s_max": round(took[-1], 2),
            "failures": sorted({o for o, _s, _a in outcomes if o != "ok"})[:5],
        }  # fmt: skip

    # -- 2. and 3. browsing and scoring --
    def browse(self, person: dict, rng: random.Random) -> None:
        session = self._session(person["cookies"])
        pages = [("dashboard", "/en/entries/"), ("contest", f"/en/contests/{SLUG}/"),
                 ("entry", f"/en/entries/{person['reference']}/")]
        turn = rng.randrange(len(pages))
        while not self.stop.wait(rng.uniform(self.plan["think_min"], self.plan["think_max"])):
            what, path = pages[turn % len(pages)]
            turn += 1
            self._timed(what, session.get, self.proxy + path)

    def judge(self, person: dict, rng: random.Random) -> None:
        session = self._session(person["cookies"])
        queue = f"/en/judging/rounds/{person['round']}/"
        turn = rng.randrange(len(person["assignments"]))
        while not self.stop.wait(rng.uniform(self.plan["think_min"], self.plan["think_max"])):
            self._timed("judge_queue", session.get, self.proxy + queue)
            if self.stop.wait(rng.uniform(self.plan["think_min"], self.plan["think_max"])):
                return
            score = f"/en/judging/assignments/{person['assignments'][turn % len(person['assignments'])]}/"
            turn += 1
            page = self._timed("judge_score_page", session.get, self.proxy + score)
            if page is None or page.status_code != 200:
                continue
            version = re.search(r'name="expected_version" value="(\d+)"', page.text)
            fields = sorted(set(re.findall(r'name="(criterion_\d+)"', page.text)))
            if self.stop.wait(rng.uniform(self.plan["think_min"], self.plan["think_max"])):
                return
            data = {field: str(rng.randint(4, 9)) for field in fields}
            data.update(expected_version=version.group(1) if version else "0", comment="Strong framing.",
                        feedback="", action="save", csrfmiddlewaretoken=session.cookies["csrftoken"])
            self._timed("judge_save", session.post, self.proxy + score, data=data,
                        headers={"Referer": self.proxy + score})

    # -- 3. uploads --
    def upload(self, number: int, person: dict, rng: random.Random) -> dict:
        from tests.uploading import server_offset, start, tus_headers

        size = rng.randint(self.plan["min_mib"] * MiB, self.plan["max_mib"] * MiB)
        mark = MP4_HEAD + number.to_bytes(8, "big")
        data = memoryview(mark + self.noise[: size - len(mark)])
        digest = hashlib.sha256(data).hexdigest()
        dropping = self.plan["drop_every"] and number % self.plan["drop_every"] == 0
        base = self.only[0] if dropping else self.proxy
        cut_at = size // 3 + rng.randrange(size // 3) if dropping else None  # somewhere in the middle third
        session = self._session(person["cookies"])
        outcome = {"size": size, "dropped": False, "patches": 0, "refused": []}
        created = start(session, base, entry=person["reference"], length=size, filename=f"rush-{number}.mp4",
                        filetype="video/mp4")
        self.requests.append((self.phase, "tus_create", 0, created.status_code))
        if created.status_code != 201:
            outcome["refused"].append(created.status_code)
            return outcome
        path = urlsplit(created.headers["Location"]).path
        chunk, rate, offset, attempts = self.plan["chunk_mib"] * MiB, self.plan["rate_kib"] * 1024, 0, 0
        while offset < size and attempts < 6:
            end = min(size, offset + chunk)
            cut = cut_at - offset if cut_at is not None and offset <= cut_at < end else None
            body = Paced(data[offset:end], rate, cut)
            headers = tus_headers(session, **{"Upload-Offset": str(offset),
                                              "Content-Type": "application/offset+octet-stream"})
            try:
                answer = session.patch(base + path, data=body, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as error:
                if not isinstance(error.__context__, Dropped) and "connection lost" not in str(error):
                    outcome["refused"].append(type(error).__name__)
                    attempts += 1
                else:  # resumed through the other node: where does it stand there?
                    outcome["dropped"], cut_at, base = True, None, self.only[1]
                answer = None
            outcome["patches"] += 1
            if answer is not None:
                self.requests.append((self.phase, "tus_patch", 0, answer.status_code))
                if answer.status_code == 204:
                    offset = int(answer.headers["Upload-Offset"])
                    continue
                outcome["refused"].append(answer.status_code)
                attempts += 1
            # As a tus client does after any failure: ask the server where the upload stands and go on from there.
            known = server_offset(session, base + path)
            self.requests.append((self.phase, "tus_head", 0, 200 if known is not None else 0))
            offset = known if known is not None else offset
        if offset == size:
            self.sent[person["reference"]] = digest
        outcome["finished"] = offset == size
        return outcome

    # -- CPU --
    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each part of the topology, and by these clients (this process)."""
        used = {name: sum(common.tree_cpu(s.process.pid) for s in (found if isinstance(found, list) else [found]))
                for name, found in self.servers.items()}
        used["clients"] = time.process_time()
        return used

    # -- memory --
    def sample_memory(self) -> None:
        while not self.stop.is_set():
            for name, node in zip("ab", self.nodes, strict=True):
                found = common.tree_rss(node.process.pid)
                figures = self.rss.setdefault(name, {"peak_mb": 0.0, "worker_peak_mb": 0.0, "baseline_mb": None})
                total = sum(found.values()) / 1e6
                figures["peak_mb"] = max(figures["peak_mb"], round(total, 1))
                figures["worker_peak_mb"] = max(figures["worker_peak_mb"],
                                                round(max(found.values(), default=0) / 1e6, 1))
                if self.phase == "baseline":
                    figures["baseline_mb"] = round(total, 1)  # the last sample before the rush
                else:
                    figures["rush_peak_mb"] = max(figures.get("rush_peak_mb", 0.0), round(total, 1))
            time.sleep(0.5)

    def run(self) -> dict:
        figures: dict = {}
        sampler = threading.Thread(target=self.sample_memory, daemon=True)
        sampler.start()
        figures["sign_ins"] = self.sign_ins()
        rng = random.Random(8)
        threads = [threading.Thread(target=self.browse, args=(p, random.Random(rng.random())), daemon=True)
                   for p in self.people["browsers"]]
        threads += [threading.Thread(target=self.judge, args=(p, random.Random(rng.random())), daemon=True)
                    for p in self.people["judges"]]
        for thread in threads:
            thread.start()
        cpu_before, started = self.cpu(), time.monotonic()
        time.sleep(self.plan["baseline_seconds"])
        self.phase = "rush"
        cpu_baseline = self.cpu()
        figures["cores_used"] = {"baseline": {name: round((cpu_baseline[name] - cpu_before[name])
                                                          / (time.monotonic() - started), 2) for name in cpu_before}}
        started = time.monotonic()
        with ThreadPoolExecutor(self.plan["uploads_at_once"]) as pool:
            futures = [pool.submit(self.upload, n, p, random.Random(n)) for n, p in enumerate(self.people["uploaders"])]
            outcomes = []
            for future in futures:
                left = self.plan["max_seconds"] - (time.monotonic() - started)
                try:
                    outcomes.append(future.result(timeout=max(1.0, left)))
                except Exception as error:  # noqa: BLE001 — a failed upload is a figure, not the end of the run
                    outcomes.append({"finished": False, "refused": [repr(error)[:200]], "size": 0, "dropped": False,
                                     "patches": 0})
        rush_seconds = time.monotonic() - started
        cpu_rush = self.cpu()
        figures["cores_used"]["rush"] = {name: round((cpu_rush[name] - cpu_baseline[name]) / rush_seconds, 2)
                                         for name in cpu_rush}
        self.stop.set()
        for thread in threads:
            thread.join(timeout=5)
        # A page still not answered counts as what it is: unanswered, as slow as it has been so far.
        for phase, what, began in list(self.waiting.values()):
            self.requests.append((phase, what, (time.perf_counter() - began) * 1000, "unanswered"))
        figures["uploads"] = outcomes
        figures["rush_seconds"] = rush_seconds
        figures["requests"] = self.requests
        figures["rss"] = self.rss
        return figures


# --- The report -------------------------------------------------------------------------------------------
PAGES = ("dashboard", "contest", "entry", "judge_queue", "judge_score_page", "judge_save")


def _times(requests_: list, phase: str) -> dict:
    times = [ms for p, what, ms, _status in requests_ if p == phase and what in PAGES]
    return {"requests": len(times), "p50_ms": round(common.percentile(times, 0.5)),
            "p95_ms": round(common.percentile(times, 0.95)), "p99_ms": round(common.percentile(times, 0.99))}


def _report(plan: dict, figures: dict, load_before: list[float]) -> dict:
    requests_, uploads, stored = figures["requests"], figures["uploads"], figures["stored"]
    baseline, rush = _times(requests_, "baseline"), _times(requests_, "rush")
    statuses = [status for _p, _w, _ms, status in requests_]
    expected = {200, 201, 204, 302}
    right = sum(1 for reference, sha in figures["sent"].items()
                if stored["assets"].get(reference, {}).get("stored") == sha
                and stored["assets"][reference]["recorded"] == sha)  # fmt: skip
    sent_mib = sum(u["size"] for u in uploads if u.get("finished")) / MiB
    result = {
        "scale": plan,
        "sign_ins": figures["sign_ins"],
        "uploads": {
            "asked": len(uploads), "finished": sum(1 for u in uploads if u.get("finished")),
            "right_sha256": right, "dropped_and_resumed_on_the_other_node": sum(1 for u in uploads if u["dropped"]),
            "mib_sent": round(sent_mib), "rush_seconds": round(figures["rush_seconds"]),
            "mib_per_s": round(sent_mib / max(figures["rush_seconds"], 1e-9), 1),
            "patches": sum(u["patches"] for u in uploads),
            "refused": sorted({str(r) for u in uploads for r in u["refused"]})[:10],
            "s3_multipart_uploads_left_open": stored["multipart_left"],
        },  # fmt: skip
        "answers_5xx": sum(1 for s in statuses if isinstance(s, int) and s >= 500),
        "answers_unexpected": sum(1 for s in statuses if s not in expected),
        "pages_baseline": baseline,
        "pages_during_uploads": rush,
        "pages_ratio_rush_to_baseline": {
            key: round(rush[key] / max(baseline[key], 1), 2) for key in ("p50_ms", "p95_ms", "p99_ms")
        },
        "pages_p95_ms_by_page_during_uploads": {
            what: round(common.percentile([ms for p, w, ms, _s in requests_ if p == "rush" and w == what], 0.95))
            for what in PAGES
        },
        "requests_by_page": {phase: {what: sum(1 for p, w, _ms, _s in requests_ if p == phase and w == what)
                                     for what in PAGES} for phase in ("baseline", "rush")},
        # CPU time each part used a second, on average, in each phase (1.0 = one core all the time).
        "cores_used": figures["cores_used"],
        "node_rss_mb": figures["rss"],
        "cores": os.cpu_count(),
        "load_average_before_after": [load_before, common.load()],
        "targets": {"uploads_right_sha256": "all", "answers_5xx": 0, "p95_ms_during_uploads": f"< {P95_TARGET_MS}",
                    "p99_ms_during_uploads": f"< {P99_TARGET_MS}", "p95_ratio": f"<= {RATIO_TARGET}",
                    "sign_ins": "all, within 60 s", "node_rss_growth_mb": f"< {RSS_GROWTH_TARGET_MB}"},
    }  # fmt: skip
    growth = [n["rush_peak_mb"] - n["baseline_mb"] for n in figures["rss"].values()
              if n.get("baseline_mb") is not None and "rush_peak_mb" in n]
    result["node_rss_growth_mb_max"] = round(max(growth), 1) if growth else None
    result["checks"] = {
        "every_upload_right_sha256": right == len(uploads) == plan["uploads"],
        "no_5xx": result["answers_5xx"] == 0,
        "p95_during_uploads": rush["p95_ms"] < P95_TARGET_MS,
        "p99_during_uploads": rush["p99_ms"] < P99_TARGET_MS,
        "p95_ratio": result["pages_ratio_rush_to_baseline"]["p95_ms"] <= RATIO_TARGET,
        "every_sign_in_within_a_minute": figures["sign_ins"]["signed_in"] == figures["sign_ins"]["asked"]
        and figures["sign_ins"]["all_done_within_s"] <= 60,
        "node_rss_bounded": result["node_rss_growth_mb_max"] is not None
        and result["node_rss_growth_mb_max"] < RSS_GROWTH_TARGET_MB,
        "no_multipart_left_open": stored["multipart_left"] == 0,
    }
    result["met"] = all(result["checks"].values())
    return result


# --- In child processes, with Django set up on the run's database -------------------------------------------
def _prepare(plan: dict) -> dict:
    """The demo contest open for entries, its entrants (each with a video entry), a contest being judged with its
    panel; everyone's session but the sign-in entrants'."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from benchmarks import b7_judging
    from contest import registration
    from contest.enums import MediaKind, Role
    from contest.models import Contest, ContestRole
    from demo.seed import seed_demo
    from judging.models import Assignment
    from submissions import services

    now = timezone.now()
    seed_demo(now=now)
    contest = Contest.objects.get(slug=SLUG)
    password = make_password(PASSWORD)  # one hash for everyone: making 300 costs time the run does not measure

    def people(prefix: str, count: int) -> list:
        made = User.objects.bulk_create([
            User(email=f"{prefix}{n}@b8.example", full_name=f"{prefix.title()} {n}", password=password,
                 date_of_birth=datetime.date(2000 + n % 6, 5, 12), country="MX", preferred_language="en")
            for n in range(count)
        ])  # fmt: skip
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in made]
        )
        return made

    def signed_in(user) -> dict:
        client = Client()
        client.force_login(user)
        return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
                settings.CSRF_COOKIE_NAME: _get_new_csrf_string()}

    def entrants(prefix: str, count: int) -> list[dict]:
        found = []
        for user in people(prefix, count):
            ContestRole.objects.create(contest=contest, user=user, role=Role.ENTRANT)
            registration.register(contest=contest, user=user, now=now)
            entry = services.create_entry(
                contest=contest, entrant=user, declarations=set(), now=now,
                data={"theme": contest.themes.first(), "category": contest.categories.get(media_kind=MediaKind.VIDEO),
                      "title": f"Rush {user.pk}"},
            )  # fmt: skip
            found.append({"reference": entry.reference, "cookies": signed_in(user)})
        return found

    sign_ins = people("signin", plan["sign_ins"])
    rng = random.Random(8)
    judged, organizer, round_, panel, _entrant = b7_judging._contest(JUDGING_SLUG, plan["judged_entries"],
                                                                    plan["judges"], rng)
    b7_judging._assign(round_, organizer)
    judges = []
    for judge in panel:
        ids = list(Assignment.objects.filter(round=round_, judge=judge).order_by("pk").values_list("pk", flat=True))
        judges.append({"cookies": signed_in(judge), "round": round_.pk, "assignments": ids})
    return {
        "sign_ins": [u.email for u in sign_ins],
        "uploaders": entrants("uploader", plan["uploads"]),
        "browsers": entrants("browser", plan["browsers"]),
        "judges": [j for j in judges if j["assignments"]],
    }


def _verify(references: list[str]) -> dict:
    """Each entry's file as stored (read back from S3) and as recorded, by SHA-256; multipart uploads left open."""
    import django

    django.setup()
    from django.core.files.storage import storages

    from submissions.models import MediaAsset

    assets = {}
    for asset in MediaAsset.objects.filter(entry__reference__in=references).select_related("entry"):
        digest = hashlib.sha256()
        with asset.file.open("rb") as stored:
            while piece := stored.read(MiB):
                digest.update(piece)
        assets[asset.entry.reference] = {"recorded": asset.sha256, "stored": digest.hexdigest()}
    bucket = storages["private"].bucket
    return {"assets": assets, "multipart_left": sum(1 for _u in bucket.multipart_uploads.all())}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        print(json.dumps(_prepare(json.loads(sys.argv[2]))))
    elif sys.argv[1:2] == ["--verify"]:
        print(json.dumps(_verify(json.loads(sys.argv[2]))))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
