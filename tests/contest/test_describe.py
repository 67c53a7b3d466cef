import pytest
from django.utils import translation

from contest.describe import category_rules, duration_in_words
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_a_video_category_speaks_its_limits_in_plain_words():
    category = CategoryFactory.build(allowed_formats=["mp4", "mov"], max_size_bytes=1024**3, max_duration_seconds=180)
    with translation.override("en"):
        assert category_rules(category) == ["Files: MP4, MOV.", "Up to 1 GB per file.", "At most 3 minutes long."]


def test_an_essay_category_gives_its_word_limit_with_grouping():
    category = CategoryFactory.build(
        allowed_formats=["pdf"], max_size_bytes=None, max_duration_seconds=None, max_words=1000
    )
    with translation.override("en"):
        assert category_rules(category)[-1] == "At most 1,000 words."


def test_durations_mix_minutes_and_seconds():
    with translation.override("en"):
        assert duration_in_words(252) == "4 min 12 s"
        assert duration_in_words(60) == "1 minute"
        assert duration_in_words(45) == "45 seconds"


def test_limits_are_translated():
    category = CategoryFactory.build(allowed_formats=["mp4"], max_size_bytes=None, max_duration_seconds=300)
    with translation.override("fr"):
        rules = category_rules(category)
    assert rules[0] != "Files: MP4."
    assert "5" in rules[1] and "minutes" in rules[1]
