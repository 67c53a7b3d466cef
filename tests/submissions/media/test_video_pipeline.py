"""Videos and recordings through the whole pipeline: uploaded, processed by a real worker, served to the entrant."""

import pytest

from contest.enums import MediaKind
from submissions.enums import FileState, JobKind, JobQueue, JobStatus
from submissions.models import Rendition
from tests.conftest import wait_until
from tests.pages import text

from ..processing_helpers import FINAL, demo_contest, draft, state, upload
from .media_files import GIVEAWAYS, clip_with_location, lying_about_its_length, sound

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contest(transactional_db):
    return demo_contest()


def giveaways(data: bytes) -> list[bytes]:
    return [needle for needle in GIVEAWAYS if needle in data]


def test_a_phone_video_filmed_at_home_is_served_without_a_trace_of_the_place(contest, celery_worker, client, tmp_path):
    original = clip_with_location(tmp_path / "IMG_0042.mov")
    entry = draft(contest, kind=MediaKind.VIDEO)
    asset = upload(entry, original.read_bytes(), "IMG_0042.mov")

    wait_until(lambda: state(asset) in FINAL, timeout=180, message="the video's jobs to finish")

    asset.refresh_from_db()
    assert asset.state == FileState.READY
    assert {job.kind: job.queue for job in asset.jobs.all()} == {
        JobKind.PROBE: JobQueue.DEFAULT, JobKind.VIDEO: JobQueue.MEDIA, JobKind.POSTER: JobQueue.DEFAULT,
    }
    assert (asset.facts["video_codec"], asset.facts["width"], asset.facts["height"]) == ("h264", 640, 360)
    renditions = {rendition.spec: rendition for rendition in asset.renditions.all()}
    assert set(renditions) == {"video.mp4", "poster.jpg"}
    for spec, rendition in renditions.items():
        with rendition.file.open("rb") as handle:
            assert giveaways(handle.read()) == [], spec

    client.force_login(entry.entrant)
    served = client.get(f"/en/entries/{entry.reference}/files/{asset.pk}/renditions/video.mp4")
    assert served.status_code == 200
    assert served["Content-Type"] == "video/mp4"
    assert giveaways(b"".join(served.streaming_content)) == []


def test_ten_hours_declared_as_three_minutes_fail_at_once_with_a_message(contest, celery_worker, client, tmp_path):
    liar = lying_about_its_length(tmp_path / "film.mp4")
    entry = draft(contest, kind=MediaKind.VIDEO)
    asset = upload(entry, liar.read_bytes(), "film.mp4")

    wait_until(lambda: state(asset) in FINAL, timeout=120, message="the check to finish")

    probe = asset.jobs.get(kind=JobKind.PROBE)
    assert (probe.status, probe.attempts, probe.error_code) == (JobStatus.FAILED, 1, "duration_mismatch")
    assert "says it lasts 3 minutes but holds 10 hours" in probe.error_message
    assert not Rendition.objects.filter(asset=asset).exists()
    client.force_login(entry.entrant)
    assert probe.error_message in text(client.get(f"/en/entries/{entry.reference}/"))


def test_a_recording_gets_an_aac_rendition_and_a_waveform(contest, celery_worker, tmp_path):
    recording = sound(tmp_path / "interview.mp3", seconds=5, codec="libmp3lame",
                      extra=("-metadata", "artist=Amira at Rue des Voix 12"))
    entry = draft(contest, kind=MediaKind.AUDIO)
    asset = upload(entry, recording.read_bytes(), "interview.mp3")

    wait_until(lambda: state(asset) in FINAL, timeout=120, message="the recording's jobs to finish")

    asset.refresh_from_db()
    assert asset.state == FileState.READY
    renditions = {rendition.spec: rendition for rendition in asset.renditions.all()}
    assert set(renditions) == {"audio.m4a", "waveform.png"}
    with renditions["audio.m4a"].file.open("rb") as handle:
        assert b"Rue des Voix" not in handle.read()
    assert renditions["audio.m4a"].content_type == "audio/mp4"
    assert asset.facts["duration_seconds"] == pytest.approx(5.0, abs=0.2)
