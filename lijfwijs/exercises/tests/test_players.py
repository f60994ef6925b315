"""The player pages through HTTP: one per exercise, driven by the catalog, in Dutch and English;
what each person is offered after practising; the service worker that keeps them."""

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from lijfwijs.accounts.services import give_health_consent
from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise, PracticeSession, player_kind
from lijfwijs.exercises.tests.log_factories import browser as signed_in
from lijfwijs.exercises.tests.log_factories import person

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "exercises"


@pytest.fixture
def catalog(db):
    content.load()


def page(client: Client, slug: str, lang: str = "nl") -> str:
    prefix = "/en" if lang == "en" else ""
    response = client.get(f"{prefix}/oefeningen/{slug}/oefenen/")
    assert response.status_code == 200, (slug, lang, response.status_code)
    return response.content.decode()


def player_data(html: str) -> dict:
    found = re.search(r'<script id="player-data" type="application/json">(.*?)</script>', html)
    assert found, "no player data on the page"
    return json.loads(found.group(1))


def player_body(html: str) -> str:
    """The player's own part of the page: the same for everyone (no per-person data)."""
    start = html.index('<div class="player"')
    return html[start : html.index('<section class="player-stage" data-stage="after"', start)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_exercise_has_a_player_in_its_language(client, catalog, lang):
    exercises = list(Exercise.objects.active())
    assert len(exercises) == 11
    for exercise in exercises:
        html = page(client, exercise.slug, lang)
        data = player_data(html)
        kind = player_kind(exercise.kind)
        assert f'<html lang="{lang}">' in html
        assert f'data-player="{kind}"' in html and data["kind"] == kind
        name = getattr(exercise, f"name_{lang}")
        assert data["name"] == name and f"<h1>{name}</h1>" in html
        assert data["exercise"] == exercise.slug and data["pattern"] == ""
        for caution in getattr(exercise, f"cautions_{lang}"):
            assert caution.replace("'", "&#x27;") in html, (exercise.slug, caution)
        first_step = getattr(exercise, f"steps_{lang}")[0]
        assert first_step.replace("'", "&#x27;") in html
        texts = [p["text"] for p in data.get("phases", [])]
        texts += [c["text"] for c in data.get("cues", [])] + [
            s["text"] for s in data.get("steps", [])
        ]
        assert texts and all(isinstance(t, str) for t in texts)
        other = "en" if lang == "nl" else "nl"
        if kind == "timer":
            assert (
                texts[0]
                == exercise.parameters["cues"][0][lang]
                != exercise.parameters["cues"][0][other]
            )
        if kind == "guide":
            assert texts[0] == exercise.parameters["guide"][0][lang]
        assert data["ui"]["lang"] == ("en-GB" if lang == "en" else "nl-NL")
        assert 'src="/static/exercises/player.js"' in html
        assert 'href="/static/exercises/player.css"' in html


def test_each_player_kind_has_its_controls(client, catalog):
    pacer = page(client, "4-7-8-ademhaling")
    assert 'id="setup-cycles"' in pacer and "data-next" not in pacer
    assert '<option value="8">8</option>' in pacer and '<option value="9">' not in pacer
    assert '<option value="4" selected>4</option>' in pacer
    slow = page(client, "rustig-ademen")
    assert 'id="setup-tempo"' in slow and 'id="setup-minutes"' in slow
    assert '<option value="5.5" selected>5,5 seconden</option>' in slow
    assert '<option value="10">10 minuten</option>' in slow
    nothing = page(client, "niets-doen")
    assert '<option value="5" selected>5 minuten</option>' in nothing
    assert '<option value="10">10 minuten</option>' in nothing
    guide = page(client, "bodyscan")
    assert "data-next" in guide and "11 stappen, samen 10 minuten." in guide
    for html in (pacer, slow, nothing, guide):
        assert html.count('type="radio" name="tension_before"') == 11
        assert html.count('type="radio" name="tension_after"') == 11
        assert "data-pause" in html and "data-stop" in html and 'aria-live="polite"' in html
        assert '<button type="submit" class="button" data-start>Start</button>' in html


def test_the_detail_page_has_a_start_link(client, catalog):
    html = client.get("/oefeningen/schudden/").content.decode()
    assert 'href="/oefeningen/schudden/oefenen/">Start de oefening</a>' in html
    html = client.get("/en/oefeningen/schudden/").content.decode()
    assert 'href="/en/oefeningen/schudden/oefenen/"' in html
    breathing = client.get("/oefeningen/box-ademhaling/").content.decode()
    assert 'href="/oefeningen/mijn-ritmes/"' in breathing


def test_a_pacer_offers_to_save_its_rhythm_as_an_own_pattern(client, catalog):
    html = page(client, "4-7-8-ademhaling")
    link = re.search(r'href="([^"]+)" data-save-pattern', html).group(1).replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert urlsplit(link).path == "/oefeningen/mijn-ritmes/"
    assert query == {
        "base": "4-7-8-ademhaling",
        "inhale": "4",
        "hold_in": "0",
        "exhale": "8",
        "hold_out": "0",
        "cycles": "4",
    } | {"hold_in": "7"}
    slow = page(client, "rustig-ademen")
    link = re.search(r'href="([^"]+)" data-save-pattern', slow).group(1).replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert (query["inhale"], query["exhale"], query["cycles"]) == ("5.5", "5.5", "27")  # 5 minutes
    assert "data-save-pattern" not in page(client, "schudden")


# --- What comes after practising: saving (consent), giving consent, or signing in ------------


def test_anonymous_visitors_may_play_and_are_invited_to_sign_in(client, catalog):
    html = page(client, "schudden")
    assert 'href="/account/inloggen/?next=%2Foefeningen%2Fschudden%2Foefenen%2F"' in html
    assert 'href="/account/registreren/"' in html
    assert "data-log-form" not in html and "csrfmiddlewaretoken" not in html


def test_signed_in_without_consent_is_asked_for_it(catalog):
    html = page(signed_in(person("geen@example.org", consent=False)), "schudden")
    assert 'href="/account/toestemming/"' in html
    assert "data-log-form" not in html and "/account/inloggen/?next" not in html


def test_giving_consent_shows_saving_at_once(catalog):
    ben = person("ben@example.org", consent=False)
    browser = signed_in(ben)
    assert "data-log-form" not in page(browser, "schudden")
    give_health_consent(ben)
    assert "data-log-form" in page(browser, "schudden")


def test_signed_in_with_consent_can_save_with_a_token_of_their_own(catalog):
    html_a = page(signed_in(person("a@example.org")), "schudden")
    html_b = page(signed_in(person("b@example.org")), "schudden")
    form = re.search(
        r'<form method="post" action="([^"]+)" class="player-log" data-log-form>', html_a
    )
    assert form and form.group(1) == reverse("exercises:log") == "/oefeningen/logboek/"
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', h).group(1)
        for h in (html_a, html_b)
    ]
    assert all(len(t) == 64 for t in tokens) and tokens[0] != tokens[1]
    assert player_data(html_a)["log_url"] == "/oefeningen/logboek/"


def test_the_token_on_a_player_page_is_accepted_by_the_practice_log(catalog):
    noor = person("noor@example.org")
    browser = signed_in(noor, enforce_csrf_checks=True)
    html = page(browser, "schudden")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(
        "/oefeningen/logboek/",
        {
            "csrfmiddlewaretoken": token,
            "exercise": "schudden",
            "pattern": "",
            "seconds": "120",
            "completed": "1",
            "tension_before": "6",
            "tension_after": "3",
            "client_key": "player-page-token-test",
            "started_at": timezone.now().isoformat(),
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201, response.content
    session = PracticeSession.objects.get(user=noor)
    assert (session.tension_before, session.tension_after, session.seconds) == (6, 3, 120)


def test_the_player_itself_is_the_same_for_everyone(catalog):
    noor = person("noor2@example.org")
    exercise = Exercise.objects.get(slug="box-ademhaling")
    for n in range(3):
        PracticeSession.objects.create(
            user=noor,
            exercise=exercise,
            day=timezone.localdate(),
            seconds=60 + n,
            tension_before=9,
            tension_after=1,
        )
    anonymous = page(Client(), "box-ademhaling")
    hers = page(signed_in(noor), "box-ademhaling")
    assert player_body(hers) == player_body(anonymous)


# --- 404s, caching, and the catalog as the only source ---------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/oefeningen/bestaat-niet/oefenen/", "/en/oefeningen/bestaat-niet/oefenen/"],
)
def test_an_unknown_exercise_has_no_player(client, catalog, path):
    assert client.get(path).status_code == 404


def test_a_changed_or_deactivated_exercise_is_not_played_from_the_cache(client, catalog):
    page(client, "schudden")
    exercise = Exercise.objects.get(slug="schudden")
    exercise.name_nl = "Losschudden"
    exercise.save()
    assert "<h1>Losschudden</h1>" in page(client, "schudden")
    exercise.is_active = False
    exercise.save()
    assert client.get("/oefeningen/schudden/oefenen/").status_code == 404


def test_an_exercise_removed_from_the_catalog_is_no_longer_played(client, catalog, tmp_path):
    page(client, "gronden")
    page(client, "gronden", "en")
    for path in content.CATALOG_DIR.glob("*.toml"):
        if path.stem != "gronden":
            shutil.copy(path, tmp_path / path.name)
    content.load(tmp_path)
    assert client.get("/oefeningen/gronden/oefenen/").status_code == 404
    assert client.get("/en/oefeningen/gronden/oefenen/").status_code == 404


def test_a_visitor_s_page_costs_two_queries_for_every_exercise_and_language(
    client, catalog, django_assert_num_queries
):
    for exercise in Exercise.objects.active():
        for lang in ("nl", "en"):
            with django_assert_num_queries(2):  # the ETag's version, the exercise
                page(client, exercise.slug, lang)


def test_queries_for_a_signed_in_person_do_not_grow_with_their_practice(catalog):
    few, many = person("few@example.org"), person("many@example.org")
    exercise = Exercise.objects.get(slug="4-7-8-ademhaling")
    PracticeSession.objects.bulk_create(
        PracticeSession(user=many, exercise=exercise, day=timezone.localdate(), seconds=60)
        for _ in range(200)
    )
    counts = []
    for user in (few, many):
        browser = signed_in(user)
        page(browser, "4-7-8-ademhaling")
        with CaptureQueriesContext(connection) as captured:
            page(browser, "4-7-8-ademhaling")
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_next_page_follows_a_change_of_consent(catalog):
    user = person("later@example.org", consent=False)
    browser = signed_in(user)
    assert 'action="/oefeningen/logboek/"' not in page(browser, "schudden")
    give_health_consent(user)
    assert 'action="/oefeningen/logboek/"' in page(browser, "schudden")
    browser.post("/account/toestemming/", {"action": "withdraw"})
    assert 'action="/oefeningen/logboek/"' not in page(browser, "schudden")


def test_no_template_names_an_exercise():
    slugs = [p.stem for p in content.CATALOG_DIR.glob("*.toml")]
    names = [e["name_nl"] for e in content.read_catalog()] + [
        e["name_en"] for e in content.read_catalog()
    ]
    for template in (TEMPLATES / "player").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for word in slugs + names:
            assert word not in text, (
                f"{template.name} names {word!r}: players are driven by the catalog"
            )


def test_the_players_script_and_style_are_small():
    sizes = [
        len(gzip.compress(Path(finders.find(f"exercises/{name}")).read_bytes(), 9))
        for name in ("player.js", "player.css")
    ]
    assert sum(sizes) < 30_000, sizes


# --- The service worker keeps the players (and nothing else of the pages) ---------------------


def _sw_regex(body: str, name: str) -> re.Pattern:
    source = re.search(rf"const {name} = /(.+)/;", body).group(1)
    return re.compile(source.replace("\\/", "/"))


def test_the_service_worker_keeps_the_players_for_use_offline(client, catalog):
    body = client.get("/sw.js").content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert {"/static/exercises/player.js", "/static/exercises/player.css"} <= set(shell)
    player = _sw_regex(body, "PLAYER")
    for lang in ("nl", "en"):
        with translation.override(lang):
            kept = [
                reverse("exercises:play", kwargs={"slug": e.slug}) for e in Exercise.objects.all()
            ]
            kept.append(reverse("exercises:pattern_play", kwargs={"pattern_id": 12}))
            not_kept = [
                reverse("exercises:detail", kwargs={"slug": "schudden"}),
                reverse("exercises:patterns"),
                reverse("exercises:pattern_edit", kwargs={"pattern_id": 12}),
                reverse("exercises:log"),
                reverse("diary:list"),
                "/oefeningen/schudden/oefenen/extra/",
            ]
        assert all(player.fullmatch(url) for url in kept), kept
        assert not any(player.fullmatch(url) for url in not_kept), not_kept


def test_the_service_worker_drops_kept_pages_when_someone_signs_in_or_out(client):
    body = client.get("/sw.js").content.decode()
    sign = _sw_regex(body, "SIGN_IN_OR_OUT")
    for lang in ("nl", "en"):
        with translation.override(lang):
            for name in ("accounts:login", "accounts:logout"):
                assert sign.fullmatch(reverse(name)), reverse(name)
            assert not sign.fullmatch(reverse("accounts:register"))
    assert "caches.delete(PAGES)" in body
