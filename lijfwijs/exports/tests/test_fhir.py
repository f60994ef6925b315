"""The FHIR export (lijfwijs/exports/fhir.py, docs/fhir.md).

One world per module, made once inside a transaction rolled back at the end: Anna with every
instrument at every version twice (and a draft, an anonymous response and one of a removed
instrument file that stay out), a year of daily check-ins (some days twice, one whose date her
current time zone puts on another day); Bram with his own data; Carla without consent.
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lijfwijs.accounts.models import User
from lijfwijs.accounts.tests.helpers import make_client_user
from lijfwijs.assessments import engine, registry
from lijfwijs.assessments.models import Response
from lijfwijs.diary.models import CheckIn
from lijfwijs.exports import fhir

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
FIRST_DAY = date(2025, 6, 1)
DAYS = 365
REGIONS = ("lower_back", "neck", "leg_below_knee")


def every_instrument() -> list[engine.Instrument]:
    """Every instrument this installation knows, at every version."""
    return sorted(registry._all().values(), key=lambda i: (i.id, i.version_key))


def answers_for(instrument: engine.Instrument, rng: random.Random) -> dict[str, Any]:
    """A complete answer set without red flags or crisis answers (the safety net is not what
    this module tests); every item type, options with text codes and with number codes."""
    answers: dict[str, Any] = {}
    for iid, item in instrument.items.items():
        if iid.startswith(("redflag.", "crisis.")) or iid == "phq9.9":
            answers[iid] = "no" if item.type == "choice" else 0
        elif item.type == "scale":
            answers[iid] = rng.randint(item.min, item.max)
        elif item.type == "choice":
            answers[iid] = rng.choice(item.codes)
        else:
            answers[iid] = rng.sample(list(item.codes), k=min(2, len(item.codes)))
    clean, problems = engine.validate(instrument, answers)
    assert not problems, problems
    return clean


def responses_for(user: User, rng: random.Random, start: datetime) -> list[Response]:
    made = []
    for n, instrument in enumerate(every_instrument()):
        for repeat in range(2):
            answers = answers_for(instrument, rng)
            done = start + timedelta(days=10 * n + 100 * repeat, hours=n)
            made.append(
                Response(
                    instrument=instrument.id,
                    version=instrument.version,
                    status=Response.Status.COMPLETED,
                    language=user.language,
                    answers=answers,
                    result=engine.score(instrument, answers),
                    user=user,
                    created_at=done - timedelta(minutes=9),
                    completed_at=done,
                )
            )
    return Response.objects.bulk_create(made)


def diary_for(user: User, rng: random.Random, days: int) -> list[CheckIn]:
    made = []
    for n in range(days):
        day = FIRST_DAY + timedelta(days=n)
        at = datetime(day.year, day.month, day.day, 18, 30, tzinfo=UTC)
        regions = {r: rng.randint(0, 10) for r in REGIONS[: n % 4]}
        made.append(
            CheckIn(user=user, day=day, at=at, pain=rng.randint(0, 10), region_pain=regions)
        )
        if n % 7 == 0:  # a second check-in that day
            made.append(CheckIn(user=user, day=day, at=at - timedelta(hours=8), pain=n % 11))
    return CheckIn.objects.bulk_create(made)


@dataclass
class World:
    anna: User
    bram: User
    carla: User
    anna_responses: list[Response]
    anna_checkins: list[CheckIn]
    midnight: CheckIn  # stored on the UTC date; Amsterdam time puts it on the next day


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            rng = random.Random(15)
            anna = make_client_user("anna-fhir@example.org", display_name="Anna de Vries")
            bram = make_client_user("bram-fhir@example.org", display_name="Bram", language="en")
            carla = make_client_user("carla-fhir@example.org", consent=False, display_name="")
            start = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
            anna_responses = responses_for(anna, rng, start)
            responses_for(bram, rng, start)
            instrument = registry.get("phq4")
            Response.objects.create(  # a draft is not a response to export
                instrument="phq4", version=instrument.version, user=anna, answers={"phq4.down": 1}
            )
            Response.objects.create(  # an instrument file a practice has since removed
                instrument="removed-by-the-practice",
                version="1.0",
                status=Response.Status.COMPLETED,
                user=anna,
                answers={"q1": 2},
                completed_at=start,
            )
            Response.objects.create(  # nor is an anonymous one
                instrument="phq4",
                version=instrument.version,
                status=Response.Status.COMPLETED,
                answers=answers_for(instrument, rng),
                completed_at=start,
            )
            checkins = diary_for(anna, rng, DAYS)
            diary_for(bram, rng, 30)
            late = datetime(2026, 5, 20, 23, 30, tzinfo=UTC)  # 01:30 on 21 May in Amsterdam
            midnight = CheckIn.objects.create(user=anna, day=late.date(), at=late, pain=3)
            yield World(anna, bram, carla, anna_responses, [*checkins, midnight], midnight)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def anna_bundle(world) -> dict[str, Any]:
    return fhir.build_bundle(world.anna, now=NOW)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bundle_of_every_instrument_and_a_year_of_diary_validates(world, anna_bundle):
    Bundle.model_validate(anna_bundle)
    assert anna_bundle["type"] == "collection"
    assert len(resources(anna_bundle, "Patient")) == 1
    questionnaires = resources(anna_bundle, "Questionnaire")
    assert {(q["url"], q["version"]) for q in questionnaires} == {
        (fhir.canonical(i), i.version) for i in every_instrument()
    }
    assert len(questionnaires) == len(every_instrument())
    responses = resources(anna_bundle, "QuestionnaireResponse")
    # the draft, the anonymous one and the one of a removed instrument file left out
    assert len(responses) == len(world.anna_responses)
    assert {r["status"] for r in responses} == {"completed"}
    diary = [
        o
        for o in resources(anna_bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "72514-3"
    ]
    assert len(diary) == len(world.anna_checkins)


@pytest.mark.django_db
def test_a_round_trip_keeps_every_answer_score_and_pain_rating(world, anna_bundle):
    text = json.dumps(anna_bundle)
    again = json.loads(Bundle.model_validate_json(text).model_dump_json())

    by_id = {e["resource"]["id"]: e["resource"] for e in again["entry"]}
    questionnaires = {f"{q['url']}|{q['version']}": q for q in resources(again, "Questionnaire")}
    stored = {  # read back from the database (the answers are stored encrypted)
        r.completed_at: r
        for r in Response.objects.filter(pk__in=[r.pk for r in world.anna_responses])
    }
    responses = resources(again, "QuestionnaireResponse")
    for qr in responses:
        response = stored[datetime.fromisoformat(qr["authored"])]
        assert qr["questionnaire"] == f"{fhir.canonical(response.definition())}|{response.version}"
        assert qr["questionnaire"] in questionnaires
        assert fhir.decode_answers(response.definition(), qr) == response.answers
    assert len(responses) == len(stored)

    scores = [o for o in resources(again, "Observation") if "derivedFrom" in o]
    assert scores
    for observation in scores:
        qr = by_id[observation["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")]
        response = stored[datetime.fromisoformat(qr["authored"])]
        ours = next(c for c in observation["code"]["coding"] if c["system"] == fhir.SCORES)
        key = ours["code"].removeprefix(f"{response.instrument}.")
        value = observation.get("valueInteger", observation.get("valueQuantity", {}).get("value"))
        expected = engine._get(response.result, key)
        assert value == expected, (ours["code"], value, expected)

    pains = sorted(
        (o["effectiveDateTime"], o["valueInteger"])
        for o in resources(again, "Observation")
        if o["code"]["coding"][0]["code"] == "72514-3"
    )
    zone = fhir.zone_of(world.anna)
    assert pains == sorted(
        (
            c.at.astimezone(zone).isoformat() if c is not world.midnight else c.day.isoformat(),
            c.pain,
        )
        for c in world.anna_checkins
    )


@pytest.mark.django_db
def test_the_scores_carry_loinc_where_loinc_has_them_and_our_code_always(anna_bundle):
    codes: dict[str, set[str]] = {}
    for observation in resources(anna_bundle, "Observation"):
        if "derivedFrom" not in observation:
            continue
        coding = observation["code"]["coding"]
        ours = next(c["code"] for c in coding if c["system"] == fhir.SCORES)
        codes[ours] = {c["code"] for c in coding if c["system"] == fhir.LOINC}
        assert observation["category"][0]["coding"][0]["code"] == "survey"
        assert observation["status"] == "final"
    assert codes["pijntest.pain.peg"] == {"91147-9"}
    assert codes["peg3.peg"] == {"91147-9"}
    assert codes["phq4.total"] == codes["pijntest.phq4.total"] == {"70272-0"}
    assert codes["phq4.depression"] == {"55758-7"}
    assert codes["phq9.total"] == {"44261-6"}
    assert codes["gad7.total"] == {"70274-6"}
    # our reflection scores: our own code system only
    assert codes["pijntest.domains.stress"] == set()
    assert codes["pijntest.state.ventral"] == set()
    assert codes["nijmegen.total"] == set()


@pytest.mark.django_db
def test_every_reference_resolves_inside_the_bundle(anna_bundle):
    full_urls = [e["fullUrl"] for e in anna_bundle["entry"]]
    assert len(full_urls) == len(set(full_urls))
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in anna_bundle["entry"])
    found = list(references(anna_bundle))
    assert found and set(found) <= set(full_urls)
    canonicals = {f"{q['url']}|{q['version']}" for q in resources(anna_bundle, "Questionnaire")}
    assert {qr["questionnaire"] for qr in resources(anna_bundle, "QuestionnaireResponse")} == (
        canonicals
    )
    patient = f"urn:uuid:{resources(anna_bundle, 'Patient')[0]['id']}"
    for kind in ("QuestionnaireResponse", "Observation"):
        assert {r["subject"]["reference"] for r in resources(anna_bundle, kind)} == {patient}


@pytest.mark.django_db
def test_the_patient_holds_only_what_we_hold(world, anna_bundle):
    (patient,) = resources(anna_bundle, "Patient")
    assert set(patient) == {"resourceType", "id", "identifier", "active", "name", "communication"}
    assert patient["name"] == [{"text": "Anna de Vries"}]
    assert patient["identifier"][0]["value"] == str(world.anna.pk)
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "nl"
    text = json.dumps(anna_bundle)
    assert world.anna.email not in text
    # a response's id is the token that opens its result: it never leaves in the bundle
    assert not any(r.pk in text for r in world.anna_responses)


@pytest.mark.django_db
def test_another_persons_data_never_appears(world, anna_bundle):
    bram = fhir.build_bundle(world.bram, now=NOW)
    assert (
        resources(bram, "Patient")[0]["communication"][0]["language"]["coding"][0]["code"] == "en"
    )

    def own_ids(bundle: dict[str, Any]) -> set[str]:
        return {
            e["resource"]["id"]
            for e in bundle["entry"]
            if e["resource"]["resourceType"] != "Questionnaire"  # the same instrument for all
        }

    assert own_ids(bram) and not own_ids(bram) & own_ids(anna_bundle)
    assert len(resources(bram, "QuestionnaireResponse")) == len(world.anna_responses)
    assert "Bram" not in json.dumps(anna_bundle)
    assert "Anna" not in json.dumps(bram)


@pytest.mark.django_db
def test_without_consent_for_health_data_the_bundle_holds_the_patient_only(world):
    CheckIn.objects.create(user=world.carla, day=FIRST_DAY, at=NOW, pain=4)  # left over
    bundle = fhir.build_bundle(world.carla, now=NOW)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    assert "name" not in bundle["entry"][0]["resource"]  # no name held
    Bundle.model_validate(bundle)


@pytest.mark.django_db
def test_the_same_data_gives_the_same_ids_and_valid_json_bytes(world, anna_bundle):
    again = json.loads(fhir.bundle_json(world.anna, now=NOW))
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in anna_bundle["entry"]]
    assert again["id"] != anna_bundle["id"]  # each export is its own bundle
    assert again["timestamp"] == NOW.isoformat()


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        fhir.build_bundle(world.anna, now=NOW)


LICENSED = """
id = "licensed-example"
version = "2.0"
kind = "licensed"
title = { nl = "Gelicentieerde lijst", en = "Licensed list" }
[source]
citation = "A publisher"
[licence]
name = "Licensed to the practice"
note = "Item text may not be passed on."
[[sections]]
id = "q1"
title = { nl = "Beschermd deel", en = "Part" }
[[sections.items]]
id = "q1"
text = { nl = "Beschermde vraag", en = "Protected question" }
options = [{ code = "a", label = { nl = "Beschermd antwoord" } }, { code = "b" }]
[[sections.items]]
id = "q2"
type = "scale"
min = 0
max = 6
labels = [{ code = 0, label = { nl = "Beschermd: nooit" } }, { code = 6, label = { nl = "Beschermd: altijd" } }]
text = { nl = "Nog een beschermde vraag" }
"""


def test_a_licensed_instruments_wording_stays_out_and_its_answers_go_in():
    licensed = engine.loads(LICENSED)
    questionnaire = fhir.questionnaire(licensed, "nl")
    Questionnaire.model_validate(questionnaire)
    assert "Beschermd" not in json.dumps(questionnaire)
    assert questionnaire["title"] == "Gelicentieerde lijst"  # the name of the list may be given
    (group,) = questionnaire["item"]
    assert "text" not in group
    assert group["linkId"] == "q1.section"  # the section's id is an item's id as well
    assert [i["linkId"] for i in group["item"]] == ["q1", "q2"]
    assert [o["valueCoding"]["code"] for o in group["item"][0]["answerOption"]] == ["a", "b"]
    assert group["item"][1]["type"] == "integer"  # labels for two of its seven values only

    response = Response(
        instrument=licensed.id, version=licensed.version, answers={"q1": "b", "q2": 3}
    )
    response.completed_at = NOW
    person = fhir.Person("nl", UTC, {"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"})
    qr = fhir.questionnaire_response(licensed, response, person)
    QuestionnaireResponse.model_validate(qr)
    assert fhir.decode_answers(licensed, qr) == {"q1": "b", "q2": 3}


@pytest.mark.django_db
def test_an_invalid_bundle_never_leaves(world, monkeypatch):
    real = fhir._patient

    def broken(user, language):  # a field that FHIR does not have
        return {**real(user, language), "email": user.email}

    monkeypatch.setattr(fhir, "_patient", broken)
    with pytest.raises(ValidationError):
        fhir.build_bundle(world.carla, now=NOW)


def test_questionnaire_items_follow_the_instrument_file():
    def items(instrument_id: str) -> dict[str, dict[str, Any]]:
        made = fhir.questionnaire(registry.get(instrument_id), "en")
        return {i["linkId"]: i for group in made["item"] for i in group["item"]}

    peg = items("peg3")["peg.pain"]
    assert peg["type"] == "integer" and "answerOption" not in peg
    assert [e["valueInteger"] for e in peg["extension"]] == [0, 10]
    pijntest = items("pijntest")
    assert pijntest["pain.regions"]["repeats"] is True
    assert {o["valueCoding"]["code"] for o in pijntest["redflag.bladder"]["answerOption"]} == {
        "yes",
        "no",
    }
    assert pijntest["phq4.down"]["code"] == [{"system": fhir.LOINC, "code": "44255-8"}]
    down = pijntest["phq4.down"]["answerOption"]
    assert [(o["valueCoding"]["code"], o["valueCoding"]["display"]) for o in down][-1] == (
        "3",
        "Nearly every day",
    )
    gad7 = items("gad7")
    assert gad7["gad7.1"]["code"][0]["code"] == "69725-0"
    assert "code" not in gad7["gad7.6"]  # LOINC's term asks about 4 weeks, ours about 2
    assert [i["code"][0]["code"] for i in items("phq9").values()] == list(fhir._PHQ9_ITEMS)


def answer_sets(instrument: engine.Instrument) -> st.SearchStrategy[dict[str, Any]]:
    """Any answer set the engine accepts: every required item, optional ones or not."""

    def one(item: engine.Item) -> st.SearchStrategy[Any]:
        if item.type == "scale":
            value = st.integers(item.min, item.max)
        elif item.type == "choice":
            value = st.sampled_from(item.codes)
        else:
            value = st.lists(st.sampled_from(item.codes), min_size=1, unique=True)
        return value if item.required else st.none() | value

    fields = {iid: one(item) for iid, item in instrument.items.items()}
    return st.fixed_dictionaries(fields).map(
        lambda drawn: engine.validate(instrument, {k: v for k, v in drawn.items() if v})[0]
    )


@pytest.mark.parametrize("instrument", every_instrument(), ids=lambda i: f"{i.id}-{i.version}")
@given(data=st.data())
def test_any_answer_set_makes_valid_resources_that_read_back_the_same(instrument, data):
    answers = data.draw(answer_sets(instrument))
    response = Response(
        instrument=instrument.id,
        version=instrument.version,
        status=Response.Status.COMPLETED,
        language="en",
        answers=answers,
        result=engine.score(instrument, answers),
        completed_at=NOW,
    )
    person = fhir.Person("en", UTC, {"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"})
    qr = fhir.questionnaire_response(instrument, response, person)
    QuestionnaireResponse.model_validate(qr)
    assert fhir.decode_answers(instrument, json.loads(json.dumps(qr))) == answers
    for observation in fhir.score_observations(instrument, response, person, qr):
        Observation.model_validate(observation)


def test_the_documented_profile_names_every_code_and_its_example_is_valid():
    doc = (Path(settings.BASE_DIR) / "docs" / "fhir.md").read_text()
    for code, name in {*fhir.LOINC_SCORES.values(), fhir.NRS_PAIN}:
        assert f"| {code} " in doc and f"| {name} |" in doc, f"LOINC {code} is not in the table"
    for code in fhir.LOINC_ITEMS.values():
        assert f"| {code} " in doc, f"LOINC {code} is not in the table of docs/fhir.md"
    example = doc.split("```json\n", 1)[1].split("\n```", 1)[0]
    bundle = Bundle.model_validate_json(example)
    assert {e.resource.get_resource_type() for e in bundle.entry} == {
        "Patient",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
    }
    for url in (
        fhir.NAMESPACE,
        fhir.SCORES,
        fhir.DIARY,
        fhir.ANSWERS_BASE,
        fhir.QUESTIONNAIRE_BASE,
    ):
        assert url in doc, url
