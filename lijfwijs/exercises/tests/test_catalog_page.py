"""The catalog's cards, written as markup in Python (exercises.views.exercise_list)."""

import pytest

from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise


@pytest.fixture
def catalog(db):
    content.load()


def test_the_cards_escape_what_was_written_in_both_languages(client, catalog):
    exercise = Exercise.objects.get(slug="4-7-8-ademhaling")
    exercise.name_nl = 'Adem <script>alert("x")</script> & rust'
    exercise.summary_en = "Slow 'and' <b>steady</b>."
    exercise.save()
    dutch = client.get("/oefeningen/").content.decode()
    escaped = "Adem &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; rust"
    assert f'<h3><a href="/oefeningen/4-7-8-ademhaling/">{escaped}</a></h3>' in dutch
    assert "<script>alert" not in dutch
    english = client.get("/en/oefeningen/").content.decode()
    assert "<p>Slow &#x27;and&#x27; &lt;b&gt;steady&lt;/b&gt;.</p>" in english
    assert '<span class="visually-hidden">Duration: </span>' in english
