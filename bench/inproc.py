"""Server time in process: requests through Django's WSGI handler (all middleware), timed."""

from __future__ import annotations

import io
import re
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from common import HOST, BenchError

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


@dataclass
class Browser:
    """A cookie jar in front of one WSGI handler: what a browser sends, without a network.

    The time of a request is the handler's call and the reading of its body, up to and with
    `close()` (Django's request_finished: the database connection's end-of-request check), so
    it is what a gunicorn worker spends on the request minus HTTP parsing.
    """

    handler: Any
    cookies: dict[str, str] = field(default_factory=dict)

    def call(
        self, method: str, path: str, data: dict[str, Any] | None = None, json_body: bytes = b""
    ) -> Answer:
        split = urlsplit(path)
        body = json_body or (urlencode(data).encode() if data is not None else b"")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": split.path,
            "QUERY_STRING": split.query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": HOST,
            "HTTP_HOST": HOST,
            "HTTP_USER_AGENT": "lijfwijs-bench",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body:
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["CONTENT_TYPE"] = (
                "application/json" if json_body else "application/x-www-form-urlencoded"
            )
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = headers

        t0 = time.perf_counter()
        result = self.handler(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        seconds = time.perf_counter() - t0
        headers: dict[str, str] = {}
        for key, value in started["headers"]:
            if key.lower() == "set-cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            else:
                headers[key] = value
        return Answer(started["status"], headers, content, seconds)

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def token(self, path: str) -> str:
        """The csrfmiddlewaretoken of the form on `path` (and the csrftoken cookie with it)."""
        answer = self.get(path)
        match = TOKEN.search(answer.body)
        if answer.status != 200 or not match:
            raise BenchError(f"GET {path} gave {answer.status} or no csrfmiddlewaretoken field")
        return match.group(1).decode()

    def post_form(self, path: str, fields: dict[str, Any], token_from: str | None = None) -> Answer:
        token = self.token(token_from or path)
        return self.call("POST", path, {"csrfmiddlewaretoken": token, **fields})


def handler() -> Any:
    """The site's WSGI application as gunicorn loads it (lijfwijs.wsgi, with its frozen heap)."""
    from lijfwijs.wsgi import application

    return application


def sign_in(browser: Browser, email: str, password: str, login_path: str) -> Answer:
    """Sign in through the login form like a person does; the answer of the POST (timed)."""
    token = browser.token(login_path)
    answer = browser.call(
        "POST",
        login_path,
        {"csrfmiddlewaretoken": token, "username": email, "password": password},
    )
    if answer.status != 302 or answer.location != "/" or "sessionid" not in browser.cookies:
        raise BenchError(
            f"POST {login_path} gave {answer.status} to {answer.location!r} (expected a 302 to /"
            f" with a session): {answer.body[:300]!r}"
        )
    return answer
