"""HTTP caching of what is the same for every visitor (the catalog, an exercise's pages, the
program's lessons): an ETag and `Cache-Control: public`; a signed-in person's pages are never kept."""

import pytest
from django.test import Client

from lijfwijs.exercises.models import Exercise
from lijfwijs.exercises.tests.log_factories import browser, person

pytestmark = pytest.mark.django_db

SHARED = [
    "/oefeningen/",
    "/oefeningen/box-ademhaling/",
    "/oefeningen/box-ademhaling/oefenen/",
    "/en/oefeningen/box-ademhaling/oefenen/",
    "/programma/",
    "/programma/stap/2/",
]


@pytest.mark.parametrize("path", SHARED)
def test_a_visitor_revalidates_with_the_etag_and_gets_a_304(content, path):
    visitor = Client()
    first = visitor.get(path)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    # a shared cache keeps the visitor's page apart from a signed-in person's (and, where the
    # path does not say the language, per language)
    vary = {v.strip() for v in first["Vary"].split(",")}
    assert "Cookie" in vary and (path.startswith("/en/") or "Accept-Language" in vary)
    etag = first["ETag"]
    again = visitor.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    assert Client().get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize("path", [p for p in SHARED if p != "/programma/"])
def test_an_edited_exercise_makes_a_new_etag_and_the_page_shows_it(content, path):
    etag = Client().get(path)["ETag"]
    exercise = Exercise.objects.get(slug="box-ademhaling")
    exercise.name_nl = exercise.name_en = "Vierkant ademen"
    exercise.save()
    response = Client().get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "Vierkant ademen" in response.content.decode()


def test_the_languages_have_their_own_etags(content):
    nl = Client().get("/oefeningen/box-ademhaling/")["ETag"]
    en = Client().get("/en/oefeningen/box-ademhaling/")
    assert en["ETag"] != nl
    assert Client().get("/en/oefeningen/box-ademhaling/", HTTP_IF_NONE_MATCH=nl).status_code == 200


def test_no_such_exercise_is_still_a_404(content):
    assert Client().get("/oefeningen/bestaat-niet/").status_code == 404
    assert Client().get("/oefeningen/bestaat-niet/oefenen/").status_code == 404


@pytest.mark.parametrize("path", [*SHARED, "/oefeningen/logboek/", "/programma/terugvalplan/"])
def test_a_signed_in_person_s_pages_are_private_and_never_304(content, path):
    page = browser(person("anna-http@example.org"))
    etag = Client().get(path).get("ETag")  # what a visitor got
    response = page.get(path, HTTP_IF_NONE_MATCH=etag or '"x"')
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control and not response.has_header("ETag")
