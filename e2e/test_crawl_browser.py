"""Every page a visitor, a client with months of data and a practitioner can reach, in a browser.

From the start page each role follows the internal links (a few of each kind of address: one
check-in's edit page is opened and a few more requested, standing for all of them) and on every
page checks what the design promises: nothing scrolls sideways at 390 px nor at 1280 px (where
no workspace list scrolls inside itself either), the CSS and JS it loads stay within 40 KB
gzipped, axe finds nothing serious or critical, the console shows no error, no request leaves the
server, and the links requested answer 2xx or 3xx.
The data is the demo practice of `make run` (`load_demo`): Anna with 120 days of diary, her
Pijntests and program, and her practitioner.
"""

import functools
import gzip
import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django_otp.oath import totp

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import assert_accessible, sign_in
from lijfwijs.exercises.models import Exercise
from lijfwijs.learn.models import Article
from lijfwijs.practice.management.commands import load_demo

pytestmark = pytest.mark.e2e

# Not pages of the site, or not pages to open: API and its docs, admin, static files, downloads.
SKIP = re.compile(
    r"^/(en/)?(api/|admin/|static/|sw\.js|manifest\.webmanifest|account/export/)|\.(ics|csv)$"
)
ASSET_BUDGET = 40 * 1024  # the CSS and JS a page loads, gzipped (no web font is used)
PER_SHAPE = 1  # pages opened per kind of address (digits, ids and slugs folded)
# Further addresses of a kind only requested, for their status: the rest of a kind (a client's
# 300 check-ins, say) run the same view on other rows.
STATUS_PER_SHAPE = 4
# Pages opened per role: a bound that a growing site raises on purpose, not a crawl that runs away.
MAX_PAGES = 110  # raised from 70 with outreach and exports (issue 14, 15)


def shapes(*, languages_apart: bool) -> Callable[[str], str]:
    """shape(path): the kind of address. `/dagboek/123/bewerken/` and `/dagboek/456/bewerken/` are
    one kind; so are two articles, two exercises of the same kind of player and a page with
    another query than `?pagina=`; and, unless `languages_apart`, the same page in English."""
    kinds = {e.slug: e.kind for e in Exercise.objects.all()}
    articles = set(Article.objects.values_list("slug", flat=True))

    def shape(path: str) -> str:
        path, _, query = path.partition("?")
        if not languages_apart:
            path = re.sub(r"^/en(/|$)", "/", path)
        parts = path.split("/")
        for n, part in enumerate(parts):
            if part in articles:
                parts[n] = "<article>"
            elif part in kinds:
                parts[n] = f"<{kinds[part]}>"
        path = re.sub(r"/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/", "/<uuid>/", "/".join(parts))
        # a result's random id (never a slug: those are lower case words and hyphens)
        path = re.sub(r"/(?=[^/]*[A-Z0-9_])[A-Za-z0-9_-]{16,}/", "/<id>/", path)
        path = re.sub(r"\d+", "<n>", path)
        return path + ("?pagina" if "pagina=" in query else "")

    return shape


def internal_links(page, origin: str) -> set[str]:
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    found = set()
    for href in hrefs:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@functools.cache
def gzipped_size(url: str) -> int:
    """The gzipped size of one of our static files, by its URL."""
    path = urlsplit(url).path.removeprefix("/static/")
    found = finders.find(path)
    assert found, f"{url} is not a static file of the site"
    return len(gzip.compress(Path(found).read_bytes()))


def asset_weight(page) -> int:
    urls = page.evaluate(
        "() => [...document.querySelectorAll('link[rel=stylesheet][href], script[src]')]"
        ".map(e => e.href || e.src)"
    )
    return sum(gzipped_size(url) for url in urls)


def crawl(tab, start: list[str], *, languages_apart: bool = False) -> dict[str, list[str]]:
    """Visit what `start` leads to; {problem kind: [descriptions]} of everything found wrong.

    PER_SHAPE pages of each kind are opened and checked, STATUS_PER_SHAPE more of the kind
    requested (their status checked)."""
    page = tab.page
    shape = shapes(languages_apart=languages_apart)
    origin = tab.base_url
    problems: dict[str, list[str]] = {}
    errors_before = 0

    def report(kind: str, text: str) -> None:
        problems.setdefault(kind, []).append(text)

    queue = deque(start)
    seen: set[str] = set(start)
    per_shape: dict[str, int] = {}
    requested: dict[str, int] = {}
    visited: list[str] = []

    def follow(path: str, location: str) -> None:
        """A redirect (e.g. a visitor sent to sign in): where it leads is crawled too."""
        target = urlsplit(location)
        if not target.netloc or f"{target.scheme}://{target.netloc}" == origin:
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in seen and not SKIP.search(target.path):
                seen.add(link)
                queue.append(link)

    while queue:
        path = queue.popleft()
        kind = shape(path)
        if per_shape.get(kind, 0) >= PER_SHAPE:  # a kind already opened: its status only
            if requested.get(kind, 0) >= STATUS_PER_SHAPE:
                continue
            requested[kind] = requested.get(kind, 0) + 1
            answer = page.request.get(origin + path, max_redirects=0)
            if 300 <= answer.status < 400:
                follow(path, answer.headers.get("location", ""))
            elif answer.status != 200:
                report("status", f"{path}: HTTP {answer.status}")
            continue
        # the page is opened at 390 px, where axe checks it, and then at 1280 px
        page.set_viewport_size(PHONE)
        response = page.goto(origin + path)
        if response is not None and response.request.redirected_from is not None:
            follow(path, page.url)  # counted under the address it leads to
            continue
        if not response or response.status != 200:
            report("status", f"{path}: HTTP {response.status if response else 0} in the browser")
            continue
        per_shape[kind] = per_shape.get(kind, 0) + 1
        visited.append(f"{path} ({kind})")
        assert len(visited) <= MAX_PAGES, f"more than {MAX_PAGES} pages:\n" + "\n".join(visited)
        here = urlsplit(page.url).path
        try:
            assert_accessible(page, here)
        except pytest.fail.Exception as failure:
            report("axe", str(failure))
        for size in (PHONE, DESKTOP):
            if size is DESKTOP:
                page.set_viewport_size(size)
            content, window = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if content > window:
                report("sideways", f"{here} at {size['width']} px: {content} px wide")
        # on a desktop a workspace list shows all its columns, without scrolling inside itself
        cramped = page.evaluate(
            "() => [...document.querySelectorAll('.table-wide')]"
            ".filter(e => e.scrollWidth > e.clientWidth).length"
        )
        if cramped:
            report("sideways", f"{here} at {DESKTOP['width']} px: a list scrolls inside itself")
        weight = asset_weight(page)
        if weight > ASSET_BUDGET:
            report("weight", f"{here}: {weight / 1024:.1f} KB of CSS and JS (gzip)")
        errors = [m for m in tab.console if m.startswith("error")]
        for message in errors[errors_before:]:
            report("console", f"{here}: {message}")
        errors_before = len(errors)
        for link in sorted(internal_links(page, origin) - seen):
            seen.add(link)
            queue.append(link)
    foreign = tab.foreign_requests()
    if foreign:
        report("foreign", ", ".join(sorted(set(foreign))))
    if tab.broken:
        report("broken", ", ".join(tab.broken))
    assert len(visited) >= 5, f"the crawl reached only {visited}"
    return problems


def assert_clean(problems: dict[str, list[str]]) -> None:
    assert not problems, "\n".join(
        f"{kind}:\n  " + "\n  ".join(texts) for kind, texts in sorted(problems.items())
    )


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", force=True, verbosity=0)


def test_every_page_a_visitor_reaches(open_tab, demo):
    tab = open_tab(PHONE)
    # a visitor's pages in both languages; the signed-in ones in Dutch (the suite's other browser
    # tests take them in English too)
    assert_clean(crawl(tab, ["/", "/pijntest/", "/en/"], languages_apart=True))


def test_every_page_a_client_with_data_reaches(open_tab, demo):
    tab = open_tab(PHONE)
    sign_in(tab, load_demo.CLIENTS[0]["email"], load_demo.PASSWORD)
    assert_clean(crawl(tab, ["/", "/dagboek/nieuw/", "/dagboek/inzichten/", "/account/inzage/"]))


def test_every_page_a_practitioner_reaches(open_tab, demo):
    tab = open_tab(PHONE)
    sign_in(tab, load_demo.PRACTITIONER["email"], load_demo.PASSWORD)
    page = tab.page
    assert "/account/tweestaps/" in page.url, page.url
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(load_demo.TOTP_KEY_HEX)):06d}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/account/tweestaps/" not in page.url
    assert_clean(crawl(tab, ["/", "/praktijk/"]))
