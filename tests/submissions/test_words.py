"""Counting words as the essay and work-notes limits count them, in every language the contest takes."""

import pytest

from submissions.words import word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("   \n\t ", 0, id="only-spaces"),
        pytest.param("one two  three", 3, id="double-space"),
        pytest.param("one\ntwo\tthree\u00a0four", 4, id="newline-tab-no-break-space"),
        pytest.param("well-known rock'n'roll", 2, id="hyphen-and-apostrophes-inside-a-word"),
        pytest.param("— ... !", 0, id="punctuation-alone"),
        pytest.param("Stop — now!", 2, id="dash-between-words"),
        pytest.param("集束弹药", 4, id="chinese-each-character"),
        pytest.param("集束弹药。", 4, id="chinese-full-stop-is-no-word"),
        pytest.param("CCM 公约 2024", 4, id="latin-chinese-digits"),
        pytest.param("الذخائر العنقودية", 2, id="arabic"),
        pytest.param("Кассетные боеприпасы, увы, убивают — и сегодня.", 6, id="russian-with-punctuation"),
        pytest.param("Las municiones en racimo: ¿por qué?", 6, id="spanish-inverted-question-mark"),
        pytest.param("___ *** ###", 0, id="symbols-and-underscores"),
    ],
)
def test_words_are_counted_as_a_reader_would(text, words):
    assert word_count(text) == words
