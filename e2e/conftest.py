"""Fixtures for the browser tests: one Chromium per worker, a fresh context per test.

Playwright's sync API keeps an asyncio event loop on the test thread. Django then refuses ORM
calls from the test process ("async context"), so DJANGO_ALLOW_ASYNC_UNSAFE is set, the
documented workaround for Playwright + Django tests. It is set from the first browser test of a
worker to the end of the session: the project has no async code for Django's check to guard, and
the scheduler (conftest.py) hands the browser tests out after the other modules anyway. Launching
Chromium once per worker rather than once per test is several seconds a browser test.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Debian's chromium-headless-shell: the same Chromium build without the browser's own UI, the
# binary Playwright itself runs headless tests in. On this 2-core machine the browser tests took
# 7:15 in it against 10:21 in /usr/bin/chromium (docs/decisions.md). The full browser is the
# fallback where only it is installed; LIJFWIJS_CHROMIUM names another binary.
CHROMIUM = Path(
    os.environ.get("LIJFWIJS_CHROMIUM")
    or next(
        (p for p in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(p).exists()),
        "/usr/bin/chromium",
    )
)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is served by the live server beside the site's own files (`served_static`), under
# this prefix: a page loads it with a <script src> its CSP allows, only when it is checked.
AXE_PREFIX = "test-only-axe-core"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def missing_tools() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # They check what the browser gets (layout, scripts, accessibility, offline), the same on
        # every database: they run once, on the SQLite run of the suite (docs/decisions.md).
        return "browser tests run on the SQLite run of the suite"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (install Debian's chromium-headless-shell: `make browser`)"
    if not AXE.exists():
        return f"{AXE.relative_to(ROOT)} is missing (run `npm ci`)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests are skipped, with the reason, where they cannot run (see missing_tools)."""
    reason = missing_tools()
    if not reason:
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium and axe-core: {reason}")
    for item in items:
        if item.get_closest_marker("e2e") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def served_static(settings) -> None:
    """Plain static URLs for the live server, whatever STATIC_STORAGE says, and axe-core among them.

    The live server serves static files straight from the app folders (like
    StaticLiveServerTestCase), which only knows the plain names, not a manifest's hashed ones.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, (AXE_PREFIX, AXE.parent)]


@dataclass
class BrowserTab:
    """A page in its own context, and every request it made."""

    page: object
    base_url: str
    requests: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # sub-resources (CSS, icons) that failed
    console: list[str] = field(default_factory=list)  # "type: text" of every console message

    def url(self, path: str) -> str:
        return self.base_url + path

    def on_request(self, request) -> None:
        self.requests.append(request.url)

    def on_request_failed(self, request) -> None:
        # ERR_ABORTED: the page navigated on while it loaded (a click), not a broken resource
        if "ERR_ABORTED" not in (request.failure or ""):
            self.broken.append(f"{request.url}: {request.failure}")

    def on_console(self, message) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        """What Chromium reported as blocked by the Content Security Policy."""
        return [m for m in self.console if "Content Security Policy" in m]

    def on_response(self, response) -> None:
        # pages may answer 422 (a form with errors); sub-resources must all load
        if response.status >= 400 and response.request.resource_type != "document":
            self.broken.append(f"{response.url}: HTTP {response.status}")

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the live server (data: and blob: URLs stay in the page)."""
        server = urlsplit(self.base_url)
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if (parts.scheme, parts.hostname, parts.port) != (
                server.scheme,
                server.hostname,
                server.port,
            ):
                foreign.append(url)
        return foreign


# Reports every CSP violation of a document to the console (Chromium also logs its own message);
# init scripts come in through the DevTools protocol, so the page's CSP does not stop this one.
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', e => console.error(
    'Content Security Policy violation: ' + e.violatedDirective + ' blocked ' +
    (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));
"""


@pytest.fixture
def open_tab(
    browser, live_server, served_static, transactional_db
) -> Iterator[Callable[..., BrowserTab]]:
    """open_tab(viewport, locale) -> a BrowserTab in a fresh context (no cookies from other tests).

    Every tab runs under the site's real CSP (script-src 'self', no inline scripts), axe-core
    included: the checks load it from the live server, same origin (helpers.assert_accessible).
    Whatever the test, the browser must have blocked nothing by the end of it.
    """
    contexts, tabs = [], []

    def _open(viewport: dict[str, int] = DESKTOP, locale: str = "nl-NL") -> BrowserTab:
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = BrowserTab(page=None, base_url=live_server.url)
        context.on("request", tab.on_request)
        context.on("requestfailed", tab.on_request_failed)
        context.on("response", tab.on_response)
        context.on("console", tab.on_console)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        tab.page = context.new_page()
        tabs.append(tab)
        return tab

    yield _open
    # Close the pages before the database is emptied (transactional_db's teardown comes after this
    # one, as this fixture depends on it): a page still sending requests while PostgreSQL truncates
    # the tables deadlocks.
    for context in contexts:
        context.close()
    blocked = [text for tab in tabs for text in tab.csp_violations()]
    assert not blocked, "the site's CSP blocked something:\n" + "\n".join(blocked)
