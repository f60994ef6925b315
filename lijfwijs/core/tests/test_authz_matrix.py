"""Authorization matrix: every URL pattern × GET/POST/PUT/PATCH/DELETE × seven actors, exact statuses.

ROUTES has one entry per URL pattern of the resolver (pages, API, redirects); a pattern that is
not in it fails `test_every_url_pattern_is_in_the_matrix`, so a new URL is added here together
with what each actor may do with it. URLs point at client A's objects.

The people and their data are made once per module through the real pages: password login, the
second factor (a TOTP code) for practitioners and staff, A granting access and revoking it. Each
request of the matrix runs in a savepoint that is rolled back, so a POST that revokes, declines
or logs out changes nothing for the next request.

Besides the status, every request is checked for server errors, for where anonymous visitors are
redirected (the login page), and for the access-log rows it writes about client A (a read by the
practitioner with consent: exactly one; anything else: none).
"""

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from lijfwijs.accounts.models import AccessLog, Invitation, PractitionerAccess, User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.accounts.tests.helpers import code_for, confirmed_device
from lijfwijs.assessments.tests.factories import pijntest_answers

pytestmark = pytest.mark.django_db

PASSWORD = "een lange zin als wachtwoord voor de matrix"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# The order of the status tuples in ROUTES.
ACTORS = (
    "anon",
    "client_a",
    "client_b",
    "p_consent",
    "p_none",
    "p_revoked",
    "staff",
    "assistant",
    "p_other",
)
# A row of seven (the actors before the practices came) stands for all nine: the assistant of
# P+'s practice answers as staff does (signed in, no client, no grant), and the practitioner of
# another practice as P- does (P- is P+'s colleague without a grant). Give nine where they differ.
SEVEN = 7
LOGIN = "/account/inloggen/"
TWO_FACTOR = "/account/tweestaps/"


def every(status: int) -> tuple[int, ...]:
    return (status,) * len(ACTORS)


def signed_in(anon: int, rest: int) -> tuple[int, ...]:
    return (anon,) + (rest,) * (len(ACTORS) - 1)


@dataclass(frozen=True)
class Route:
    """How to reach one URL pattern, and the status every actor gets per method.

    `methods`: the methods the view supports, each with a status per actor (in ACTORS order).
    `unsupported`: the status per actor for every other method (405 unless a check comes first).
    `login`: anonymous visitors are sent to the login page (checked on every anonymous 302).
    `json`: POST a JSON body (`{}`) instead of an empty form.
    `log`: access-log rows about client A each actor's request writes, per method (default none:
    only a read of A's data by someone else is logged, and each such read once).
    """

    url: str
    methods: dict[str, tuple[int, ...]]
    unsupported: tuple[int, ...] = every(405)
    login: bool = False
    json: bool = False
    log: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def expected(self, method: str) -> tuple[int, ...]:
        return _nine(self.methods.get(method, self.unsupported))

    def expected_log(self, method: str) -> tuple[int, ...]:
        return _nine(self.log.get(method, every(0)))


def _nine(row: tuple[int, ...]) -> tuple[int, ...]:
    if len(row) == SEVEN:
        return (*row, row[6], row[4])
    assert len(row) == len(ACTORS), row
    return row


#                                          anon   A    B   P+   P-   Px  staff
OWNER_AND_PRACTITIONER_WITH_CONSENT = (404, 200, 404, 200, 404, 404, 404)
CLIENTS_403 = (302, 403, 403, 405, 405, 405, 403)  # practitioner pages, unsupported methods
LOGGED_FOR_PRACTITIONER_WITH_CONSENT = (0, 0, 0, 1, 0, 0, 0)

ROUTES: dict[str, Route] = {
    # --- outside the language prefix
    "healthz": Route("/healthz", {"GET": every(200)}),
    "sw.js": Route("/sw.js", {"GET": every(200)}),  # the web app's service worker
    "manifest.webmanifest": Route("/manifest.webmanifest", {"GET": every(200)}),
    # the signed-in person's own outbox key (core/outbox.js)
    "outbox-key": Route("/outbox-key", {"GET": signed_in(401, 200)}),
    "api/v1/openapi.json": Route("/api/v1/openapi.json", {"GET": every(200)}),
    "api/v1/docs": Route("/api/v1/docs", {"GET": every(200)}),
    "api/v1/": Route("/api/v1/", {"GET": every(404)}, unsupported=every(404)),
    "api/v1/instruments": Route("/api/v1/instruments", {"GET": every(200)}),
    "api/v1/instruments/<instrument_id>": Route(
        "/api/v1/instruments/pijntest", {"GET": every(200)}
    ),
    "api/v1/instruments/<instrument_id>/responses": Route(
        "/api/v1/instruments/pijntest/responses", {"POST": every(422)}, json=True
    ),
    "api/v1/responses/<response_id>": Route(
        "/api/v1/responses/{response}",
        {"GET": OWNER_AND_PRACTITIONER_WITH_CONSENT},
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # the diary API: the caller's own only; writes need consent for health data (the clients),
    # a JSON body (415 without one) and, for {} bodies, pass no validation (422)
    "api/v1/checkins": Route(
        "/api/v1/checkins",
        {"GET": signed_in(401, 200), "POST": (401, 422, 422, 403, 403, 403, 403)},
        json=True,
    ),
    "api/v1/checkins/<checkin_id>": Route(
        "/api/v1/checkins/{checkin}",
        {
            "GET": (401, 200, 404, 404, 404, 404, 404),
            "PUT": (401, 415, 415, 403, 403, 403, 403),
            "DELETE": (401, 204, 404, 404, 404, 404, 404),  # deleting needs no consent
        },
    ),
    "api/v1/tags": Route(
        "/api/v1/tags",
        {"GET": signed_in(401, 200), "POST": (401, 422, 422, 403, 403, 403, 403)},
        json=True,
    ),
    "api/v1/tags/<tag_id>": Route("/api/v1/tags/1", {"PATCH": (401, 415, 415, 403, 403, 403, 403)}),
    "api/v1/tags/<tag_id>/merge": Route(
        "/api/v1/tags/1/merge", {"POST": (401, 422, 422, 403, 403, 403, 403)}, json=True
    ),
    "api/v1/insights": Route("/api/v1/insights", {"GET": signed_in(401, 200)}),
    # the program API: the caller's own place (none for practitioners and staff: shown, not
    # stored); going on needs consent for health data, and {} passes no validation (422)
    "api/v1/program": Route("/api/v1/program", {"GET": signed_in(401, 200)}),
    "api/v1/program/advance": Route(
        "/api/v1/program/advance", {"POST": (401, 422, 422, 403, 403, 403, 403)}, json=True
    ),
    # own breathing patterns over the API: anyone signed in, no consent needed (not health
    # data); {} passes no validation (422), a PUT without a JSON body is refused (415)
    "api/v1/breathing-patterns": Route(
        "/api/v1/breathing-patterns",
        {"GET": signed_in(401, 200), "POST": signed_in(401, 422)},
        json=True,
    ),
    "api/v1/breathing-patterns/<pattern_id>": Route(
        "/api/v1/breathing-patterns/{pattern}",
        {
            "GET": (401, 200, 404, 404, 404, 404, 404),
            "PUT": (401, 415, 415, 415, 415, 415, 415),
            "DELETE": (401, 204, 404, 404, 404, 404, 404),
        },
    ),
    # the practice API: the caller's own sessions; a new one needs consent for health data (the
    # clients) and {} passes no validation (422); deleting needs no consent
    "api/v1/practice-sessions": Route(
        "/api/v1/practice-sessions",
        {"GET": signed_in(401, 200), "POST": (401, 422, 422, 403, 403, 403, 403)},
        json=True,
    ),
    "api/v1/practice-sessions/<session_id>": Route(
        "/api/v1/practice-sessions/{practice}",
        {
            "GET": (401, 200, 404, 404, 404, 404, 404),
            "DELETE": (401, 204, 404, 404, 404, 404, 404),
        },
    ),
    "api/v1/what-calms-me": Route("/api/v1/what-calms-me", {"GET": signed_in(401, 200)}),
    "api/docs": Route("/api/docs", {"GET": every(302)}),
    # --- public pages
    # the start page; a practitioner's lists their open alerts (A has one for P+: logged)
    "": Route("/", {"GET": every(200)}, log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT}),
    # the trust pages: the same for everyone (core.trust)
    "privacy/": Route("/privacy/", {"GET": every(200)}),
    "over-ons/": Route("/over-ons/", {"GET": every(200)}),
    "contact/": Route("/contact/", {"GET": every(200)}),
    "colofon/": Route("/colofon/", {"GET": every(200)}),
    # the style guide: staff only (DEBUG is off here); a 404 for anyone else whatever the method
    "stijl/": Route(
        "/stijl/",
        {"GET": (404, 404, 404, 404, 404, 404, 200, 404, 404)},
        unsupported=(404, 404, 404, 404, 404, 404, 405, 404, 404),
    ),
    "oefeningen/": Route("/oefeningen/", {"GET": every(200)}),
    "oefeningen/<slug:slug>/": Route("/oefeningen/{exercise}/", {"GET": every(200)}),
    # the players: anyone may practise (saving a session is the practice log's, with consent)
    "oefeningen/<slug:slug>/oefenen/": Route(
        "/oefeningen/{exercise}/oefenen/", {"GET": every(200)}
    ),
    # own breathing patterns: anyone signed in keeps their own (no health data: no consent needed);
    # an empty POST is a rejected form (422); another person's pattern is a 404
    "oefeningen/mijn-ritmes/": Route(
        "/oefeningen/mijn-ritmes/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "oefeningen/mijn-ritmes/<int:pattern_id>/": Route(
        "/oefeningen/mijn-ritmes/{pattern}/",
        {"GET": (302, 200, 404, 404, 404, 404, 404), "POST": (302, 422, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "oefeningen/mijn-ritmes/<int:pattern_id>/verwijderen/": Route(
        "/oefeningen/mijn-ritmes/{pattern}/verwijderen/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "oefeningen/mijn-ritmes/<int:pattern_id>/oefenen/": Route(
        "/oefeningen/mijn-ritmes/{pattern}/oefenen/",
        {"GET": (302, 200, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # the practice log: one's own; logging needs consent for health data (the clients; others are
    # sent to give it), an empty POST is a rejected form (422); deleting needs no consent
    "oefeningen/logboek/": Route(
        "/oefeningen/logboek/",
        {"GET": signed_in(302, 200), "POST": (302, 422, 422, 302, 302, 302, 302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "oefeningen/logboek/<uuid:session_id>/verwijderen/": Route(
        "/oefeningen/logboek/{practice}/verwijderen/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "kennisbank/": Route("/kennisbank/", {"GET": every(200)}),
    "kennisbank/<slug:slug>/": Route("/kennisbank/{article}/", {"GET": every(200)}),
    # --- the 5-step program: the steps are for everyone to read; a place in them is a client's own.
    # An empty reflection is a valid "nothing to keep" (back to the step); without the health-data
    # consent (practitioners, staff) a write is sent to give it; going on too early, back to the step
    "programma/": Route("/programma/", {"GET": every(200)}),
    "programma/stap/<int:number>/": Route(
        "/programma/stap/1/", {"GET": every(200), "POST": every(302)}, login=True
    ),
    "programma/stap/<int:number>/verder/": Route(
        "/programma/stap/1/verder/",
        {"POST": every(302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # the setback plan is open at every step (an empty plan is a valid one: saved, back to it);
    # without the health-data consent (practitioners, staff) a write is sent to give it
    "programma/terugvalplan/": Route(
        "/programma/terugvalplan/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # --- the Pijntest (no draft in these sessions: the question pages send you to the start)
    "pijntest/": Route("/pijntest/", {"GET": every(200)}),
    "pijntest/begin/": Route("/pijntest/begin/", {"POST": every(302)}),
    "pijntest/vragen/<slug:section_id>/": Route(
        "/pijntest/vragen/veiligheid/", {"GET": every(302), "POST": every(302)}
    ),
    # A's result: a signed-out visitor is asked to sign in (as for any id), strangers get 404
    "pijntest/uitslag/<str:response_id>/": Route(
        "/pijntest/uitslag/{response}/",
        {"GET": (302, *OWNER_AND_PRACTITIONER_WITH_CONSENT[1:])},
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "pijntest/mijn-uitslagen/": Route(
        "/pijntest/mijn-uitslagen/",
        {"GET": signed_in(302, 200)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # A's two results: only A gets the comparison; anyone else is sent back to their own list
    "pijntest/vergelijk/": Route(
        "/pijntest/vergelijk/?a={response}&b={response2}",
        {"GET": (302, 200, 302, 302, 302, 302, 302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # the validated scales: a client's own (practitioners and staff take none; empty form: 422)
    "pijntest/vragenlijsten/": Route(
        "/pijntest/vragenlijsten/",
        {"GET": (302, 200, 200, 403, 403, 403, 403)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "pijntest/vragenlijsten/<slug:instrument_id>/": Route(
        "/pijntest/vragenlijsten/phq9/",
        {"GET": (302, 200, 200, 403, 403, 403, 403), "POST": (302, 422, 422, 403, 403, 403, 403)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # --- accounts: signing in and out
    "account/registreren/": Route(
        "/account/registreren/", {"GET": signed_in(200, 302), "POST": signed_in(422, 302)}
    ),
    "account/bevestigen/<str:token>/": Route(
        "/account/bevestigen/not-a-valid-token/", {"GET": every(400)}
    ),
    "account/inloggen/": Route(
        LOGIN,
        {"GET": signed_in(200, 302), "POST": signed_in(422, 302)},
        unsupported=signed_in(405, 302),  # signed in: sent on before the method matters
    ),
    "account/uitloggen/": Route("/account/uitloggen/", {"POST": every(302)}),
    # clients may set up a second factor (200); verified practitioners and staff are sent on
    "account/tweestaps/": Route(
        TWO_FACTOR,
        {
            "GET": (302, 200, 200, 302, 302, 302, 302),
            "POST": (302, 422, 422, 302, 302, 302, 302),
        },
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/tweestaps/herstelcodes/": Route(
        "/account/tweestaps/herstelcodes/",
        {"POST": (302, 302, 302, 200, 200, 200, 200)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/wachtwoord-vergeten/": Route(
        "/account/wachtwoord-vergeten/", {"GET": every(200), "POST": every(422)}
    ),
    "account/wachtwoord-vergeten/verstuurd/": Route(
        "/account/wachtwoord-vergeten/verstuurd/", {"GET": every(200)}
    ),
    # Django's view answers an invalid link with its "link not valid" page (200, no form)
    "account/wachtwoord-herstellen/<uidb64>/<token>/": Route(
        "/account/wachtwoord-herstellen/MQ/not-a-valid-token/",
        {"GET": every(200), "POST": every(200)},
    ),
    "account/wachtwoord-herstellen/klaar/": Route(
        "/account/wachtwoord-herstellen/klaar/", {"GET": every(200)}
    ),
    "account/wachtwoord/": Route(
        "/account/wachtwoord/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # --- accounts: one's own settings and data (an empty POST is a rejected form: 422)
    "account/": Route(
        "/account/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/toegang/": Route(
        "/account/toegang/",
        {"POST": (302, 422, 422, 403, 403, 403, 403)},  # only a client gives access to her data
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/toegang/<int:access_id>/intrekken/": Route(
        "/account/toegang/{access}/intrekken/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/uitnodigingen/<int:invitation_id>/": Route(
        "/account/uitnodigingen/{invitation}/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/e-mail/": Route(
        "/account/e-mail/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/e-mail/bevestigen/<str:token>/": Route(
        "/account/e-mail/bevestigen/not-a-valid-token/", {"GET": every(400)}
    ),
    "account/export/": Route(
        "/account/export/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/verwijderen/": Route(
        "/account/verwijderen/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/inzage/": Route(
        "/account/inzage/",
        {"GET": signed_in(302, 200)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "account/toestemming/": Route(
        "/account/toestemming/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # --- the diary (a person's own check-ins only)
    "dagboek/": Route(
        "/dagboek/", {"GET": signed_in(302, 200)}, unsupported=signed_in(302, 405), login=True
    ),
    "dagboek/inzichten/": Route(
        "/dagboek/inzichten/",
        {"GET": signed_in(302, 200)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "dagboek/tags/": Route(
        "/dagboek/tags/",
        {
            "GET": signed_in(302, 200),
            "POST": signed_in(302, 404),
        },  # no such own tag in the empty POST
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "dagboek/nieuw/": Route(
        "/dagboek/nieuw/",  # only with consent for health data (the clients); others are sent to give it
        {"GET": (302, 200, 200, 302, 302, 302, 302), "POST": (302, 422, 422, 302, 302, 302, 302)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "dagboek/<uuid:checkin_id>/": Route(
        "/dagboek/{checkin}/",
        {"GET": (302, 200, 404, 404, 404, 404, 404), "POST": (302, 422, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "dagboek/<uuid:checkin_id>/verwijderen/": Route(
        "/dagboek/{checkin}/verwijderen/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # the flare-up notice's safety questions: anyone signed in gets the advice (kept only with
    # consent); an empty POST answers nothing (422); an answer is its author's own
    "dagboek/veiligheid/": Route(
        "/dagboek/veiligheid/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "dagboek/veiligheid/<int:check_id>/": Route(
        "/dagboek/veiligheid/{safety_check}/",
        {"GET": (302, 200, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # one's own reminder setting (no id in the URL; an empty POST is a rejected form: 422)
    "dagboek/herinnering/": Route(
        "/dagboek/herinnering/",
        {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # the one-click off link of the reminder emails: the signed token decides, not the session
    "dagboek/herinnering/uit/<str:token>/": Route(
        "/dagboek/herinnering/uit/not-a-valid-token/", {"GET": every(400), "POST": every(400)}
    ),
    # --- the practitioner's workspace
    # the client list, GET only (inviting is on the invitations page): A is on it for P+ only,
    # one CLIENT_LIST row per client on the page shown
    "praktijk/": Route(
        "/praktijk/",
        {"GET": (302, 403, 403, 200, 200, 200, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # a client's record: the overview and its other tabs, one row per look at each
    "praktijk/clienten/<int:client_id>/": Route(
        "/praktijk/clienten/{client_a}/",
        {"GET": (302, 403, 403, 200, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "praktijk/clienten/<int:client_id>/tijdlijn/": Route(
        "/praktijk/clienten/{client_a}/tijdlijn/",
        {"GET": (302, 403, 403, 200, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "praktijk/clienten/<int:client_id>/inzichten/": Route(
        "/praktijk/clienten/{client_a}/inzichten/",
        {"GET": (302, 403, 403, 200, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "praktijk/clienten/<int:client_id>/notities-en-opdrachten/": Route(
        "/praktijk/clienten/{client_a}/notities-en-opdrachten/",
        {"GET": (302, 403, 403, 200, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # the practitioner's hold on A's program: an empty POST is no choice, the client page comes
    # back with the message (422), which shows A's data again (one log row)
    "praktijk/clienten/<int:client_id>/programma/": Route(
        "/praktijk/clienten/{client_a}/programma/",
        {"POST": (302, 403, 403, 422, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"POST": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # acknowledging an alert: only the practitioner it is for, while A grants access
    "praktijk/meldingen/<int:alert_id>/gezien/": Route(
        "/praktijk/meldingen/{alert}/gezien/",
        {"POST": (302, 403, 403, 302, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"POST": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},  # ALERTS, CHANGE
    ),
    # --- issue 12: the practice, its details and members
    # every member of a practice sees its page (P+ owns "Praktijk Matrix", P- and Px work there,
    # the assistant too; P-other owns "Praktijk Elders" and sees that one); only owners change
    # anything (P- and the assistant 403); P-other reaches no member of Praktijk Matrix (404).
    # Clients and staff are no member of any practice (403). No client data: no log rows.
    "praktijk/praktijk/": Route(
        "/praktijk/praktijk/",
        {"GET": (302, 403, 403, 200, 200, 200, 403, 200, 200)},
        unsupported=(302, 403, 403, 405, 405, 405, 403, 405, 405),
        login=True,
    ),
    # the details form: an empty POST has no name (422)
    "praktijk/praktijk/gegevens/": Route(
        "/praktijk/praktijk/gegevens/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 403, 200),
            "POST": (302, 403, 403, 422, 403, 403, 403, 403, 422),
        },
        unsupported=(302, 403, 403, 405, 403, 403, 403, 403, 405),
        login=True,
    ),
    # the member's own practice's logo (none in the matrix: 404)
    "praktijk/praktijk/logo/": Route(
        "/praktijk/praktijk/logo/",
        {"GET": (302, 403, 403, 404, 404, 404, 403, 404, 404)},
        unsupported=(302, 403, 403, 405, 405, 405, 403, 405, 405),
        login=True,
    ),
    # adding a member: an empty POST has no email (422)
    "praktijk/praktijk/leden/": Route(
        "/praktijk/praktijk/leden/",
        {"POST": (302, 403, 403, 422, 403, 403, 403, 403, 422)},
        unsupported=(302, 403, 403, 405, 403, 403, 403, 403, 405),
        login=True,
    ),
    # P-'s place in Praktijk Matrix: an empty POST chooses no role (422)
    "praktijk/praktijk/leden/<int:member_id>/": Route(
        "/praktijk/praktijk/leden/{member}/",
        {"POST": (302, 403, 403, 422, 403, 403, 403, 403, 404)},
        unsupported=(302, 403, 403, 405, 403, 403, 403, 403, 405),
        login=True,
    ),
    # taking P- out of the practice: a page that asks, the POST does it
    "praktijk/praktijk/leden/<int:member_id>/verwijderen/": Route(
        "/praktijk/praktijk/leden/{member}/verwijderen/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 403, 404),
            "POST": (302, 403, 403, 302, 403, 403, 403, 403, 404),
        },
        unsupported=(302, 403, 403, 405, 403, 403, 403, 403, 405),
        login=True,
    ),
    # a new set-password link (P- has a password already: told so, nothing sent)
    "praktijk/praktijk/leden/<int:member_id>/uitnodiging/": Route(
        "/praktijk/praktijk/leden/{member}/uitnodiging/",
        {"POST": (302, 403, 403, 302, 403, 403, 403, 403, 404)},
        unsupported=(302, 403, 403, 405, 403, 403, 403, 403, 405),
        login=True,
    ),
    # --- issue 12: the client list
    # --- issue 12: a client's page and timeline
    # (the page itself and its program POST are above: one TIMELINE row per look, also when
    # the rejected program form shows the page again)
    # one of A's Pijntest results as the practitioner's view: a PIJNTEST row per look
    "praktijk/clienten/<int:client_id>/uitslagen/<str:response_id>/": Route(
        "/praktijk/clienten/{client_a}/uitslagen/{response}/",
        {"GET": (302, 403, 403, 200, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # the client's choice to share her diary notes with one practitioner (her own act: no row)
    "account/toegang/<int:access_id>/notities/": Route(
        "/account/toegang/{access}/notities/",
        {"POST": (302, 302, 404, 404, 404, 404, 404)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    # --- issue 12: alerts and their settings
    # the practitioner's own alerts (P+ sees the one about A: one LIST row); others see theirs
    "praktijk/meldingen/": Route(
        "/praktijk/meldingen/",
        {"GET": (302, 403, 403, 200, 200, 200, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # their own silence days and digest (no id: always their own membership; {} is rejected)
    "praktijk/meldingen/instellingen/": Route(
        "/praktijk/meldingen/instellingen/",
        {"GET": (302, 403, 403, 200, 200, 200, 403), "POST": (302, 403, 403, 422, 422, 422, 403)},
        unsupported=CLIENTS_403,
        login=True,
    ),
    # --- issue 12: private notes
    # P+'s note about A: P+ reads it (one log row, also under a rejected empty form, 422); P+'s
    # colleague without a grant, after the revoke and another practice: 404; assistant: 403
    "praktijk/clienten/<int:client_id>/notities/": Route(
        "/praktijk/clienten/{client_a}/notities/",
        {"GET": (302, 403, 403, 200, 404, 404, 403), "POST": (302, 403, 403, 422, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={m: LOGGED_FOR_PRACTITIONER_WITH_CONSENT for m in ("GET", "POST")},
    ),
    "praktijk/clienten/<int:client_id>/notities/<int:note_id>/": Route(
        "/praktijk/clienten/{client_a}/notities/{note}/",
        {"GET": (302, 403, 403, 200, 404, 404, 403), "POST": (302, 403, 403, 422, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={m: LOGGED_FOR_PRACTITIONER_WITH_CONSENT for m in ("GET", "POST")},
    ),
    # --- issue 12: assignments
    # A's assignments: P+ reads them (one ASSIGNMENTS row, also when an empty form is rejected
    # and the page comes back, 422); P+'s colleague without a grant, after the revoke and another
    # practice: 404; clients, the assistant and staff: 403
    "praktijk/clienten/<int:client_id>/opdrachten/": Route(
        "/praktijk/clienten/{client_a}/opdrachten/",
        {"GET": (302, 403, 403, 200, 404, 404, 403), "POST": (302, 403, 403, 422, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={m: LOGGED_FOR_PRACTITIONER_WITH_CONSENT for m in ("GET", "POST")},
    ),
    # withdrawing P+'s assignment of A: P+ only (one ASSIGNMENTS change row)
    "praktijk/clienten/<int:client_id>/opdrachten/<int:assignment_id>/intrekken/": Route(
        "/praktijk/clienten/{client_a}/opdrachten/{assignment}/intrekken/",
        {"POST": (302, 403, 403, 302, 404, 404, 403)},
        unsupported=CLIENTS_403,
        login=True,
        log={"POST": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    # --- issue 12: invitations and the client's access log
    # the practitioner's invitations: practitioners see their own and invite (an empty form:
    # 422); the assistant reads the practice's (403 on every action); clients and staff 403
    "praktijk/uitnodigingen/": Route(
        "/praktijk/uitnodigingen/",
        {
            "GET": (302, 403, 403, 200, 200, 200, 403, 200, 200),
            "POST": (302, 403, 403, 422, 422, 422, 403, 403, 422),
        },
        unsupported=(302, 403, 403, 405, 405, 405, 403, 405, 405),
        login=True,
    ),
    # resending and withdrawing P-'s invitation to A: only P- (anyone else's is a 404)
    "praktijk/uitnodigingen/<int:invitation_id>/opnieuw/": Route(
        "/praktijk/uitnodigingen/{invitation}/opnieuw/",
        {"POST": (302, 403, 403, 404, 302, 404, 403, 403, 404)},
        unsupported=CLIENTS_403,
        login=True,
    ),
    "praktijk/uitnodigingen/<int:invitation_id>/intrekken/": Route(
        "/praktijk/uitnodigingen/{invitation}/intrekken/",
        {"POST": (302, 403, 403, 404, 302, 404, 403, 403, 404)},
        unsupported=CLIENTS_403,
        login=True,
    ),
    # --- issue 12: the practice API
    # practitioners only (clients, staff and the assistant 403; anonymous 401), scoped like the
    # pages: A's data for P+ only (404 for P-, Px and P-other); the lists show A to P+ only, one
    # log row each; an empty note is refused (422) after the 404; acknowledging {} (no note)
    # marks A's alert as seen and logs that change
    "api/v1/practice/clients": Route(
        "/api/v1/practice/clients",
        {"GET": (401, 403, 403, 200, 200, 200, 403)},
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "api/v1/practice/clients/<client_id>": Route(
        "/api/v1/practice/clients/{client_a}",
        {"GET": (401, 403, 403, 200, 404, 404, 403)},
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "api/v1/practice/clients/<client_id>/notes": Route(
        "/api/v1/practice/clients/{client_a}/notes",
        {
            "GET": (401, 403, 403, 200, 404, 404, 403),
            "POST": (401, 403, 403, 422, 404, 404, 403),
        },
        json=True,
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "api/v1/practice/alerts": Route(
        "/api/v1/practice/alerts",
        {"GET": (401, 403, 403, 200, 200, 200, 403)},
        log={"GET": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
    "api/v1/practice/alerts/<alert_id>/acknowledge": Route(
        "/api/v1/practice/alerts/{alert}/acknowledge",
        {"POST": (401, 403, 403, 200, 404, 404, 403)},
        json=True,
        log={"POST": LOGGED_FOR_PRACTITIONER_WITH_CONSENT},
    ),
}

# The apps that keep their rows beside them: each has a `tests/matrix.py` with `routes()` (its
# rows) and `build(users, practice)` (the objects its URLs point at; returns the ids they use).
MATRIX_PARTS = [
    importlib.import_module(f"lijfwijs.{app}.tests.matrix")
    for app in (
        "booking",
        "learn",
        "outreach.newsletter",
        "outreach.campaigns",
        "outreach.events",
        "outreach.leads",
        "outreach.messaging",
        "exports",
    )
]
for _part in MATRIX_PARTS:
    for _key, _route in _part.routes().items():
        assert _key not in ROUTES, f"{_key} is in the matrix twice"
        ROUTES[_key] = _route


# ---------------------------------------------------------------------------------------------
# The URL patterns of the resolver


@dataclass(frozen=True)
class Pattern:
    route: str  # without the language prefix
    i18n: bool


def url_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns: list, prefix: str, i18n: bool) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                localised = isinstance(p.pattern, LocalePrefixPattern)
                walk(
                    p.url_patterns,
                    prefix + ("" if localised else str(p.pattern)),
                    i18n or localised,
                )
            elif isinstance(p, URLPattern):
                found.append(Pattern(prefix + str(p.pattern), i18n))

    walk(get_resolver().url_patterns, "", False)
    return found


# ---------------------------------------------------------------------------------------------
# The people and their data, made once per module through the real pages


@dataclass
class World:
    ids: dict[str, str]
    sessions: dict[str, str] = field(default_factory=dict)  # actor -> session key
    users: dict[str, User] = field(default_factory=dict)
    # One test client for all the matrix's requests: a new one loads the middleware again
    # (a tenth of a request's time). Each request sets its own cookies.
    client: Client = field(default_factory=Client)

    def url(self, route: Route) -> str:
        return route.url.format(**self.ids)

    def client_as(self, actor: str) -> Client:
        """The one test client, with `actor`'s session (none for "anon")."""
        self.client.cookies = SimpleCookie(
            {settings.SESSION_COOKIE_NAME: self.sessions[actor]} if actor != "anon" else {}
        )
        return self.client

    def logged_about_a(self) -> int:
        """The access-log rows about client A: one plain statement, not an ORM count built per
        request (another tenth)."""
        with connection.cursor() as cursor:
            cursor.execute(ABOUT_A, [int(self.ids["client_a"])])
            return cursor.fetchone()[0]


# the model's own table and column names
_TABLE, _CLIENT = AccessLog._meta.db_table, AccessLog._meta.get_field("client_id").column
ABOUT_A = f"SELECT COUNT(*) FROM {_TABLE} WHERE {_CLIENT} = %s"  # noqa: S608


def _ok(response, what: str, status: int = 302) -> None:
    assert response.status_code == status, (
        f"setting up the matrix: {what} answered {response.status_code}, expected {status}"
    )


def _sign_in(user: User, *, second_factor: bool) -> Client:
    client = Client()
    _ok(client.post(LOGIN, {"username": user.email, "password": PASSWORD}), f"login {user}")
    if second_factor:
        code = code_for(confirmed_device(user))
        _ok(client.post(TWO_FACTOR, {"code": code}), f"second factor of {user}")
    return client


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_world() -> World:
    from lijfwijs.exercises.models import Exercise
    from lijfwijs.learn.models import Article

    now = timezone.now()
    roles = {
        "client_a": User.Role.CLIENT,
        "client_b": User.Role.CLIENT,
        "p_consent": User.Role.PRACTITIONER,
        "p_none": User.Role.PRACTITIONER,
        "p_revoked": User.Role.PRACTITIONER,
        "staff": User.Role.STAFF,
        "assistant": User.Role.ASSISTANT,
        "p_other": User.Role.PRACTITIONER,
    }
    users = {
        actor: User.objects.create_user(
            f"{actor.replace('_', '-')}@matrix.example",
            PASSWORD,
            role=role,
            is_staff=role == User.Role.STAFF,
            display_name=actor,
            email_verified_at=now,
        )
        for actor, role in roles.items()
    }
    # P+, P- and Px work in one practice with the assistant; P-other in another practice
    from lijfwijs.accounts.models import Membership, Practice
    from lijfwijs.accounts.services import join_practice

    matrix, other = (
        Practice.objects.create(name="Praktijk Matrix"),
        Practice.objects.create(name="Praktijk Elders"),
    )
    join_practice(users["p_consent"], matrix, Membership.Role.OWNER)
    for actor in ("p_none", "p_revoked"):
        join_practice(users[actor], matrix, Membership.Role.PRACTITIONER)
    join_practice(users["assistant"], matrix, Membership.Role.ASSISTANT)
    join_practice(users["p_other"], other, Membership.Role.OWNER)
    for actor in (
        "client_a",
        "client_b",
    ):  # clients consent to their health data, as at registration
        give_health_consent(users[actor])
    clients = {
        actor: _sign_in(user, second_factor=user.needs_two_factor) for actor, user in users.items()
    }
    a = clients["client_a"]

    # A's two completed Pijntest results (through the API, signed in as A)
    response_ids = []
    for pain in (6, 3):
        body = {"answers": pijntest_answers(**{"peg.pain": pain})}
        r = a.post("/api/v1/instruments/pijntest/responses", body, content_type="application/json")
        _ok(r, "A's Pijntest through the API", 201)
        response_ids.append(r.json()["id"])

    # A gives two practitioners access and withdraws it from one of them
    for actor in ("p_consent", "p_revoked"):
        r = a.post(
            "/account/toegang/",
            {"grant-practitioner_email": users[actor].email, "grant-consent": "on"},
        )
        _ok(r, f"A grants access to {actor}")
    revoked = PractitionerAccess.objects.get(
        client=users["client_a"], practitioner=users["p_revoked"]
    )
    _ok(a.post(f"/account/toegang/{revoked.pk}/intrekken/"), "A revokes access")
    access = PractitionerAccess.objects.active().get(
        client=users["client_a"], practitioner=users["p_consent"]
    )

    # A's check-in (through the diary page)
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.diary.services import local_today

    today = local_today(users["client_a"]).isoformat()
    _ok(a.post("/dagboek/nieuw/", {"day": today, "time": "08:00", "pain": "5"}), "A's check-in")
    checkin = CheckIn.objects.get(user=users["client_a"])

    # A's answer to the flare-up notice's safety questions (all no: nobody is alerted)
    from lijfwijs.diary.models import SafetyCheck
    from lijfwijs.diary.safety import QUESTIONS

    _ok(a.post("/dagboek/veiligheid/", {q.key: "no" for q in QUESTIONS}), "A's safety answer")
    safety_check = SafetyCheck.objects.get(user=users["client_a"])

    # A's practice session (through the log page, as a player sends it)
    r = a.post(
        "/oefeningen/logboek/",
        {"exercise": "schudden", "seconds": "120", "tension_before": "6", "tension_after": "3"},
        HTTP_ACCEPT="application/json",
    )
    _ok(r, "A's practice session", 201)
    practice = r.json()["id"]

    # A's own breathing pattern (through the page)
    r = a.post(
        "/oefeningen/mijn-ritmes/",
        {"name": "Matrix", "base": "4-7-8-ademhaling", "inhale": "4", "hold_in": "7"}
        | {"exhale": "8", "hold_out": "0", "cycles": "4"},
    )
    _ok(r, "A's breathing pattern")
    from lijfwijs.exercises.models import BreathingPattern

    pattern = BreathingPattern.objects.get(user=users["client_a"])

    # an alert about A for the practitioner with access (as the alert task raises it)
    from lijfwijs.practice.models import Alert

    alert = Alert.objects.create(
        client=users["client_a"],
        practitioner=users["p_consent"],
        kind=Alert.Kind.CRISIS,
        response_id=response_ids[0],
        cause=f"response:{response_ids[0]}",
    )

    # P+'s private note about A (as practice.notes.add_note stores it)
    from lijfwijs.practice.models import ClientNote

    note = ClientNote.objects.create(
        client=users["client_a"],
        author=users["p_consent"],
        author_name=str(users["p_consent"]),
        practice=matrix,
        body="Matrixnotitie",
    )

    # P+ gives A an exercise (through the assignments page)
    from lijfwijs.practice.models import Assignment

    _ok(
        clients["p_consent"].post(
            f"/praktijk/clienten/{users['client_a'].pk}/opdrachten/",
            {"kind": "exercise", "oefening-exercise": "schudden", "oefening-frequency": "d1"}
            | {"oefening-starts_on": today, "oefening-weeks": "2"},
        ),
        "P+'s assignment for A",
    )
    assignment = Assignment.objects.get(client=users["client_a"])

    # a practitioner without access invites A (pending: no access until A accepts)
    _ok(
        clients["p_none"].post("/praktijk/uitnodigingen/", {"email": users["client_a"].email}),
        "invitation",
    )
    invitation = Invitation.objects.get(practitioner=users["p_none"], email=users["client_a"].email)

    part_ids: dict[str, str] = {}
    for part in MATRIX_PARTS:
        part_ids.update(part.build(users, matrix))

    world = World(
        ids={
            **part_ids,
            "response": response_ids[0],
            "response2": response_ids[1],
            "access": str(access.pk),
            "invitation": str(invitation.pk),
            "alert": str(alert.pk),
            "assignment": str(assignment.pk),
            "note": str(note.pk),
            "safety_check": str(safety_check.pk),
            "client_a": str(users["client_a"].pk),
            "member": str(Membership.objects.get(user=users["p_none"]).pk),  # P-'s place
            "checkin": str(checkin.pk),
            "pattern": str(pattern.pk),
            "practice": practice,
            "exercise": Exercise.objects.active().order_by("slug").first().slug,
            "article": Article.objects.published().order_by("slug").first().slug,
        },
        users=users,
    )
    world.sessions = {actor: _session_key(c) for actor, c in clients.items()}
    # the same practitioner with consent, signed in with a password but without the second factor
    world.sessions["p_unverified"] = _session_key(_sign_in(users["p_consent"], second_factor=False))
    return world


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Made once per module inside a transaction that is rolled back at the end of the module.

    (Other modules import `world_fixture` to get their own `world`.)"""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# Requests


@dataclass
class Outcome:
    status: int
    location: str = ""
    error: str = ""  # an exception the view raised (shown as a 500)
    logged: int = 0  # access-log rows about client A the request wrote


def request(
    world: World,
    actor: str,
    method: str,
    url: str,
    *,
    json: bool = False,
    logged_before: int | None = None,
) -> Outcome:
    """One request as `actor`, in a savepoint that is rolled back afterwards. With
    `logged_before` (the access-log rows about A before it), `logged` says how many it wrote."""
    client = world.client_as(actor)
    with transaction.atomic():
        try:
            if method == "POST" and json:
                response = client.post(url, b"{}", content_type="application/json")
            elif method == "POST":
                response = client.post(url, {})
            else:
                response = client.generic(method, url)
            logged = 0 if logged_before is None else world.logged_about_a() - logged_before
        except Exception as exc:  # noqa: BLE001 - reported as the 500 it would be
            return Outcome(500, error=f"{type(exc).__name__}: {exc}")
        finally:
            transaction.set_rollback(True)
    return Outcome(response.status_code, response.get("Location", ""), logged=logged)


def _row(values) -> str:
    return "".join(f"{v!s:>10}" for v in values)


def check(world: World, key: str, methods: tuple[str, ...]) -> list[str]:
    """Every actor × `methods` on one route; returns what differs from the table, per method."""
    route = ROUTES[key]
    url = world.url(route)
    problems = []
    before = world.logged_about_a()  # the same before every request: each one is rolled back
    for method in methods:
        expected = route.expected(method)
        got = [
            request(world, actor, method, url, json=route.json, logged_before=before)
            for actor in ACTORS
        ]
        if [g.status for g in got] != list(expected):
            problems.append(
                f"{method} {url}\n{'':10}{_row(ACTORS)}\n{'got':10}{_row(g.status for g in got)}"
                f"\n{'expected':10}{_row(expected)}"
            )
        else:  # the right answers: then also the right access-log rows about A
            logged = [g.logged for g in got]
            if logged != list(route.expected_log(method)):
                problems.append(
                    f"{method} {url}: access-log rows about client A\n{'':10}{_row(ACTORS)}"
                    f"\n{'written':10}{_row(logged)}\n{'expected':10}{_row(route.expected_log(method))}"
                )
        for actor, outcome in zip(ACTORS, got, strict=True):
            where = f"{method} {url} as {actor}"
            if outcome.status >= 500:
                problems.append(f"{where}: SERVER ERROR {outcome.status} {outcome.error}")
            if outcome.status != 302:
                continue
            location = urlsplit(outcome.location).path
            if actor == "anon" and route.login and location != LOGIN:
                problems.append(f"{where}: redirected to {outcome.location}, not to {LOGIN}")
            if (
                actor != "anon"
                and location in (LOGIN, TWO_FACTOR)
                and not key.startswith("account/tweestaps/")
            ):
                problems.append(
                    f"{where}: sent to {outcome.location}; the matrix's session is not signed in "
                    "with both factors"
                )
    return problems


ALL_ROUTES = sorted(ROUTES)


def view_name(world: World, key: str) -> str:
    func = resolve(urlsplit(world.url(ROUTES[key])).path).func
    func = getattr(func, "view_class", None) or getattr(func, "func", None) or func
    return f"{func.__module__}.{func.__qualname__}"


# ---------------------------------------------------------------------------------------------
# Tests


def test_every_url_pattern_is_in_the_matrix():
    patterns = {p.route for p in url_patterns()}
    missing = sorted(patterns - set(ROUTES))
    stale = sorted(set(ROUTES) - patterns)
    assert not missing, (
        f"URL patterns missing from the authorization matrix (add them to ROUTES in {__file__} "
        f"with the status every actor gets): {missing}"
    )
    assert not stale, f"ROUTES has entries for patterns that no longer exist: {stale}"


def test_table_urls_reach_their_own_pattern(world):
    for key in ALL_ROUTES:
        path = urlsplit(world.url(ROUTES[key])).path
        assert resolve(path).route == key, f"{path} resolves to {resolve(path).route}, not {key}"


def test_every_dutch_page_also_resolves_under_en(world):
    i18n = [p for p in url_patterns() if p.i18n]
    assert len(i18n) > 20
    for p in i18n:
        path = urlsplit(world.url(ROUTES[p.route])).path
        dutch = resolve(path)
        with translation.override("en"):
            english = resolve("/en" + path)
        assert english.func == dutch.func and english.kwargs == dutch.kwargs, (
            f"/en{path} does not resolve to the same view as {path}"
        )


@pytest.mark.parametrize("key", ALL_ROUTES)
def test_access(world, key):
    """The methods a view supports: the exact status for every actor, never a server error."""
    problems = check(world, key, tuple(ROUTES[key].methods))
    assert not problems, f"authorization matrix, pattern {key!r}:\n" + "\n".join(problems)


@pytest.mark.parametrize("key", ALL_ROUTES)
def test_unsupported_methods_are_refused(world, key):
    """Methods a view does not support are refused with 405 (ASVS 5.0 V4.1.4), never served."""
    unsupported = tuple(m for m in METHODS if m not in ROUTES[key].methods)
    problems = check(world, key, unsupported)
    assert not problems, (
        f"pattern {key!r} (view {view_name(world, key)}) serves methods it does not support; "
        "expected 405 (a GET-only function view needs @require_safe or @require_GET, a class "
        "view http_method_names):\n" + "\n".join(problems)
    )


def test_english_pages_answer_like_the_dutch_ones(world):
    """GET on the /en/ variant of every page gives the status the table gives the Dutch URL
    (which test_access holds the Dutch URL to)."""
    problems = []
    for p in url_patterns():
        route = ROUTES[p.route]
        if not p.i18n or "GET" not in route.methods:
            continue
        url = world.url(route)
        expected = route.expected("GET")
        for actor in ("anon", "client_a", "p_consent"):
            dutch = expected[ACTORS.index(actor)]
            english = request(world, actor, "GET", "/en" + url)
            if english.status != dutch:
                problems.append(f"GET /en{url} as {actor}: {english.status}, Dutch {dutch}")
    assert not problems, "\n".join(problems)


# reachable with the password alone (RequireTwoFactorMiddleware); checked separately below
TWO_FACTOR_EXEMPT = (
    "healthz",
    "account/tweestaps/",
    "account/tweestaps/herstelcodes/",
    "account/uitloggen/",
)


@pytest.mark.parametrize("key", [k for k in ALL_ROUTES if k not in TWO_FACTOR_EXEMPT])
def test_practitioner_without_second_factor_reaches_nothing(world, key):
    """Password only: every page sends a practitioner to the second factor, the API says 403."""
    route = ROUTES[key]
    url = world.url(route)
    problems = []
    for method in METHODS:
        got = request(world, "p_unverified", method, url, json=route.json)
        if url.startswith("/api/"):
            if got.status != 403:
                problems.append(f"{method} {url}: {got.status}, expected 403 {got.error}")
        elif got.status != 302 or urlsplit(got.location).path != TWO_FACTOR:
            problems.append(
                f"{method} {url}: {got.status} {got.location or got.error}, "
                f"expected 302 to {TWO_FACTOR}"
            )
    assert not problems, "\n".join(problems)


def test_practitioner_without_second_factor_gets_only_the_second_factor(world):
    actor = "p_unverified"
    assert request(world, actor, "GET", TWO_FACTOR).status == 200  # the code form
    codes = request(world, actor, "POST", "/account/tweestaps/herstelcodes/")
    assert (codes.status, urlsplit(codes.location).path) == (302, TWO_FACTOR), (
        "new recovery codes were handed out before the second factor was passed"
    )
    out = request(world, actor, "POST", "/account/uitloggen/")
    assert (out.status, out.location) == (302, "/")


def test_csrf_is_enforced_on_forms():
    """A real browser-like client without the CSRF token is refused (the matrix's client is not)."""
    client = Client(enforce_csrf_checks=True)
    assert client.get(LOGIN).status_code == 200  # sets the CSRF cookie, like a browser
    response = client.post(LOGIN, {"username": "iemand@example.org", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_api_writes_with_the_session_cookie_need_the_csrf_token(world, content_type):
    """The API is open to anonymous use, but a request that carries a session cookie acts for that
    person, so without a CSRF token it is refused and nothing is stored in their account.

    text/plain is what a plain cross-site <form enctype="text/plain"> can send without a CORS
    preflight; only SameSite=Lax stands between such a form and the account otherwise (and not
    for same-site origins such as a sibling subdomain).
    """
    from lijfwijs.assessments.models import Response

    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["client_a"]
    body = json.dumps({"answers": pijntest_answers()})
    owned = Response.objects.filter(user_id=int(world.ids["client_a"]))
    with transaction.atomic():
        before = owned.count()
        response = client.generic(
            "POST", "/api/v1/instruments/pijntest/responses", body, content_type=content_type
        )
        stored = owned.count() - before
        transaction.set_rollback(True)
    assert (response.status_code, stored) == (403, 0), (
        f"POST /api/v1/instruments/pijntest/responses ({content_type}) with client A's session "
        f"cookie and no CSRF token: {response.status_code}, {stored} response(s) stored in A's "
        "account; expected 403 and none. The ninja API (lijfwijs/api/api.py, no auth=) does not "
        "check CSRF, yet services.submit ties the result to request.user."
    )
