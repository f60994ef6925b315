"""Own breathing patterns through the pages: list and create, edit, delete and play, each person
their own only; the safety limits explained next to the field; fuzzed, never a server error."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import User
from lijfwijs.exercises import content
from lijfwijs.exercises.forms import MAX_PATTERNS
from lijfwijs.exercises.models import BreathingPattern, Exercise
from lijfwijs.exercises.tests.log_factories import browser as signed_in
from lijfwijs.exercises.tests.log_factories import person

pytestmark = pytest.mark.django_db

PATTERNS = "/oefeningen/mijn-ritmes/"
GOOD = {
    "name": "Avondritme",
    "base": "rustig-ademen",
    "inhale": "4",
    "hold_in": "2",
    "exhale": "6,5",
    "hold_out": "0",
    "cycles": "8",
}


@pytest.fixture
def catalog(db):
    content.load()


@pytest.fixture
def anna(catalog):
    return person("anna-ritme@example.org")


@pytest.fixture
def browser(anna):
    return signed_in(anna)


def make(user: User, name: str = "Mijn ritme", **data) -> BreathingPattern:
    return BreathingPattern.objects.create(
        user=user,
        base=Exercise.objects.get(slug=data.pop("base", "4-7-8-ademhaling")),
        name=name,
        phases=data.pop(
            "phases",
            [
                {"phase": "inhale", "seconds": 4},
                {"phase": "hold", "seconds": 7},
                {"phase": "exhale", "seconds": 8},
            ],
        ),
        cycles=data.pop("cycles", 10),
    )


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="id_{field}_error">(.*?)</p>', html)
    return found.group(1) if found else ""


def test_anonymous_visitors_are_sent_to_sign_in(client, catalog):
    response = client.get(PATTERNS)
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_create_a_pattern_and_see_it_listed(browser, anna):
    response = browser.post(PATTERNS, GOOD)
    assert response.status_code == 302 and response["Location"] == PATTERNS
    pattern = BreathingPattern.objects.get(user=anna)
    assert pattern.name == "Avondritme" and pattern.base.slug == "rustig-ademen"
    assert pattern.phases == [
        {"phase": "inhale", "seconds": 4},
        {"phase": "hold", "seconds": 2},
        {"phase": "exhale", "seconds": 6.5},
    ]
    assert pattern.cycles == 8
    html = browser.get(PATTERNS).content.decode()
    assert "Je ritme “Avondritme” is bewaard." in html
    assert "in 4 s, vasthouden 2 s, uit 6,5 s · 8 rondes, samen 1 minuut en 40 seconden" in html
    assert f'href="/oefeningen/mijn-ritmes/{pattern.pk}/oefenen/"' in html


def test_no_consent_is_needed_for_a_rhythm(catalog):
    ben = person("ben-ritme@example.org", consent=False)
    assert signed_in(ben).post(PATTERNS, GOOD).status_code == 302
    assert BreathingPattern.objects.filter(user=ben).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hold_in": "7,5"}, "hold_in", "Houd je adem hooguit 7 seconden vast"),
        ({"hold_out": "10"}, "hold_out", "Houd je adem hooguit 7 seconden vast"),
        ({"inhale": "1"}, "inhale", "Kies 2 tot en met 10 seconden."),
        ({"exhale": "16"}, "exhale", "Kies 2 tot en met 15 seconden."),
        ({"inhale": "4,3"}, "inhale", "Kies hele of halve seconden, zoals 4 of 5,5."),
        ({"inhale": "vier"}, "inhale", "Vul een getal in, zoals 4 of 5,5."),
        ({"inhale": "NaN"}, "inhale", "Vul een getal in, zoals 4 of 5,5."),
        ({"exhale": ""}, "exhale", "Vul een aantal seconden in."),
        ({"cycles": "0"}, "cycles", "Kies 1 tot en met 60 rondes."),
        ({"cycles": "2,5"}, "cycles", "Vul een heel getal in, zoals 6."),
        ({"name": "   "}, "name", "Geef je ritme een naam."),
        ({"name": "x" * 61}, "name", "Houd de naam op hooguit 60 tekens."),
        ({"base": "schudden"}, "base", "Kies een van de ademhalingsoefeningen."),
        # 10 + 15 seconds a round: 48 rounds is 20 minutes, 50 is more
        (
            {"inhale": "10", "hold_in": "0", "exhale": "15", "cycles": "50"},
            "cycles",
            "Zo duurt het 21 minuten. Oefen hooguit 20 minuten achter elkaar: kies hooguit 48 rondes.",
        ),
        # with a hold (in or out), at most 8 rounds, however short the round
        (
            {"hold_in": "1", "cycles": "9"},
            "cycles",
            "Met vasthouden doe je hooguit 8 rondes achter elkaar",
        ),
        (
            {"hold_in": "0", "hold_out": "2", "cycles": "60"},
            "cycles",
            "Met vasthouden doe je hooguit 8 rondes achter elkaar",
        ),
    ],
)
def test_a_refused_pattern_says_why_next_to_the_field_and_keeps_what_was_typed(
    browser, anna, changes, field, message
):
    data = GOOD | changes
    response = browser.post(PATTERNS, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in error_of(html, field), error_of(html, field) or html
    assert 'class="error-summary"' in html
    value = data[field]
    if field != "base" and value.strip():
        assert f'value="{value}"' in html
    assert not BreathingPattern.objects.filter(user=anna).exists()


@pytest.mark.parametrize(
    "changes",
    [
        # the shipped limits: 4-7-8 holds 7 s, at most 8 rounds
        {"inhale": "10", "hold_in": "7", "exhale": "15", "hold_out": "7", "cycles": "8"},
        # without a hold, as many rounds as fit in 20 minutes
        {"inhale": "4", "hold_in": "0", "exhale": "6", "hold_out": "0", "cycles": "60"},
    ],
)
def test_the_shipped_limits_are_allowed(browser, anna, changes):
    assert browser.post(PATTERNS, GOOD | changes).status_code == 302


def test_names_are_unique_per_person_not_between_people(browser, anna):
    make(anna, "Ochtend")
    response = browser.post(PATTERNS, GOOD | {"name": "ochtend"})
    assert response.status_code == 422
    assert "Je hebt al een ritme met deze naam." in error_of(response.content.decode(), "name")
    other = person("other-ritme@example.org")
    assert signed_in(other).post(PATTERNS, GOOD | {"name": "Ochtend"}).status_code == 302


def test_a_person_keeps_at_most_fifty_patterns(browser, anna):
    for n in range(MAX_PATTERNS):
        make(anna, f"Ritme {n}")
    response = browser.post(PATTERNS, GOOD)
    assert response.status_code == 422
    assert "Je kunt hooguit 50 eigen ritmes bewaren." in response.content.decode()


def test_save_as_own_pattern_from_a_pacer_is_prefilled(browser):
    html = browser.get(
        PATTERNS + "?base=4-7-8-ademhaling&inhale=4&hold_in=7&exhale=8&hold_out=0&cycles=6"
    ).content.decode()
    assert 'value="4-7-8-ademhaling, mijn ritme"' in html
    assert re.search(r'name="inhale" value="4"', html)
    assert re.search(r'name="hold_in" value="7"', html)
    assert re.search(r'name="exhale" value="8"', html)
    assert re.search(r'name="cycles" value="6"', html)
    assert '<option value="4-7-8-ademhaling" selected>' in html


def test_odd_prefill_values_are_left_out_not_an_error(browser):
    response = browser.get(
        PATTERNS + "?base=bestaat-niet&inhale=1e999&hold_in=-3&exhale=x&cycles=999"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r'name="inhale" value=', html)
    assert not re.search(r'name="cycles" value=', html)
    assert re.search(r'name="hold_in" value="0"', html)


def test_edit_and_delete_own_pattern(browser, anna):
    pattern = make(anna)
    url = f"{PATTERNS}{pattern.pk}/"
    html = browser.get(url).content.decode()
    assert 'value="Mijn ritme"' in html and re.search(r'name="hold_in" value="7"', html)
    response = browser.post(url, GOOD | {"name": "Mijn ritme", "cycles": "4", "hold_in": "0"})
    assert response.status_code == 302
    pattern.refresh_from_db()
    assert pattern.cycles == 4 and [p["phase"] for p in pattern.phases] == ["inhale", "exhale"]
    response = browser.post(url, GOOD | {"hold_in": "20"})
    assert response.status_code == 422
    response = browser.post(f"{url}verwijderen/")
    assert response.status_code == 302
    assert not BreathingPattern.objects.filter(pk=pattern.pk).exists()


def test_a_sigh_saved_as_own_pattern_adds_its_two_inhales(browser, anna):
    pattern = make(
        anna,
        phases=[
            {"phase": "inhale", "seconds": 2},
            {"phase": "inhale", "seconds": 1},
            {"phase": "exhale", "seconds": 6},
        ],
    )
    html = browser.get(f"{PATTERNS}{pattern.pk}/").content.decode()
    assert re.search(r'name="inhale" value="3"', html)


def test_another_persons_pattern_is_a_404(catalog):
    owner = person("owner@example.org")
    pattern = make(owner)
    intruder = signed_in(person("intruder@example.org"))
    for url in (f"{PATTERNS}{pattern.pk}/", f"{PATTERNS}{pattern.pk}/oefenen/"):
        assert intruder.get(url).status_code == 404
    assert intruder.post(f"{PATTERNS}{pattern.pk}/", GOOD).status_code == 404
    assert intruder.post(f"{PATTERNS}{pattern.pk}/verwijderen/").status_code == 404
    assert BreathingPattern.objects.filter(pk=pattern.pk, name="Mijn ritme").exists()
    assert "Mijn ritme" not in intruder.get(PATTERNS).content.decode()
    assert intruder.get(f"{PATTERNS}99999999999999999999/").status_code == 404


def test_play_an_own_pattern_with_the_pacer(browser, anna):
    pattern = make(anna, "Tien keer 4-7-8")
    response = browser.get(f"{PATTERNS}{pattern.pk}/oefenen/")
    assert response.status_code == 200
    html = response.content.decode()
    data = json.loads(
        re.search(r'<script id="player-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["kind"] == "pacer" and data["exercise"] == "4-7-8-ademhaling"
    assert data["pattern"] == str(pattern.pk) and data["name"] == "Tien keer 4-7-8"
    assert [(p["phase"], p["seconds"]) for p in data["phases"]] == [
        ("inhale", 4.0),
        ("hold", 7.0),
        ("exhale", 8.0),
    ]
    # stored before the limits: played with at most 8 rounds, the most a hold allows
    assert data["cycles"] == {"default": 8, "min": 1, "max": 8}
    assert data["lead_in"] is None and "minutes" not in data and "tempo" not in data
    assert "<h1>Tien keer 4-7-8</h1>" in html and "data-save-pattern" not in html
    assert "Doe niet meer dan 8 rondes" not in html  # the 4-7-8's own cautions are not its
    assert "Je mag op elk moment stoppen." in html


def test_a_pattern_can_be_played_at_most_twenty_minutes(browser, anna):
    pattern = make(
        anna,
        phases=[{"phase": "inhale", "seconds": 10}, {"phase": "exhale", "seconds": 15}],
        cycles=20,
    )
    html = browser.get(f"{PATTERNS}{pattern.pk}/oefenen/").content.decode()
    assert '<option value="48">48</option>' in html and '<option value="49">' not in html


def test_the_list_queries_do_not_grow_with_the_patterns(browser, anna, django_assert_num_queries):
    make(anna, "Een")
    browser.get(PATTERNS)
    with CaptureQueriesContext(connection) as first:
        browser.get(PATTERNS)
    for n in range(10):
        make(anna, f"Meer {n}")
    with django_assert_num_queries(len(first)):
        browser.get(PATTERNS)


NUMBERISH = st.one_of(
    st.text(max_size=8),
    st.integers(-(10**6), 10**6).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "0,5", "5.5", "10", "10,0", "1e5", "NaN", "-0", "٣"]),
)
FORM = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=80),
        "base": st.sampled_from(["4-7-8-ademhaling", "rustig-ademen", "schudden", "", "x" * 90]),
        "inhale": NUMBERISH,
        "hold_in": NUMBERISH,
        "exhale": NUMBERISH,
        "hold_out": NUMBERISH,
        "cycles": NUMBERISH,
    },
)


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=FORM)
def test_fuzzed_pattern_forms_never_give_a_server_error(browser, anna, data):
    data = {k: v.replace("\x00", "") for k, v in data.items()}
    response = browser.post(PATTERNS, data)
    assert response.status_code in (302, 422), response.status_code
    if response.status_code == 302:
        pattern = BreathingPattern.objects.filter(user=anna).latest("pk")
        holds = [p["seconds"] for p in pattern.phases if p["phase"] == "hold"]
        assert all(0 < h <= 7 for h in holds)
        assert not holds or pattern.cycles <= 8
        total = sum(p["seconds"] for p in pattern.phases) * pattern.cycles
        assert total <= 20 * 60
        pattern.delete()


def test_a_rhythm_with_holds_is_prefilled_with_at_most_eight_rounds(browser):
    query = "?base=box-ademhaling&inhale=4&hold_in=4&exhale=4&hold_out=4&cycles=15"
    html = browser.get(PATTERNS + query).content.decode()
    assert re.search(r'<input[^>]*name="cycles"[^>]*value="8"', html), html
    html = browser.get(
        PATTERNS + query.replace("hold_in=4", "hold_in=0").replace("hold_out=4", "hold_out=0")
    ).content.decode()
    assert re.search(r'<input[^>]*name="cycles"[^>]*value="15"', html)
    assert "met vasthouden of wachten hooguit 8 rondes" in html
