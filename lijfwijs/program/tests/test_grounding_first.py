"""Today's exercise in the program: grounding first, instead of a body scan or somatic tracking,
for a person whose latest Pijntest marks anxiety or PTSD (docs/clinical.md); the page and the API."""

import re
from datetime import timedelta

import pytest

from lijfwijs.assessments import services as assessments
from lijfwijs.assessments.tests.factories import pijntest_answers
from lijfwijs.exercises import content
from lijfwijs.exercises.tests.log_factories import practise
from lijfwijs.program import program, services
from lijfwijs.program.tests.program_helpers import client_user, signed_in

pytestmark = pytest.mark.django_db

CALM_PHQ4 = {"phq4__nervous": 0, "phq4__worry": 0, "phq4__interest": 0, "phq4__down": 0}
BODY = {"bodyscan", "somatisch-volgen"}
NOW = timedelta(seconds=1)  # today, also just after midnight


@pytest.fixture
def catalog(db):
    content.load()


def _today(client) -> tuple[str, str]:
    html = client.get("/").content.decode()
    found = re.search(r'Vandaag voorgesteld: <a href="/oefeningen/([^/]+)/oefenen/"', html)
    assert found, "no suggestion on the start page"
    return found.group(1), client.get("/api/v1/program").json()["today"]["slug"]


@pytest.mark.parametrize(
    ("complaints", "grounding"), [(["anxiety_ptsd"], True), (["sleep"], False)]
)
def test_today_s_body_focused_exercise_comes_after_grounding(catalog, complaints, grounding):
    eva = client_user(f"eva-{grounding}@example.org")
    assert services.ensure_progress(eva).current_step == 1
    answers = pijntest_answers(complaints=complaints, **CALM_PHQ4)
    assert assessments.submit("pijntest", answers, language="nl", user=eva).response
    # what is left of step 1 today is body-focused practice
    assert set(program.step(1).exercises) - BODY == {"vuist-contrast", "progressieve-ontspanning"}
    practise(eva, "vuist-contrast", ago=NOW)
    practise(eva, "progressieve-ontspanning", ago=NOW)
    client = signed_in(eva)
    page, api = _today(client)
    assert page == api
    if grounding:
        assert page == "gronden"
        practise(eva, "gronden", ago=NOW)  # grounded: the body-focused practice may follow
        page, api = _today(client)
    assert page == api and page in BODY
