"""Real outages under real workers: the database stopped for 20 s, Redis killed and restarted empty.

Each test has a PostgreSQL or a Redis of its own (tests/outages.py) that it
stops for real; the worker and beat are real Celery processes on them. Every
one of the 30 jobs must end done within two minutes of the service's return,
none run twice; the figures measured are written to test-results/.
"""

import io
import json
import time

import pytest
import requests
from django.db import connection
from django.utils import timezone
from PIL import Image

from contest.models import Category, Contest
from demo.seed import DEMO_PASSWORD
from submissions.enums import JobKind, JobQueue, JobStatus
from submissions.models import MediaAsset, ProcessingJob, Rendition
from tests.conftest import database_url_for_subprocess, free_port, results_dir, wait_until
from tests.outages import run_django, seconds_since, start_celery, stop_process

from .processing_helpers import AMIRA, demo_contest, draft, stored

pytestmark = pytest.mark.services

JOBS = 30
RECOVERY_LIMIT = 120
IMAGE_SPECS = {"thumb.webp", "thumb.jpg", "display.webp", "display.jpg"}


def photo(number: int) -> bytes:
    image = Image.new("RGB", (1600, 1200), (20 + number * 7 % 200, 90, 140))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def record(name: str, figures: dict) -> None:
    """Keep what was measured, for the operator guide and the report."""
    path = results_dir() / "outage-figures.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    known[name] = figures
    path.write_text(json.dumps(known, indent=2))


def checked_photos(count: int) -> list[ProcessingJob]:
    """Photos whose check has passed, each with its web-images job queued and not yet sent."""
    entry = draft(demo_contest())
    made = []
    for number in range(count):
        asset = stored(entry, photo(number), "jpg")
        MediaAsset.objects.filter(pk=asset.pk).update(facts={"kind": "image", "width": 1600, "height": 1200})
        ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
        made.append(ProcessingJob.objects.create(asset=asset, kind=JobKind.IMAGES, queue=JobQueue.DEFAULT))
    return made


def done_count(ids: list[int]) -> int:
    return ProcessingJob.objects.filter(pk__in=ids, status=JobStatus.DONE).count()


def assert_each_done_once(ids: list[int]) -> None:
    jobs = list(ProcessingJob.objects.filter(pk__in=ids))
    assert {job.status for job in jobs} == {JobStatus.DONE}
    assert [job.attempts for job in jobs] == [1] * len(ids), "a job was taken twice"
    for job in jobs:
        assert set(Rendition.objects.filter(asset_id=job.asset_id).values_list("spec", flat=True)) == IMAGE_SPECS


def test_a_database_stopped_for_20_s_with_30_jobs_queued_loses_none_and_all_are_done_within_2_minutes(
    on_private_postgres, private_redis, tmp_path
):
    postgres = on_private_postgres
    env = {
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": private_redis.url,
        "MEDIA_WORK_DIR": str(tmp_path),
    }
    jobs = checked_photos(JOBS)
    ids = [job.pk for job in jobs]
    worker = beat = None
    try:
        worker = start_celery("worker", "db-outage", env=env)
        beat = start_celery("beat", "db-outage-beat", env=env)
        ProcessingJob.objects.filter(pk__in=ids).update(enqueued_at=timezone.now())
        # The web node's part: a message per job on the broker (with its mark), as finishing an upload does.
        run_django(
            "from submissions.media import jobs\nfrom submissions.models import ProcessingJob\n"
            f"for job in ProcessingJob.objects.filter(pk__in={ids}).order_by('pk'): jobs.send(job)",
            env=env,
        )
        wait_until(lambda: done_count(ids) >= 2, timeout=90, message="the worker to take the first jobs")
        before = done_count(ids)
        assert before < JOBS - 5, "the jobs ran too fast for the outage to catch most of them queued"

        postgres.stop("fast")
        stopped = time.monotonic()
        redis = private_redis.client()
        time.sleep(10)
        waiting = redis.llen("default") + redis.hlen("unacked")
        # The bug this guards against: every task failed on the missing database and its message was acknowledged.
        assert waiting >= JOBS - before - 2, f"only {waiting} messages left on the broker during the outage"
        time.sleep(max(0.0, 20 - (time.monotonic() - stopped)))
        postgres.start()
        back = time.monotonic()
        connection.close()  # this test's own connection was cut with the others

        wait_until(lambda: done_count(ids) == JOBS, timeout=RECOVERY_LIMIT, interval=0.5,
                   message=f"all {JOBS} jobs to be done after the database came back")
        recovery = seconds_since(back)
    finally:
        stop_process(worker)
        stop_process(beat)
    assert_each_done_once(ids)
    record("database_stopped_20s", {"jobs": JOBS, "done_before_stop": before, "messages_kept_during_outage": waiting,
                                     "all_done_seconds_after_restart": recovery})


@pytest.fixture
def web_node(transactional_db, private_redis, tmp_path):
    """A gunicorn node on the test database whose Redis (broker and cache) is the test's own."""
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT, subprocess_env

    port = free_port()
    env = subprocess_env(
        DATABASE_URL=database_url_for_subprocess(), REDIS_URL=private_redis.url, VOICES_PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    log = open(results_dir() / "gunicorn-redis-outage.log", "wb")  # noqa: SIM115 - the process owns it
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(lambda: server.poll() is not None or answers(), timeout=60, message="gunicorn to answer")
        assert server.poll() is None, "gunicorn exited; see test-results/gunicorn-redis-outage.log"
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def upload_photo(session, base: str, reference: str, data: bytes) -> int:
    """The tus protocol as the page's client speaks it: create, then one PATCH with the whole photo."""
    from tests.uploading import send, start

    created = start(session, base, entry=reference, length=len(data), filename="photo.jpg")
    assert created.status_code == 201, created.text
    sent = send(session, created.headers["Location"], offset=0, data=data)
    assert sent.status_code == 204, sent.text
    return MediaAsset.objects.get(upload_id=created.headers["Location"].rsplit("/", 1)[1]).pk


def test_redis_killed_and_restarted_empty_with_30_jobs_queued_loses_none_and_signed_in_pages_stay_up(
    web_node, private_redis, tmp_path
):
    from tests.uploading import sign_in

    contest = demo_contest()
    Contest.objects.filter(pk=contest.pk).update(max_entries_per_entrant=None)
    Category.objects.filter(contest=contest).update(max_entries_per_entrant=None)
    contest.refresh_from_db()
    entries = [draft(contest) for _ in range(JOBS // 2)]
    env = {"DATABASE_URL": database_url_for_subprocess(), "REDIS_URL": private_redis.url,
           "MEDIA_WORK_DIR": str(tmp_path)}
    worker = beat = None
    try:
        worker = start_celery("worker", "redis-outage", env=env)
        beat = start_celery("beat", "redis-outage-beat", env=env)
        session = sign_in(web_node, AMIRA, DEMO_PASSWORD)
        # Fifteen photos: a check and a web-images job each, thirty jobs in all.
        assets = [upload_photo(session, web_node, entry.reference, photo(n)) for n, entry in enumerate(entries)]
        assert len(assets) * 2 == JOBS

        def all_jobs():
            return ProcessingJob.objects.filter(asset_id__in=assets)

        private_redis.kill()
        killed = time.monotonic()
        unfinished = all_jobs().exclude(status=JobStatus.DONE).count()
        # While Redis is away, a signed-in entrant's pages answer, and a new upload is taken.
        for path in ("/en/entries/", f"/en/entries/{entries[0].reference}/",
                     f"/en/entries/{entries[0].reference}/processing.json"):
            assert session.get(f"{web_node}{path}", timeout=30).status_code == 200, path
        late_entry = draft(contest)
        assets.append(upload_photo(session, web_node, late_entry.reference, photo(99)))
        time.sleep(max(0.0, 10 - (time.monotonic() - killed)))
        private_redis.start()
        back = time.monotonic()

        wait_until(lambda: all_jobs().filter(status=JobStatus.DONE).count() == JOBS + 2, timeout=RECOVERY_LIMIT,
                   interval=0.5, message="every job, the one sent during the outage too, to be done")
        recovery = seconds_since(back)
    finally:
        stop_process(worker)
        stop_process(beat)
    assert unfinished >= 10, "too few jobs were still queued when Redis went"
    jobs = list(all_jobs())
    assert [job.attempts for job in jobs] == [1] * len(jobs), "a job was taken twice"
    for asset in assets:
        assert set(Rendition.objects.filter(asset_id=asset).values_list("spec", flat=True)) == IMAGE_SPECS
    record("redis_killed_10s_restarted_empty", {"jobs": JOBS + 2, "unfinished_when_killed": unfinished,
                                                "all_done_seconds_after_restart": recovery})
