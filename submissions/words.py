"""Counting words the same way on the server and in the browser (static/js/voices.js).

Words are runs of letters or digits between spaces; in Chinese, Japanese and
Korean writing, which has no spaces, each character counts as a word.
"""

import re

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def word_count(text: str) -> int:
    count = 0
    for token in text.split():
        cjk = len(_CJK.findall(token))
        rest = _CJK.sub("", token)
        count += cjk + (1 if _LETTER_OR_DIGIT.search(rest) else 0)
    return count
