"""Fuzzing the account forms and the API with hypothesis: never a server error, and a rejected form
comes back with what was typed (never the password).

Signed-in forms run as client A of the authorization matrix; every request is rolled back, so a
form that does succeed (a new name, a deleted account) changes nothing for the next example.
"""

import json
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lijfwijs.assessments import registry
from lijfwijs.core.tests.test_authz_matrix import PASSWORD, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FUZZ = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Forms that check a password (Argon2, ~0.1 s a try): fewer examples.
FUZZ_PASSWORD = hsettings(FUZZ, max_examples=20)

# Text of every kind a form can carry: unicode, control characters, markup, long and very long.
# (Lone surrogates cannot be sent as UTF-8 at all, so they are left out.)
any_char = st.characters(codec="utf-8")
text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.sampled_from("\x00\x01\x07\x1b\t\r\n\u200b\u202e\ufeff<>\"'&%;{}"), max_size=20),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "a@b", "é@ü.nl"]),
    st.text(any_char, min_size=1, max_size=5).map(lambda s: s * 400),  # a few kB
)
emailish = st.one_of(
    text,
    st.emails().map(str),
    st.builds(lambda u: f"{u}@example.org", st.text(any_char, min_size=1, max_size=30)),
)
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))  # a list: the field sent twice


def form(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[dict]:
    """Each field present or missing, as a string or a list of strings."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.one_of(strategy, st.lists(text, min_size=2, max_size=3))
            for name, strategy in fields.items()
        },
    )


class Inputs(HTMLParser):
    """The value of every <input> of a page, by name (the last one wins)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, tuple[str, str]] = {}  # name -> (type, value)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            if a.get("name"):
                self.values[a["name"]] = (a.get("type") or "text", a.get("value") or "")


def inputs(html: str) -> dict[str, tuple[str, str]]:
    parser = Inputs()
    parser.feed(html)
    parser.close()
    return parser.values


def post(world: World, actor: str, url: str, data: dict) -> tuple[int, str]:
    """POST a form as `actor` in a savepoint that is rolled back; returns (status, page)."""
    client = Client()
    if actor != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    with transaction.atomic():
        try:
            response = client.post(url, data)
            return response.status_code, response.content.decode(errors="replace")
        finally:
            transaction.set_rollback(True)


def check_rejected_form(
    url: str, data: dict, status: int, page: str, passwords: tuple[str, ...], ok: tuple[int, ...]
) -> None:
    assert status < 500, f"POST {url} {data!r}: server error {status}"
    if status in ok:
        return
    assert status in (200, 400, 422, 429), f"POST {url} {data!r}: unexpected {status}"
    if status in (400, 429):  # refused before the form (too large, locked out)
        return
    got = inputs(page)
    for name, sent in data.items():
        if name not in got:
            continue
        kind, shown = got[name]
        if kind == "password":
            assert shown == "", (
                f"POST {url}: the password field {name} was sent back to the browser"
            )
            continue
        if kind in ("checkbox", "radio", "hidden") or not isinstance(sent, str):
            continue  # hidden: set by the server (the consent text version), not typed
        assert shown == sent, (
            f"POST {url}: the rejected form lost what was typed in {name}: sent {sent!r}, "
            f"shown {shown!r}"
        )
    for password in passwords:
        assert password not in page, f"POST {url}: a password came back in the page"


NEW_PASSWORD = PASSWORD + " nieuw"  # a marker: it must never be in a page


def passwords_in(data: dict, names: tuple[str, ...]) -> tuple[str, ...]:
    sent = [data.get(name) for name in names]
    return (NEW_PASSWORD,) if NEW_PASSWORD in sent else ()


# ---------------------------------------------------------------------------------------------
# Account forms


REGISTRATION = form(
    {
        "email": emailish,
        "display_name": text,
        "password1": st.one_of(text, st.just(NEW_PASSWORD)),
        "password2": st.one_of(text, st.just(NEW_PASSWORD)),
        "language": st.one_of(st.sampled_from(["nl", "en"]), text),
        "consent": st.one_of(st.just("on"), text),
        "consent_version": st.one_of(st.sampled_from(["1", "1.0"]), text),
    }
)


@FUZZ
@given(data=REGISTRATION)
def test_register(world, data):
    status, page = post(world, "anon", "/account/registreren/", data)
    check_rejected_form(
        "/account/registreren/",
        data,
        status,
        page,
        passwords_in(data, ("password1", "password2")),
        ok=(302,),
    )


@FUZZ_PASSWORD
@given(data=form({"username": emailish, "password": st.one_of(text, st.just(PASSWORD))}))
def test_login(world, data):
    status, page = post(world, "anon", "/account/inloggen/", data)
    check_rejected_form("/account/inloggen/", data, status, page, (), ok=(302,))


@FUZZ
@given(data=form({"email": emailish}))
def test_password_reset(world, data):
    status, page = post(world, "anon", "/account/wachtwoord-vergeten/", data)
    check_rejected_form("/account/wachtwoord-vergeten/", data, status, page, (), ok=(302,))


@FUZZ
@given(
    data=form(
        {
            "profile-display_name": text,
            "profile-language": st.one_of(st.sampled_from(["nl", "en"]), text),
        }
    )
)
def test_settings_profile(world, data):
    status, page = post(world, "client_a", "/account/", data)
    check_rejected_form("/account/", data, status, page, (), ok=(302,))


@FUZZ
@given(
    data=form(
        {
            "grant-practitioner_email": st.one_of(
                emailish, st.sampled_from(["p-none@matrix.example", "client-b@matrix.example"])
            ),
            "grant-consent": st.one_of(st.just("on"), text),
        }
    )
)
def test_grant_access(world, data):
    status, page = post(world, "client_a", "/account/toegang/", data)
    check_rejected_form("/account/toegang/", data, status, page, (), ok=(302,))


@FUZZ_PASSWORD
@given(data=form({"new_email": emailish, "password": st.one_of(text, st.just(PASSWORD))}))
def test_email_change(world, data):
    status, page = post(world, "client_a", "/account/e-mail/", data)
    check_rejected_form("/account/e-mail/", data, status, page, (), ok=(302,))


@FUZZ_PASSWORD
@given(data=form({"password": st.one_of(text, st.just(PASSWORD))}))
def test_export(world, data):
    status, page = post(world, "client_a", "/account/export/", data)
    if status == 200 and page.lstrip().startswith("{"):
        assert json.loads(page)  # the export itself (right password)
        return
    check_rejected_form("/account/export/", data, status, page, (), ok=())


@FUZZ_PASSWORD
@given(
    data=form(
        {"password": st.one_of(text, st.just(PASSWORD)), "confirm": st.one_of(st.just("on"), text)}
    )
)
def test_delete_account(world, data):
    status, page = post(world, "client_a", "/account/verwijderen/", data)
    check_rejected_form("/account/verwijderen/", data, status, page, (), ok=())


def test_a_body_over_the_upload_limit_is_refused_not_a_crash(world):
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    for actor, url in (("anon", "/account/registreren/"), ("client_a", "/account/")):
        status, _page = post(world, actor, url, {"email": big, "profile-display_name": big})
        assert status == 400, (url, status)


# ---------------------------------------------------------------------------------------------
# The API

INSTRUMENTS = sorted({i.id for i in registry.latest()})

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def answers_for(instrument_id: str) -> st.SearchStrategy[dict]:
    """Answer sets with the instrument's own item ids, codes and numbers, and junk beside them."""
    instrument = registry.get(instrument_id)
    ids = sorted(instrument.items)
    codes = sorted(
        {
            str(getattr(o, "code", ""))
            for item in instrument.items.values()
            for o in (getattr(item, "options", None) or [])
        }
        - {""}
    ) or ["x"]
    answer = st.one_of(
        st.sampled_from(codes),
        st.integers(-3, 12),
        st.lists(st.sampled_from(codes), max_size=4),
        json_value,
    )
    return st.dictionaries(
        st.sampled_from(ids) | st.text(max_size=12), answer, max_size=len(ids) + 2
    )


def api_post(body: bytes, instrument_id: str, content_type: str = "application/json"):
    # generic() sends the bytes as they are (post() would re-encode them to the named charset)
    return Client().generic(
        "POST",
        f"/api/v1/instruments/{quote(instrument_id, safe='')}/responses",
        body,
        content_type=content_type,
    )


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_api_submit_never_fails(instrument_id):
    @FUZZ
    @given(
        body=st.one_of(
            st.builds(lambda a: {"answers": a}, answers_for(instrument_id)),
            json_value,
            st.fixed_dictionaries({"answers": json_value}),
        )
    )
    def run(body):
        response = api_post(json.dumps(body).encode(), instrument_id)
        assert response.status_code in (200, 201, 422), (body, response.status_code)
        assert response["Content-Type"].startswith("application/json")

    run()


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.text(any_char, max_size=200).map(str.encode),
        st.sampled_from(
            [
                b"",
                b"{",
                b"[]",
                b"null",
                b'{"answers": []}',
                b'{"answers": null}',
                b"\xff\xfe{}",
                b'{"answers": {"a": 1e999}}',
                b"[" * 5000,
            ]
        ),
    ),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/json; charset=latin-1",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "application/xml",
            "",
            "application/json; charset=nope",
        ]
    ),
    instrument_id=st.sampled_from(INSTRUMENTS),
)
def test_api_malformed_bodies_and_content_types(body, content_type, instrument_id):
    response = api_post(body, instrument_id, content_type)
    assert response.status_code < 500, (body[:80], content_type, response.status_code)
    assert response.status_code in (200, 201, 400, 404, 413, 415, 422), response.status_code


@FUZZ
@given(
    response_id=st.text(any_char, min_size=1, max_size=80),
    instrument_id=st.text(any_char, min_size=1, max_size=40),
)
def test_api_reads_with_random_ids(response_id, instrument_id):
    client = Client()
    read = client.get(f"/api/v1/responses/{quote(response_id, safe='')}")
    assert read.status_code in (404,), (response_id, read.status_code)
    instrument = client.get(f"/api/v1/instruments/{quote(instrument_id, safe='')}")
    assert instrument.status_code in (200, 404), (instrument_id, instrument.status_code)
    submit = api_post(b'{"answers": {}}', instrument_id)
    assert submit.status_code < 500, (instrument_id, submit.status_code)
