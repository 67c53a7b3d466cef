"""A blind round on S3 (moto's server): every media address the judge's browser gets, in the page and in each
redirect to a signed link, names neither the entry, nor the entrant, nor the file they sent."""

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

from judging.models import Assignment
from tests.judging.factories import jury
from tests.judging.test_blind import identifying, make_entrants_known
from tests.submissions.test_uploads_s3 import bucket, private_on_s3  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_blind_judges_media_urls_on_s3_carry_no_reference_name_or_file_name(private_on_s3, client):  # noqa: F811
    j = jury(entries=3, judges=1, k=1, blind=True)
    make_entrants_known(j)
    judge = j.judges[0]
    client.force_login(judge)
    forbidden = [*identifying(j.entries[0].entrant), *(entry.reference for entry in j.entries)]
    forbidden += [entry.entrant.full_name for entry in j.entries]
    seen = []
    for assignment in Assignment.objects.filter(round=j.round, judge=judge):
        html = client.get(f"/en/judging/assignments/{assignment.pk}/").content.decode()
        media = sorted(set(re.findall(r'(?:src|poster|href)="(/en/judging/assignments/[^"]+)"', html)))
        media = [url for url in media if url != f"/en/judging/assignments/{assignment.pk}/"]
        for url in media:
            answer = client.get(url)
            seen.append(url)
            if answer.status_code == 302:  # a rendition: a short signed link on S3
                signed = answer["Location"]
                seen.append(signed)
                assert "X-Amz-Signature=" in signed
                # A rendition keeps its real type and shows inline (an original would be a download).
                query = parse_qs(urlsplit(signed).query)
                assert query["response-content-type"][0].split("/")[0] in ("image", "video", "audio")
                assert query["response-content-disposition"][0].startswith("inline")
                fetched = requests.get(signed, timeout=10)
                assert fetched.status_code == 200
                assert fetched.headers["Content-Type"] == query["response-content-type"][0]
            else:
                assert answer.status_code == 200, url  # captions, served as text by the site itself
    assert sum("X-Amz-Signature=" in url for url in seen) >= 5  # video, poster, picture, audio, waveform
    for url in seen:
        for text in forbidden:
            assert text.lower() not in unquote(url).lower(), f"{text!r} is in {url}"
