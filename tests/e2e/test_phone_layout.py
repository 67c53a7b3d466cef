"""No page of the demo scrolls sideways on a 360 px phone, in any of the six languages, for any role.

One seeded demo, one live server, one browser. Each role's pages are found by crawling its start pages in
English (same origin, GET, links only, bounded: one page per shape of address), then every page is opened in
each language.
"""

import re
from collections import deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from demo.editions import seed_past_editions
from demo.seed import SLUG, seed_demo
from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
MAX_PAGES_PER_ROLE = 45
# Not pages of Voices' own (the Django admin), or not pages at all (files, exports, signing out).
SKIP = re.compile(r"/admin/|/logout/|/export|/files/|/media/|/download|\.\w+$")

# A role's start pages, after the language prefix ({announced}: the demo's announced edition).
ROLES = {
    "anonymous": (None, ["", f"contests/{SLUG}/", "contests/{announced}/winners/"]),
    "entrant": ("entrant1@voices.example", ["", "entries/", "accounts/email/"]),
    "judge": ("judge1@voices.example", ["", "judging/"]),
    "organizer": ("organizer@voices.example", ["judging/", "contests/{announced}/results/manage/"]),
}

# The page must not scroll sideways, nor may a table scroll inside its box (its columns would be clipped).
OVERFLOW = """() => {
  const root = document.scrollingElement;
  const boxes = [...document.querySelectorAll('.table-scroll')].filter(box => box.scrollWidth > box.clientWidth + 1);
  if (boxes.length) return {table: boxes[0].querySelector('table')?.id || boxes[0].outerHTML.slice(0, 80),
                             scroll: boxes[0].scrollWidth, client: boxes[0].clientWidth};
  if (root.scrollWidth <= root.clientWidth) return null;
  const culprits = [];
  for (const element of document.querySelectorAll('main *, header *, footer *')) {
    const box = element.getBoundingClientRect();
    if (box.width && (box.right > root.clientWidth + 1 || box.left < -1)) {
      const parent = element.parentElement && element.parentElement.getBoundingClientRect();
      if (!parent || parent.right <= root.clientWidth + 1 && parent.left >= -1) {
        culprits.push(element.tagName.toLowerCase() + (element.className ? '.' + element.className : '')
          + ' ' + Math.round(box.width) + 'px: ' + (element.textContent || '').trim().slice(0, 40));
      }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, culprits: culprits.slice(0, 4)};
}"""


# Nor may a word in a table or a list of facts be broken across lines ("stockpil / e"). Words are runs of letters
# of the scripts that put spaces between words; Chinese wraps between any two characters.
BROKEN_WORD = r"""() => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT, {
    acceptNode: node => node.parentElement.closest('td, th, dd') ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  const hidden = element => {  // visually hidden text (a 1 px clipped box) wraps at every word, unseen
    for (; element; element = element.parentElement) if (getComputedStyle(element).clipPath !== 'none') return true;
    return false;
  };
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(/[\p{L}\p{M}]{2,}/gu)) {
      if (/\p{Script=Han}/u.test(match[0])) continue;
      // An email address or a link has no space to break at: it may break anywhere.
      const before = node.data.slice(0, match.index).split(/\s/).pop();
      const after = node.data.slice(match.index).split(/\s/)[0];
      if (/[@/]/.test(before + after)) continue;
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width).map(r => Math.round(r.top)));
      if (tops.size > 1 && !hidden(node.parentElement)) return {word: match[0], in: node.parentElement.tagName};
    }
  }
  return null;
}"""


# On a right-to-left page, a sentence someone typed in English keeps its full stop after its last word, not at
# the other end of the line (user text is isolated with dir="auto" or <bdi>).
STRAY_FULL_STOP = r"""() => {
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const box = (node, at) => {
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect();
  };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trimEnd();
    if (!/^\s*[A-Za-z][A-Za-z ,;:'’-]*[a-z][.!?]$/.test(text) || !node.parentElement.checkVisibility()) continue;
    const stop = box(node, text.length - 1), last = box(node, text.length - 2);
    if (stop.width && last.width && Math.abs(stop.top - last.top) < 2 && stop.left < last.left)
      return text.trim().slice(-60);
  }
  return null;
}"""


def shape(path: str, query: str = "") -> str:
    """One page per shape: /en/entries/CCM-2026-0001/ and /en/entries/CCM-2026-0002/ are the same page, and so
    are two sign-in links that differ only in where they lead next."""
    keys = sorted(key for key, _value in parse_qsl(query, keep_blank_values=True) if key != "next")
    return re.sub(r"[0-9]+", "9", path) + "?" + "&".join(keys)


@pytest.fixture
def demo(transactional_db):
    now = timezone.now()
    seed_demo(now=now)
    from contest.models import Contest

    return seed_past_editions(now=now, open_contest=Contest.objects.get(slug=SLUG))


def sign_in(context, live_server, email: str | None) -> None:
    context.clear_cookies()
    if email is None:
        return
    client = Client()
    client.force_login(User.objects.get(email=email))
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def crawl(page, live_server, starts: list[str]) -> list[str]:
    """The role's pages in English, as paths without the language prefix, found by following links."""
    origin = live_server.url
    queue = deque(f"/en/{start}" for start in starts)
    seen_shapes, pages = set(), []
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        if shape(*path.partition("?")[::2]) in seen_shapes:
            continue
        seen_shapes.add(shape(*path.partition("?")[::2]))
        response = page.goto(origin + path, wait_until="domcontentloaded")
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append(path.removeprefix("/en/"))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urldefrag(href).url
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path.startswith("/en/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not SKIP.search(parts.path) and shape(parts.path, parts.query) not in seen_shapes:
                queue.append(target)
    return pages


def test_no_page_scrolls_sideways_on_a_phone_in_any_language_for_any_role(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems, visited = [], 0
    try:
        for role, (email, starts) in ROLES.items():
            sign_in(context, live_server, email)
            pages = crawl(page, live_server, [start.format(announced=demo.announced.slug) for start in starts])
            assert len(pages) >= 3, f"the crawl as {role} found only {pages}"
            for language in LANGUAGES:
                for path in pages:
                    page.goto(f"{live_server.url}/{language}/{path}", wait_until="load")
                    visited += 1
                    if overflow := page.evaluate(OVERFLOW):
                        problems.append(f"{role} /{language}/{path}: {overflow}")
                    if language == "ar" and (sentence := page.evaluate(STRAY_FULL_STOP)):
                        problems.append(f"{role} /{language}/{path}: a full stop at the wrong end of: {sentence}")
                    if broken := page.evaluate(BROKEN_WORD):
                        problems.append(f"{role} /{language}/{path}: a word broken across lines: {broken}")
    finally:
        context.close()
    assert visited >= 6 * 40, f"only {visited} pages opened"
    assert not problems, "These pages scroll sideways at 360 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_ranking_and_the_statistics_read_on_a_phone_in_arabic_and_chinese(browser, live_server, demo, language):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(context, live_server, "organizer@voices.example")
    page.goto(f"{live_server.url}/{language}/contests/{demo.contest.slug}/results/manage/")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() >= 5
    # Each row is a card: every value beside its column's name, inside the screen.
    cells = page.evaluate("""() => [...document.querySelectorAll('#ranking tbody tr:first-child td')].map(td => ({
        label: getComputedStyle(td, '::before').content, right: td.getBoundingClientRect().right,
        left: td.getBoundingClientRect().left}))""")
    labels = [cell["label"].strip('"') for cell in cells]
    expected = {"ar": ["المرتبة", "المشاركة"], "zh-hans": ["排名", "参赛作品"]}[language]
    assert labels[:2] == expected, labels
    assert all(0 <= cell["left"] and cell["right"] <= 360 for cell in cells)
    assert page.evaluate(BROKEN_WORD) is None and page.evaluate(OVERFLOW) is None
    assert_accessible(page, f"phone-ranking-{language}")

    page.goto(f"{live_server.url}/{language}/contests/{demo.announced.slug}/results/manage/statistics/")
    theme = demo.announced.themes.order_by("position").first()
    names = page.locator("figure.chart").first.locator("tbody th").all_inner_texts()
    assert getattr(theme, f"title_{language.replace('-', '_')}") in names and theme.title_en not in names
    assert page.evaluate(BROKEN_WORD) is None and page.evaluate(OVERFLOW) is None
    assert_accessible(page, f"phone-statistics-{language}")
    context.close()
