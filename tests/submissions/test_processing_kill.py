"""`kill -9` a worker mid-transcode: the sweeper sends the job again and a new worker finishes it once."""

import dataclasses
import os
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest
from django.utils import timezone

from contest.enums import MediaKind
from submissions import tasks
from submissions.enums import JobKind, JobQueue, JobStatus
from submissions.media import ffmpeg, jobs, sweeper
from submissions.models import ProcessingJob, Rendition
from tests.conftest import wait_until
from tests.uploading import make_mp4

from .processing_helpers import demo_contest, draft, start_worker, stop, stored

pytestmark = pytest.mark.django_db(transaction=True)

CLIP_SECONDS = 30


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process below `pid`, read from /proc."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(parent, []).append((int(entry.name), name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def kill_9(process: subprocess.Popen) -> None:
    """As if the machine lost the worker: SIGKILL to it, its pool and the ffmpeg it started in its own session."""
    below = descendants(process.pid)
    os.killpg(process.pid, signal.SIGKILL)
    for pid, _name in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)


def test_a_worker_killed_mid_transcode_leaves_a_job_that_completes_once_with_one_rendition(
    transactional_db, tmp_path, settings
):
    contest = demo_contest()
    # 720p at 10 Mbit/s: too heavy to copy as it is, so the worker transcodes it, for many seconds.
    clip = make_mp4(tmp_path / "clip.mp4", seconds=CLIP_SECONDS, size="1280x720", bitrate="10M")
    asset = stored(draft(contest, kind=MediaKind.VIDEO), clip.read_bytes(), "mp4")
    asset.facts = dataclasses.asdict(ffmpeg.probe_media(clip))
    asset.save(update_fields=["facts"])
    ProcessingJob.objects.create(asset=asset, kind=JobKind.PROBE, status=JobStatus.DONE, attempts=1)
    job = ProcessingJob.objects.create(
        asset=asset, kind=JobKind.VIDEO, queue=JobQueue.MEDIA, enqueued_at=timezone.now()
    )
    # The doomed worker alone listens on this queue, so it is the one that takes the job.
    doomed_queue = f"media-doomed-{os.getpid()}"
    doomed = rescuer = None
    try:
        doomed = start_worker("doomed", doomed_queue, tmp_path)
        tasks.run_long_job.apply_async((job.pk,), queue=doomed_queue)

        def transcoding():
            running = ProcessingJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists()
            return running and any(name == "ffmpeg" for _pid, name in descendants(doomed.pid))

        wait_until(transcoding, timeout=90, message="the doomed worker to start transcoding")
        time.sleep(2)
        assert ProcessingJob.objects.get(pk=job.pk).status == JobStatus.RUNNING, "the clip was done too soon"
        kill_9(doomed)
        left = list(tmp_path.glob(f"{jobs.WORK_PREFIX}{job.pk}-*"))
        assert left, "the killed worker's scratch folder (a copy of the clip, a half transcode) is still there"

        # The row still says running, and nothing will ever finish it: its heartbeat has stopped.
        settings.MEDIA_JOB_STALE_SECONDS = 3
        assert ProcessingJob.objects.get(pk=job.pk).status == JobStatus.RUNNING
        assert sweeper.sweep(now=timezone.now())["running"] == 0, "a heartbeat a moment old is still alive"
        time.sleep(settings.MEDIA_JOB_STALE_SECONDS + 1)
        assert sweeper.sweep(now=timezone.now())["running"] == 1
        assert ProcessingJob.objects.get(pk=job.pk).status == JobStatus.QUEUED

        rescuer = start_worker("rescuer", JobQueue.MEDIA, tmp_path)
        wait_until(
            lambda: ProcessingJob.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED),
            timeout=240,
            message="the rescuing worker to finish the transcode",
        )
    finally:
        stop(doomed)
        stop(rescuer)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.error_message) == (JobStatus.DONE, 2, "")
    # Whichever worker finished the job (the suite's own may take it first, in a folder of its own), the
    # next worker to start on this machine clears what the killed one left.
    settings.MEDIA_WORK_DIR = str(tmp_path)
    tasks.remove_scratch_left_behind()
    assert not any(folder.exists() for folder in left), "a starting worker clears what the killed one left"
    assert not list(tmp_path.glob(f"{jobs.WORK_PREFIX}*"))
    assert list(Rendition.objects.filter(asset=asset).values_list("spec", flat=True)) == ["video.mp4"]
    rendition = Rendition.objects.get(asset=asset)
    with rendition.file.open("rb") as handle, av.open(handle) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.height) == ("h264", 720)
        assert abs(float(container.duration / av.time_base) - CLIP_SECONDS) < 1
    # The killed worker's message comes back one day (Redis' visibility timeout): it changes nothing.
    assert jobs.run_job(job_id=job.pk) is None
    assert Rendition.objects.filter(asset=asset).count() == 1
    assert ProcessingJob.objects.get(pk=job.pk).attempts == 2
