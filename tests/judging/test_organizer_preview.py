"""Organizers see each entry's work wherever they decide about it, in the renditions the judges get; originals
only as downloads; a judge, even the entry's own, finds nothing at the organizers' addresses."""

import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from judging import services
from judging.models import Assignment
from results.models import Award
from submissions import files
from submissions.enums import AttachmentKind
from submissions.models import Attachment, MediaAsset
from tests.judging.factories import jury, make_organizer
from tests.judging.works import _rendition, jpeg, with_audio, with_image, with_video
from tests.pages import text
from tests.uploading import sha256

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CAPTIONS = "1\n00:00:00,000 --> 00:00:01,000\nThe fields my grandmother could not farm.\n"
ESSAY = "Cluster munitions scatter bomblets that lie in fields for decades."


def with_pdf(entry) -> MediaAsset:
    asset = MediaAsset(entry=entry, original_name="essay.pdf", size=len(PDF), sha256=sha256(PDF), file_format="pdf",
                       facts={"kind": "pdf"})
    asset.file.save(f"{files.original_folder(uuid.uuid4())}/original.pdf", ContentFile(PDF), save=False)
    asset.save()
    _rendition(asset, "preview.jpg", jpeg(600, 840), "image/jpeg", width=600, height=840)
    return asset


def with_release_form(entry) -> Attachment:
    attachment = Attachment(entry=entry, kind=AttachmentKind.RELEASE_FORM, original_name="release-amal.pdf",
                            size=len(PDF))
    attachment.file.save(files.attachment_key("release.pdf"), ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def works():
    """A blind round with one entry of each kind of work: video with captions, image, audio, PDF, essay text."""
    j = jury(entries=5, judges=2, k=1, blind=True)
    video, image, audio, pdf, essay = j.entries
    with_video(video, captions=CAPTIONS)
    with_image(image)
    with_audio(audio)
    with_pdf(pdf)
    essay.essay_text = ESSAY
    essay.statement = "Notes on the essay."
    essay.save()
    with_release_form(image)
    return j


def sources(html: str) -> list[str]:
    return sorted(set(re.findall(r'(?:src|poster)="(/en/judging/manage/entries/[^"]+)"', html)))


def body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def assert_each_kind_shows(html: str, j) -> None:
    video, image, audio, pdf, essay = j.entries
    assert re.search(rf'<video[^>]+src="/en/judging/manage/entries/{video.pk}/work/video.mp4"', html)
    assert f'src="/en/judging/manage/entries/{video.pk}/captions/en.vtt"' in html
    assert f'src="/en/judging/manage/entries/{image.pk}/work/display.jpg"' in html
    assert re.search(rf'<audio[^>]+src="/en/judging/manage/entries/{audio.pk}/work/audio.m4a"', html)
    assert f'src="/en/judging/manage/entries/{audio.pk}/work/waveform.png"' in html
    assert f'src="/en/judging/manage/entries/{pdf.pk}/work/preview.jpg"' in html
    assert ESSAY in html


def test_the_screening_page_shows_every_kind_of_work_and_each_file_loads(client, works):
    client.force_login(works.organizer)
    answer = client.get(f"/en/judging/manage/{works.contest.slug}/screening/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert_each_kind_shows(html, works)
    types = {}
    for url in sources(html):
        served = client.get(url)
        assert served.status_code == 200, url
        types[url.rsplit("/", 1)[-1]] = served["Content-Type"].split(";")[0]
        assert "attachment" not in served.get("Content-Disposition", "")
    assert types["video.mp4"] == "video/mp4" and types["en.vtt"] == "text/vtt"
    assert types["audio.m4a"] == "audio/mp4" and types["preview.jpg"] == "image/jpeg"
    # The notes, the declarations and the release forms are there too, for the organizers alone.
    page = text(answer)
    assert "Notes on the essay." in page and "release-amal.pdf" in page and "Declarations" in page


def test_originals_and_release_forms_are_downloads_never_inline(client, works):
    client.force_login(works.organizer)
    html = client.get(f"/en/judging/manage/{works.contest.slug}/screening/").content.decode()
    links = re.findall(r'href="(/en/entries/[^"]+/(?:files|attachments)/\d+/)"', html)
    assert len(links) >= 5  # four originals and a release form, at least
    for url in links:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Disposition"].startswith("attachment"), url
        assert answer["Content-Type"] == "application/octet-stream"


def test_the_round_entry_page_shows_the_work_and_says_what_its_judges_see(client, works):
    client.force_login(works.organizer)
    pages = [client.get(f"/en/judging/manage/rounds/{works.round.pk}/entries/{entry.pk}/")
             for entry in works.entries]
    assert all(page.status_code == 200 for page in pages)
    assert_each_kind_shows("".join(page.content.decode() for page in pages), works)
    assert "A blind round: the judges below see the work and its texts. They do not see who made it" in text(pages[0])


def test_the_preview_page_names_the_judges_of_each_round_and_what_they_see(client, works):
    client.force_login(works.organizer)
    entry = works.entries[0]
    judge = Assignment.objects.get(round=works.round, entry=entry).judge
    page = text(client.get(f"/en/judging/manage/entries/{entry.pk}/"))
    assert "Which judges see what" in page
    assert works.round.name in page and str(judge) in page
    assert "They do not see who made it (name, country, team)" in page
    assert entry.entrant.full_name in page  # the organizer, unlike the judge, sees who made it


def test_a_judge_gets_404_on_the_organizers_preview_even_of_an_entry_they_judge(client, works):
    video = works.entries[0]
    assignment = Assignment.objects.get(round=works.round, entry=video)
    client.force_login(assignment.judge)
    # Through their own assignment the judge sees the work…
    assert client.get(f"/en/judging/assignments/{assignment.pk}/work/video.mp4").status_code == 200
    # …but nothing at the organizers' addresses: not the page, the renditions, the captions.
    for url in (
        f"/en/judging/manage/entries/{video.pk}/",
        f"/en/judging/manage/entries/{video.pk}/work/video.mp4",
        f"/en/judging/manage/entries/{video.pk}/captions/en.vtt",
        f"/en/judging/manage/{works.contest.slug}/screening/",
        f"/en/judging/manage/rounds/{works.round.pk}/entries/{video.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_organizer_of_another_contest_gets_404(client, works):
    other = jury(entries=1, judges=1, k=1)
    client.force_login(make_organizer(other.contest))
    for url in (f"/en/judging/manage/entries/{works.entries[0].pk}/",
                f"/en/judging/manage/entries/{works.entries[0].pk}/work/video.mp4"):
        assert client.get(url).status_code == 404


def test_an_unknown_rendition_name_or_the_original_is_not_served_inline(client, works):
    client.force_login(works.organizer)
    video = works.entries[0]
    for name in ("original.mp4", "../video.mp4", "thumb.jpg"):
        assert client.get(f"/en/judging/manage/entries/{video.pk}/work/{name}").status_code == 404


def test_awards_and_verification_show_the_work(client, works):
    now = timezone.now()
    image = works.entries[1]
    for assignment in Assignment.objects.filter(round=works.round).select_related("judge"):
        services.submit_score(assignment=assignment, values={str(c.pk): 7 for c in works.criteria},
                              expected_version=0, by=assignment.judge, now=now)
    services.close_round(round=works.round, by=works.organizer, now=now)
    client.force_login(works.organizer)
    given = client.post(f"/en/contests/{works.contest.slug}/results/manage/awards/",
                        {"kind": "winner", "entry": image.reference, "scope": ""})
    assert given.status_code == 302 and Award.objects.filter(entry=image).exists()
    manage = client.get(f"/en/contests/{works.contest.slug}/results/manage/").content.decode()
    assert f'href="/en/judging/manage/entries/{image.pk}/"' in manage
    verify = client.get(f"/en/contests/{works.contest.slug}/results/manage/verify/{image.pk}/")
    assert verify.status_code == 200
    assert f'src="/en/judging/manage/entries/{image.pk}/work/display.jpg"' in verify.content.decode()
    assert "release-amal.pdf" in text(verify)
