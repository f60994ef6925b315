"""After a practice the player suggests what next: the person's program step when in the program,
an exercise that calmed them before (from their log) or else a related one, and the catalog."""

import re

import pytest
from django.test import Client

from lijfwijs.exercises.tests.log_factories import browser, practise
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db


def what_next(html: str) -> str:
    start = html.index('aria-labelledby="next-heading"')
    return html[start : html.index("</section>", start)]


def links(section: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', section)


def test_a_visitor_gets_a_related_exercise_and_the_catalog(content):
    section = what_next(Client().get("/oefeningen/box-ademhaling/oefenen/").content.decode())
    assert "Wat nu?" in section and "Lijkt op deze oefening." in section
    [another, catalog] = links(section)
    assert another.endswith("/oefenen/") and "box-ademhaling" not in another
    assert catalog == "/oefeningen/"
    assert "programma" not in section
    # another breathing exercise for a breathing one: the same kind first
    assert Client().get(another).status_code == 200
    assert "ademhaling" in another or "ademen" in another or "zucht" in another


def test_in_the_program_the_step_is_suggested(anna):
    ProgramProgress.objects.create(user=anna, start_step=2, current_step=2)
    section = what_next(browser(anna).get("/oefeningen/schudden/oefenen/").content.decode())
    assert links(section)[0] == "/programma/stap/2/"
    assert "Verder met stap 2 van je programma" in section


def test_an_exercise_that_calmed_the_person_comes_first(anna):
    for _ in range(3):
        practise(anna, "niets-doen", 7, 3)
    section = what_next(browser(anna).get("/oefeningen/schudden/oefenen/").content.decode())
    assert "Nog een oefening: Niets doen" in section
    assert "Gaf je eerder rust, volgens je logboek." in section
    assert "/oefeningen/niets-doen/oefenen/" in links(section)
    # never itself
    own = what_next(browser(anna).get("/oefeningen/niets-doen/oefenen/").content.decode())
    assert "/oefeningen/niets-doen/oefenen/" not in links(own)
