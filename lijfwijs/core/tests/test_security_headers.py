"""Security headers and page hygiene: the CSP, nothing inline that the CSP would block, no-store
on private and health-data responses, and the production settings (`check --deploy`, cookies, HSTS)."""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from lijfwijs.assessments.tests.factories import pijntest_answers
from lijfwijs.core.tests.test_authz_matrix import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


# ---------------------------------------------------------------------------------------------
# The sample pages, fetched once per module


@dataclass(frozen=True)
class Sample:
    actor: str  # "anon", "anon_draft" (a visitor in the middle of the Pijntest) or a matrix actor
    url: str  # formatted with the world's ids (plus "anon_response")
    status: int = 200


SAMPLES = [
    Sample("anon", "/"),
    Sample("anon", "/en/"),
    Sample("anon", "/pijntest/"),
    Sample("anon_draft", "/pijntest/vragen/veiligheid/"),
    Sample("anon_draft", "/en/pijntest/vragen/pijn/"),
    Sample("anon", "/pijntest/uitslag/{anon_response}/"),
    Sample("anon", "/pijntest/uitslag/{anon_response}/"),  # again: the whole page from the cache
    Sample("anon", "/oefeningen/"),
    Sample("anon", "/oefeningen/{exercise}/"),
    Sample("anon", "/kennisbank/"),
    Sample("anon", "/kennisbank/{article}/"),
    Sample("anon", "/account/inloggen/"),
    Sample("anon", "/en/account/inloggen/"),
    Sample("anon", "/account/registreren/"),
    Sample("anon", "/account/wachtwoord-vergeten/"),
    Sample("anon", "/bestaat-niet/", 404),
    Sample("client_a", "/"),
    Sample("client_a", "/pijntest/"),
    Sample("client_a", "/pijntest/uitslag/{response}/"),
    Sample("client_a", "/pijntest/mijn-uitslagen/"),
    Sample("client_a", "/pijntest/vergelijk/?a={response}&b={response2}"),
    Sample("client_a", "/oefeningen/{exercise}/"),
    Sample("client_a", "/kennisbank/{article}/"),
    Sample("client_a", "/account/"),
    Sample("client_a", "/en/account/"),
    Sample("client_a", "/account/e-mail/"),
    Sample("client_a", "/account/wachtwoord/"),
    Sample("client_a", "/account/export/"),
    Sample("client_a", "/account/verwijderen/"),
    Sample("client_a", "/account/inzage/"),
    Sample("client_a", "/account/tweestaps/"),  # a client may set up a second factor (QR code)
    Sample("p_consent", "/"),
    Sample("p_consent", "/praktijk/"),
    Sample("p_consent", "/praktijk/clienten/{client_a}/"),
    Sample("p_consent", "/pijntest/uitslag/{response}/"),
    Sample("p_consent", "/account/"),
    Sample("p_unverified", "/account/tweestaps/"),  # the code form
]


@dataclass
class Page:
    sample: Sample
    url: str
    status: int
    headers: dict[str, str]
    html: str

    def __str__(self) -> str:
        return f"{self.url} as {self.sample.actor}"


def session_client(world: World, actor: str) -> Client:
    client = Client()
    if actor != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


@pytest.fixture(scope="module")
def pages(world, django_db_blocker) -> list[Page]:
    with django_db_blocker.unblock():
        anon = Client()
        made = anon.post(
            "/api/v1/instruments/pijntest/responses",
            {"answers": pijntest_answers()},
            content_type="application/json",
        )
        assert made.status_code == 201
        ids = {**world.ids, "anon_response": made.json()["id"]}
        clients = {"anon": anon, "anon_draft": Client()}
        assert clients["anon_draft"].post("/pijntest/begin/").status_code == 302
        fetched = []
        for sample in SAMPLES:
            client = clients.get(sample.actor) or session_client(world, sample.actor)
            url = sample.url.format(**ids)
            response = client.get(url)
            assert response.status_code == sample.status, (
                f"{url} as {sample.actor}: {response.status_code}"
            )
            fetched.append(
                Page(
                    sample,
                    url,
                    response.status_code,
                    dict(response.headers),
                    response.content.decode(),
                )
            )
        return fetched


# ---------------------------------------------------------------------------------------------
# Content Security Policy


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


REQUIRED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def test_every_sample_page_has_a_strict_csp(pages):
    problems = []
    for page in pages:
        header = page.headers.get("Content-Security-Policy", "")
        if not header:
            problems.append(f"{page}: no Content-Security-Policy header")
            continue
        directives = csp_directives(header)
        for name, sources in REQUIRED_CSP.items():
            if directives.get(name) != sources:
                problems.append(f"{page}: {name} is {directives.get(name)}, expected {sources}")
        unsafe = [
            s
            for s in directives.get("script-src", []) + directives.get("style-src", [])
            if s.startswith("'unsafe-") or s in ("*", "data:", "http:", "https:")
        ]
        if unsafe:
            problems.append(f"{page}: script/style sources allow {unsafe}")
    assert not problems, "\n".join(problems)


def test_the_api_has_a_csp_too(client):
    header = client.get("/api/v1/instruments").headers.get("Content-Security-Policy", "")
    assert csp_directives(header).get("default-src") == ["'self'"]


# ---------------------------------------------------------------------------------------------
# Nothing inline that the CSP blocks


class InlineFinder(HTMLParser):
    """Inline scripts, <style> elements, style= attributes, on…= handlers and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append(f"<script> without src (line {self.getpos()[0]})")
        if tag == "style":
            self.found.append(f"<style> element (line {self.getpos()[0]})")
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value[:40]}"> (line {self.getpos()[0]})')
            if name == "style":
                self.found.append(f'<{tag} style="{value[:40]}"> (line {self.getpos()[0]})')
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f'<{tag} {name}="javascript:…"> (line {self.getpos()[0]})')


def inline_things(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_rendered_pages_have_nothing_inline(pages):
    problems = [f"{page}: {thing}" for page in pages for thing in inline_things(page.html)]
    assert not problems, (
        "the CSP blocks these (move them to a static file or CSS class):\n" + "\n".join(problems)
    )


def template_files() -> list[Path]:
    files = sorted((ROOT / "lijfwijs").glob("**/templates/**/*.html"))  # nested apps too
    return [f for f in files if "emails" not in f.relative_to(ROOT).parts]  # mail, not pages


# In template source (tags may contain {% %} and {{ }}): the same things, found by pattern.
TEMPLATE_PATTERNS = {
    "<script> without src": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on…= event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def test_templates_have_nothing_inline():
    files = template_files()
    assert len(files) > 20, "the template scan found too few files"
    problems = []
    for path in files:
        source = path.read_text()
        for what, pattern in TEMPLATE_PATTERNS.items():
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "the CSP blocks these:\n" + "\n".join(problems)


def test_the_scanners_see_what_they_should():
    html = (
        '<p style="color:red" onclick="x()"><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:void(0)">x</a><script src="/static/a.js"></script>'
    )
    assert len(inline_things(html)) == 5
    for what, pattern in TEMPLATE_PATTERNS.items():
        assert pattern.search(html), what
    assert not inline_things('<script src="/s.js"></script><button class="only">ok</button>')


# ---------------------------------------------------------------------------------------------
# Caching


def no_store(headers: dict[str, str]) -> bool:
    return "no-store" in headers.get("Cache-Control", "").replace(" ", "").lower().split(",")


def test_signed_in_and_pijntest_pages_are_never_stored(pages):
    problems = []
    for page in pages:
        private = page.sample.actor not in ("anon",) or "/pijntest/" in page.url
        if private and not no_store(page.headers):
            problems.append(f"{page}: Cache-Control {page.headers.get('Cache-Control')!r}")
    assert not problems, "these responses need Cache-Control: no-store:\n" + "\n".join(problems)


def test_health_data_from_the_api_is_never_stored(world):
    """An anonymous result is health data too: its API responses must not be stored either."""
    anon = Client()
    made = anon.post(
        "/api/v1/instruments/pijntest/responses",
        {"answers": pijntest_answers()},
        content_type="application/json",
    )
    read = anon.get(f"/api/v1/responses/{made.json()['id']}")
    assert read.status_code == 200
    problems = [
        f"{what}: Cache-Control {response.headers.get('Cache-Control')!r}"
        for what, response in (
            ("POST /api/v1/instruments/pijntest/responses (anonymous)", made),
            ("GET /api/v1/responses/<id> (anonymous)", read),
        )
        if not no_store(response.headers)
    ]
    owner = session_client(world, "client_a").get(f"/api/v1/responses/{world.ids['response']}")
    if not no_store(owner.headers):
        problems.append(
            f"GET /api/v1/responses/<id> (owner): {owner.headers.get('Cache-Control')!r}"
        )
    assert not problems, (
        "API responses carrying answers and results need Cache-Control: no-store "
        "(docs/security.md: no-store on responses with health data):\n" + "\n".join(problems)
    )


# ---------------------------------------------------------------------------------------------
# The API docs page


RESOURCE = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?([^"' )>]+)""", re.I)
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.I)
XML_NAMESPACES = ("http://www.w3.org/",)  # identifiers, never fetched


def test_api_docs_load_only_same_origin_resources(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    foreign = [
        url
        for url in ABSOLUTE.findall(html)
        if not url.startswith(XML_NAMESPACES) and urlsplit(url).hostname not in (None, "testserver")
    ]
    assert not foreign, f"/api/v1/docs refers to other hosts: {foreign}"
    resources = RESOURCE.findall(html)
    assert resources, "no resources found on the docs page"
    for url in resources:
        assert url.startswith("/") and not url.startswith("//"), f"not same-origin: {url}"
        if url.startswith(settings.STATIC_URL):  # shipped with the app, not fetched elsewhere
            assert finders.find(url.removeprefix(settings.STATIC_URL)), (
                f"{url} is not a static file"
            )


# ---------------------------------------------------------------------------------------------
# Production settings


def production_env(tmp_path: Path) -> dict[str, str]:
    """What a production host sets, and nothing else (not the test suite's overrides)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": "prod-" + "k7Q2x9Lm4Rv8Tz1Wc6Yb3Nd5Hf0Jg" * 3,
        "ALLOWED_HOSTS": "example.org",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LIJFWIJS_VAR_DIR": str(tmp_path / "var"),
    }


def manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, (
        f"manage.py check --deploy failed with production settings:\n{result.stdout}{result.stderr}"
    )


SETTINGS_SCRIPT = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "DEBUG", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
]}))
"""


def test_production_cookies_and_hsts(tmp_path):
    result = manage(tmp_path, "shell", "-c", SETTINGS_SCRIPT)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["DEBUG"] is False
    assert got["SESSION_COOKIE_NAME"].startswith("__Host-"), got
    assert got["CSRF_COOKIE_NAME"].startswith("__Host-"), got
    assert got["SESSION_COOKIE_SECURE"] is True and got["CSRF_COOKIE_SECURE"] is True, got
    assert got["SESSION_COOKIE_HTTPONLY"] is True, got
    assert got["SESSION_COOKIE_SAMESITE"] == "Lax" and got["CSRF_COOKIE_SAMESITE"] == "Lax", got
    assert got["SECURE_HSTS_SECONDS"] >= 31536000, got
    assert got["SECURE_SSL_REDIRECT"] is True and got["SECURE_CONTENT_TYPE_NOSNIFF"] is True, got
    assert got["X_FRAME_OPTIONS"] == "DENY", got


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = production_env(tmp_path)
    for missing in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS"):
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "check"],
            cwd=ROOT,
            env={k: v for k, v in env.items() if k != missing},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0 and missing in result.stderr, (missing, result.stderr[-500:])
