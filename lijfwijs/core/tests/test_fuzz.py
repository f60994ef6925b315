"""Fuzzing the account forms and the API with hypothesis: never a server error, and a rejected form
comes back with what was typed (never the password).

Signed-in forms run as client A of the authorization matrix; every request is rolled back, so a
form that does succeed (a new name, a deleted account) changes nothing for the next example.
"""

import json
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from lijfwijs.assessments import registry
from lijfwijs.core.middleware import unstorable
from lijfwijs.core.tests.test_authz_matrix import PASSWORD, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FUZZ = hsettings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Forms that check a password (Argon2, ~0.1 s a try): fewer examples.
FUZZ_PASSWORD = hsettings(FUZZ, max_examples=20)

# Text of every kind a form can carry: unicode, NUL and other control characters, markup, long
# and very long. A form is sent as UTF-8, which no lone surrogate survives: `any_char` leaves them
# out, and JSON (which can carry "\ud800") uses `json_char`, which has them.
any_char = st.characters(codec="utf-8")
json_char = st.characters(codec=None, categories=None)  # every code point: surrogates, NUL
json_text = st.one_of(
    st.text(json_char, max_size=20),
    st.text(st.sampled_from("\x00\ud800\udbff\udc00\udfffa\U0001f600"), max_size=6),
)
text = st.one_of(
    st.text(any_char, max_size=40),
    st.text(st.sampled_from("\x00\x01\x07\x1b\t\r\n\u200b\u202e\ufeff<>\"'&%;{}"), max_size=20),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "a@b", "é@ü.nl"]),
    st.text(any_char, min_size=1, max_size=5).map(lambda s: s * 400),  # a few kB
    # numbers, ids past 64 bits among them (no row has one; SQLite cannot even be asked for it)
    st.integers().map(str),
    st.sampled_from([str(2**63), str(-(2**63) - 1), "9" * 40]),
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
    with transaction.atomic():
        try:
            response = world.client_as(actor).post(url, data)
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
        ok=(200,),  # "check your email", with or without an account behind the address
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
    if status == 302:  # the right password: the page then fetches the file
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
# Every form on every page

# Values no form expects, each put in every field of a form at once. With the page's own
# choices and hidden values kept (so the view goes on past them), the fields a person types in
# get a word, a number past 64 bits, a field sent twice, or a moment of the first or last day
# Python knows (with no counterpart in UTC: core.dates); with nothing kept, every field gets a
# word (Django's redirect() took `next=abc` for a view's name), a number past 64 bits (an id) or a
# line break (a header split). The matrix already posts every form empty, and the boundary's
# refusal of a NUL is tested once for every form above.
ODD_TYPED = (
    "abc",
    "9" * 40,
    ["1", "2"],
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
)
ODD_EVERYWHERE = ("abc", "9" * 40, "/x\nY: z")
# One of each kind of person a page shows its own forms to (an assistant sees the practice's).
FORM_READERS = ("anon", "client_a", "p_consent")


class Forms(HTMLParser):
    """The forms of a page: [(method, action, {field name: its first value on the page})]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self.fields: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = {}
            method = "post" if (a.get("method") or "get").lower() == "post" else "get"
            self.forms.append((method, a.get("action") or "", self.fields))
        elif self.fields is not None and tag in ("input", "textarea", "select", "button"):
            if a.get("name") and a["name"] != "csrfmiddlewaretoken":
                self.fields.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.fields = None


def _rolled_back(call):
    """A request in a savepoint that is rolled back; a view's exception is the 500 it would be."""
    with transaction.atomic():
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - reported as a server error
            return f"{type(error).__name__}: {error}"
        finally:
            transaction.set_rollback(True)


def page_forms(
    world: World,
) -> dict[tuple[str, str, tuple[str, ...]], tuple[str, dict[str, str]]]:
    """{(method, action, field names): (actor, fields)}: every form (a search or a day picker
    sent with GET, the rest with POST) on every page of the matrix that one of FORM_READERS
    opens (the sign-out form aside)."""
    from lijfwijs.core.tests.test_authz_matrix import ACTORS, ALL_ROUTES, ROUTES

    found = {}
    for key in ALL_ROUTES:
        route = ROUTES[key]
        if "GET" not in route.methods:
            continue
        url = world.url(route)
        for actor, status in zip(ACTORS, route.expected("GET"), strict=True):
            if status != 200 or actor not in FORM_READERS:
                continue
            response = _rolled_back(lambda url=url, actor=actor: world.client_as(actor).get(url))
            if isinstance(response, str):  # the matrix reports a page's server error
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            parser = Forms()
            parser.feed(response.content.decode())
            for method, action, fields in parser.forms:
                target = urlsplit(urljoin(f"http://testserver{url}", action))
                path = target.path + (f"?{target.query}" if target.query else "")
                if path.rstrip("/").endswith(("uitloggen", "logout")):
                    continue
                found.setdefault((method, path, tuple(sorted(fields))), (actor, fields))
    return found


def test_every_form_on_every_page_takes_odd_values_without_a_server_error(world):
    """Every form the pages show, sent with its own method and filled with values no form expects (ODD_TYPED,
    ODD_EVERYWHERE): never a server error. The fuzz tests of single forms above go deeper; this
    one reaches every form, with the values that found server errors the others had missed."""
    forms = page_forms(world)
    assert len(forms) >= 100, sorted(forms)  # the matrix's pages hold this many forms
    failures = []
    for (method, path, names), (actor, fields) in sorted(forms.items()):
        attempts = [{n: fields[n] or value for n in names} for value in ODD_TYPED]
        attempts += [dict.fromkeys(names, value) for value in ODD_EVERYWHERE]
        for data in attempts:
            answer = _rolled_back(
                lambda data=data, path=path, actor=actor, method=method: getattr(
                    world.client_as(actor), method
                )(path, data)
            )
            status = answer if isinstance(answer, str) else answer.status_code
            if isinstance(status, str) or status >= 500:
                failures.append(f"{actor} {method.upper()} {path} {data!r}: {status}")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# The API

INSTRUMENTS = sorted({i.id for i in registry.latest()})

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
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
    return st.dictionaries(st.sampled_from(ids) | json_text, answer, max_size=len(ids) + 2)


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
                b'{"answers": {"peg.pain": "\\ud800"}}',
                b'{"answers": {"\\udfff": "\\u0000"}}',
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


# ---------------------------------------------------------------------------------------------
# Text that no database can store: a lone surrogate (JSON can carry "\ud800") or a NUL byte.
# One check at the boundary (core.middleware.UnstorableTextMiddleware) answers before any view.

LONE_SURROGATES_AND_NUL = ['"\\ud800"', '"a\\udfff b"', '"\\udc00\\ud800"', '"nul\\u0000"']
PATTERN = '{"name": %s, "base": "4-7-8-ademhaling", "inhale": 4, "exhale": 8, "cycles": 4}'


def signed_in_api(world: World) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["client_a"]
    return client


@pytest.mark.parametrize("text", LONE_SURROGATES_AND_NUL)
@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/checkins", '{"pain": 4, "note": %s}', "note"),
        ("/api/v1/checkins", '{"pain": 4, "client_key": %s}', "client_key"),
        ("/api/v1/checkins", '{"pain": 4, "new_tags": ["ok", %s]}', "new_tags"),
        ("/api/v1/tags", '{"name": %s}', "name"),
        ("/api/v1/breathing-patterns", PATTERN, "name"),
        ("/api/v1/instruments/pijntest/responses", '{"answers": {"peg.pain": %s}}', "answers"),
    ],
)
def test_api_text_no_database_can_store_is_422_naming_the_field(world, url, body, field, text):
    with transaction.atomic():
        try:
            response = signed_in_api(world).generic(
                "POST", url, (body % text).encode(), content_type="application/json"
            )
        finally:
            transaction.set_rollback(True)
    assert response.status_code == 422, (url, text, response.content[:300])
    answer = response.json()
    assert answer["detail"] and field in answer["errors"], answer


def test_a_lone_surrogate_in_a_key_is_422_too(world):
    response = signed_in_api(world).generic(
        "POST", "/api/v1/tags", b'{"\\ud800": 1, "name": "x"}', content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"] == {
        "body": response.json()["errors"]["body"]
    }


def test_escaped_backslashes_and_surrogate_pairs_are_ordinary_text(world):
    """`"\\\\ud800"` is a backslash and five letters; a surrogate pair is one emoji."""
    for name in ('"\\\\ud800"', '"\\ud83d\\ude00 rust"'):
        with transaction.atomic():
            try:
                response = signed_in_api(world).generic(
                    "POST", "/api/v1/tags", f'{{"name": {name}}}'.encode(), "application/json"
                )
            finally:
                transaction.set_rollback(True)
        assert response.status_code in (200, 201), (name, response.content)


@pytest.mark.parametrize(
    "path",
    [
        "/pijntest/vergelijk/?a=%00&b=x",
        "/pijntest/vergelijk/?a%00=1",
        "/oefeningen/mijn-ritmes/nieuw/?name=a%00b",
        "/account/tweestaps/?next=%00",
    ],
)
def test_a_nul_in_the_query_string_is_400_with_a_message(world, path):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["client_a"]
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    assert "nul-teken" in response.content.decode()
    english = client.get("/en" + path)
    assert english.status_code == 400


def test_a_nul_in_an_api_query_string_is_422_naming_the_parameter(world):
    response = signed_in_api(world).get("/api/v1/checkins?from=%00")
    assert response.status_code == 422 and "from" in response.json()["errors"]


def _holds_unstorable(value) -> bool:
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, list):
        return any(_holds_unstorable(v) for v in value)
    if isinstance(value, dict):
        return any(unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    return False


@FUZZ
@given(body=json_value)
def test_the_boundary_refuses_a_json_body_exactly_when_some_text_cannot_be_stored(body):
    payload = json.dumps(body)
    # What the server reads: JSON joins a high and a low surrogate escape into one character.
    body = json.loads(payload)
    response = Client().generic(
        "POST", "/api/v1/tags", payload.encode(), content_type="application/json"
    )
    if _holds_unstorable(body):
        assert response.status_code == 422, body
        [field] = response.json()["errors"]
        named = body.get(field) if isinstance(body, dict) else body
        assert field == "body" or _holds_unstorable(named), (body, field)
    else:
        assert response.status_code == 401  # on to the view, which wants a signed-in caller
