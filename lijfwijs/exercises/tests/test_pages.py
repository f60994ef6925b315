"""Exercise pages through HTTP, in Dutch and in English."""

import pytest

from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise


@pytest.fixture
def catalog(db):
    content.load()


def _html(response):
    return response.content.decode()


def test_list_in_dutch(client, catalog):
    response = client.get("/oefeningen/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="nl">' in html
    for exercise in Exercise.objects.all():
        assert exercise.name_nl in html
        assert f'href="/oefeningen/{exercise.slug}/"' in html
    assert "Slow breathing" not in html
    assert "5-10 minuten" in html


def test_list_in_english(client, catalog):
    response = client.get("/en/oefeningen/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="en">' in html
    assert "Slow breathing" in html
    assert "Shaking it out" in html
    assert "Rustig ademen" not in html
    assert 'href="/en/oefeningen/rustig-ademen/"' in html


def test_list_groups_by_kind_in_order(client, catalog):
    html = _html(client.get("/oefeningen/"))
    breathing = html.index('id="soort-breathing"')
    tracking = html.index('id="soort-tracking"')
    assert breathing < html.index("Box-ademhaling") < tracking
    assert tracking < html.index("Somatisch volgen", tracking)


def test_detail_in_dutch_shows_pattern_steps_and_cautions(client, catalog):
    response = client.get("/oefeningen/4-7-8-ademhaling/")
    assert response.status_code == 200
    html = _html(response)
    assert "<h1" in html and "4-7-8-ademhaling</h1>" in html
    assert "in 4 s, vasthouden 7 s, uit 8 s" in html
    assert "4 rondes, hooguit 8" in html
    assert '<ol class="steps">' in html
    assert "Adem eerst helemaal uit door je mond" in html
    assert "Doe niet meer dan 8 rondes achter elkaar." in html
    assert "Do no more than 8 rounds" not in html


def test_detail_in_english(client, catalog):
    response = client.get("/en/oefeningen/4-7-8-ademhaling/")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="en">' in html
    assert "4-7-8 breathing</h1>" in html
    assert "First breathe out fully through your mouth" in html
    assert "Do no more than 8 rounds in a row." in html
    assert "Adem eerst helemaal uit" not in html


def test_slow_breathing_shows_decimal_seconds_per_language(client, catalog):
    assert "in 5,5 s, uit 5,5 s" in _html(client.get("/oefeningen/rustig-ademen/"))


def test_sigh_describes_the_second_inhale(client, catalog):
    html = _html(client.get("/oefeningen/fysiologische-zucht/"))
    assert "in 2 s, nog een korte inademing erbovenop 1 s, uit 6 s" in html


def test_shaking_shows_its_timer_and_cues(client, catalog):
    html = _html(client.get("/oefeningen/schudden/"))
    assert "Timer: 2 minuten" in html
    assert "0:30" in html and "Nu je armen en schouders." in html
    html_en = _html(client.get("/en/oefeningen/schudden/"))
    assert "Now your arms and shoulders." in html_en


def test_grounding_lists_the_senses(client, catalog):
    html = _html(client.get("/oefeningen/gronden/"))
    assert "5 dingen die je ziet" in html and "1 ding dat je proeft" in html


@pytest.mark.parametrize("path", ["/oefeningen/bestaat-niet/", "/en/oefeningen/bestaat-niet/"])
def test_unknown_exercise_is_404(client, catalog, path):
    assert client.get(path).status_code == 404


def test_inactive_exercise_is_404_and_not_listed(client, catalog):
    Exercise.objects.filter(slug="gronden").update(is_active=False)
    assert client.get("/oefeningen/gronden/").status_code == 404
    assert 'href="/oefeningen/gronden/"' not in _html(client.get("/oefeningen/"))


def test_list_queries_do_not_grow_with_the_catalog(client, catalog, django_assert_num_queries):
    with django_assert_num_queries(1):  # the page (its ETag is a hash of its bytes)
        assert client.get("/oefeningen/").status_code == 200
    Exercise.objects.create(
        slug="extra",
        kind="breathing",
        name_nl="Extra",
        summary_nl="Extra oefening.",
        steps_nl=["Een", "Twee", "Drie", "Vier"],
        parameters={"phases": [{"phase": "inhale", "seconds": 3}]},
    )
    with django_assert_num_queries(1):
        assert client.get("/oefeningen/").status_code == 200


@pytest.mark.parametrize("slug", ["4-7-8-ademhaling", "schudden", "gronden", "niets-doen"])
def test_detail_queries_are_constant(client, catalog, django_assert_num_queries, slug):
    with django_assert_num_queries(1):  # the page (its ETag is a hash of its bytes)
        assert client.get(f"/oefeningen/{slug}/").status_code == 200
