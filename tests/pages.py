"""Reading rendered pages as a person would: text with entities decoded, errors beside their field."""

import html
import re


def text(response) -> str:
    """The page's HTML with entities decoded, so “parent's” matches whatever escaping the template used."""
    return html.unescape(response.content.decode())


def error_beside(response, field: str) -> str:
    """The error text Django renders next to `field` (its errorlist, which the input points at)."""
    page = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.DOTALL)
    assert match, f"no error is shown beside {field}"
    assert f'aria-describedby="id_{field}_error"' in page, f"the {field} input does not point at its error"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()
