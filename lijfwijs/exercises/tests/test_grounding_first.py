"""Grounding first (docs/clinical.md): a person whose latest Pijntest marks anxiety or PTSD is
offered grounding before body-focused practice (body scan, somatic tracking); nobody else is."""

import pytest

from lijfwijs.accounts.models import User
from lijfwijs.assessments import services as assessments
from lijfwijs.assessments.tests.factories import pijntest_answers
from lijfwijs.exercises import content, services
from lijfwijs.exercises.tests.log_factories import browser, person

pytestmark = pytest.mark.django_db

GROUNDING_PLAYER = "/oefeningen/gronden/oefenen/"
CALM_PHQ4 = {"phq4__nervous": 0, "phq4__worry": 0, "phq4__interest": 0, "phq4__down": 0}


@pytest.fixture
def catalog(db):
    content.load()


def take_pijntest(user: User, **overrides) -> None:
    done = assessments.submit("pijntest", pijntest_answers(**overrides), language="nl", user=user)
    assert done.response is not None, done.errors


@pytest.mark.parametrize(
    ("result", "marked"),
    [
        ({"context": {"complaints": ["anxiety_ptsd"]}}, True),
        ({"context": {"complaints": ["sleep", "anxiety_ptsd"]}, "phq4": {}}, True),
        ({"phq4": {"anxiety_positive": True}}, True),
        ({"context": {"complaints": ["sleep"]}, "phq4": {"anxiety_positive": False}}, False),
        ({"context": {"complaints": []}}, False),
        ({"context": {"complaints": None}, "phq4": None}, False),
        ({}, False),
    ],
)
def test_which_results_mark_anxiety(result, marked):
    assert services.marks_anxiety(result) is marked


def _panel(html: str) -> str:
    if "data-grounding-first" not in html:
        return ""
    start = html.index("data-grounding-first")
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("slug", ["bodyscan", "somatisch-volgen"])
def test_body_focused_pages_offer_grounding_first_after_anxiety_was_marked(catalog, slug):
    anna = person("anna-gronden@example.org")
    take_pijntest(anna, complaints=["anxiety_ptsd"], **CALM_PHQ4)
    client = browser(anna)
    for path in (f"/oefeningen/{slug}/", f"/oefeningen/{slug}/oefenen/"):
        panel = _panel(client.get(path).content.decode())
        assert "Eerst gronden" in panel and f'href="{GROUNDING_PLAYER}"' in panel, path
    player = client.get(f"/oefeningen/{slug}/oefenen/").content.decode()
    assert player.index("data-grounding-first") < player.index('data-stage="intro"')
    for other in ("rustig-ademen", "gronden", "schudden"):
        assert not _panel(client.get(f"/oefeningen/{other}/oefenen/").content.decode())


def test_a_positive_anxiety_screen_counts_too(catalog):
    ben = person("ben-gronden@example.org")
    take_pijntest(ben)  # the factory's PHQ-4 anxiety items: 2 + 2, a positive screen
    assert _panel(browser(ben).get("/oefeningen/bodyscan/").content.decode())


def test_nobody_else_is_told_to_ground_first(client, catalog):
    cas = person("cas-gronden@example.org")
    assert not _panel(browser(cas).get("/oefeningen/bodyscan/").content.decode())  # no Pijntest
    take_pijntest(cas, complaints=["sleep"], **CALM_PHQ4)
    assert not _panel(browser(cas).get("/oefeningen/bodyscan/").content.decode())
    assert not _panel(client.get("/oefeningen/bodyscan/oefenen/").content.decode())  # a visitor


def test_a_newer_pijntest_decides(catalog):
    dora = person("dora-gronden@example.org")
    take_pijntest(dora, complaints=["sleep"], **CALM_PHQ4)
    page = browser(dora)
    assert not _panel(page.get("/oefeningen/bodyscan/").content.decode())
    take_pijntest(dora, complaints=["anxiety_ptsd"], **CALM_PHQ4)
    assert _panel(page.get("/oefeningen/bodyscan/").content.decode())
    take_pijntest(dora, complaints=[], **CALM_PHQ4)
    assert not _panel(page.get("/oefeningen/bodyscan/").content.decode())
