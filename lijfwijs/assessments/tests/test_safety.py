"""Safety on every instrument and every way in: the crisis advice (docs/clinical.md), table-driven."""

import json
from typing import Any

import pytest
from django.urls import reverse

from lijfwijs.assessments import engine, registry, services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.test_registry import LICENSED, practice_folder  # noqa: F401

pytestmark = pytest.mark.django_db

CRISIS_INSTRUMENTS = [i.id for i in registry.latest() if i.crisis]
ADVICE_PARTS = ("113", "0800-0113", "113.nl", "112")
TEL_LINKS = ('href="tel:113"', 'href="tel:08000113"', 'href="tel:112"')


def calm_answers(instrument: engine.Instrument) -> dict[str, Any]:
    """A valid answer set with the lowest score everywhere (no red flag, no crisis answer)."""
    answers: dict[str, Any] = {}
    for iid, item in instrument.items.items():
        if item.type == "scale":
            answers[iid] = min(range(item.min, item.max + 1), key=lambda v: item.score_table()[v])
        elif item.type == "choice":
            answers[iid] = min(item.options, key=lambda o: o.score or 0).code
        else:
            answers[iid] = []
    return answers


def crisis_answers(instrument: engine.Instrument) -> dict[str, Any]:
    answers = calm_answers(instrument)
    crisis = instrument.crisis
    for iid in crisis["items"][:1]:
        item = instrument.items[iid]
        if crisis["score_above"] is not None:
            table = item.score_table()
            answers[iid] = next(
                v for v, s in table.items() if s is not None and s > crisis["score_above"]
            )
        else:
            answers[iid] = crisis["when"]
    return answers


def submit(client, instrument_id: str, answers: dict[str, Any]):
    return client.post(
        f"/api/v1/instruments/{instrument_id}/responses",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )


def test_the_pijntest_and_phq9_declare_crisis_items():
    assert {"pijntest", "phq9"} <= set(CRISIS_INSTRUMENTS)


@pytest.mark.parametrize("instrument_id", CRISIS_INSTRUMENTS)
def test_a_crisis_answer_carries_the_advice_in_the_api_answer_and_the_page(client, instrument_id):
    instrument = registry.get(instrument_id)
    answer = submit(client, instrument_id, crisis_answers(instrument))
    assert answer.status_code == 201
    body = answer.json()
    assert body["result"]["safety"]["crisis"] is True
    assert body["safety"]["crisis"] is True
    advice = body["safety"]["crisis_advice"]
    text = json.dumps(advice)
    assert all(part in text for part in ADVICE_PARTS)
    assert {c["href"] for c in advice["contacts"]} >= {"tel:113", "tel:08000113"}
    assert advice["emergency"]["href"] == "tel:112"
    # the stored response answers the same
    stored = client.get(f"/api/v1/responses/{body['id']}").json()
    assert stored["safety"]["crisis_advice"] == advice
    # and the page shows it at once, above the heading, with tel: links
    page = client.get(reverse("assessments:report", kwargs={"response_id": body["id"]}))
    assert page.status_code == 200
    main = page.content.decode()
    main = main[main.index("<main") :]
    assert main.index("panel-crisis") < main.index("<h1")
    assert all(link in main for link in TEL_LINKS)
    assert "113.nl" in main


@pytest.mark.parametrize("instrument_id", [i.id for i in registry.latest()])
def test_no_crisis_answer_no_crisis_advice(client, instrument_id):
    instrument = registry.get(instrument_id)
    body = submit(client, instrument_id, calm_answers(instrument)).json()
    assert body["result"]["safety"]["crisis"] is False
    assert body["safety"]["crisis"] is False and body["safety"]["crisis_advice"] is None
    page = client.get(reverse("assessments:report", kwargs={"response_id": body["id"]}))
    assert page.status_code == 200 and "panel-crisis" not in page.content.decode()


@pytest.mark.parametrize(("item9", "crisis"), [(0, False), (1, True), (2, True), (3, True)])
def test_phq9_item9(client, item9, crisis):
    answers = {f"phq9.{n}": 0 for n in range(1, 9)} | {"phq9.9": item9}
    body = submit(client, "phq9", answers).json()
    assert body["result"]["total"] == item9  # scoring unchanged
    assert body["result"]["safety"]["crisis"] is crisis
    assert (body["safety"]["crisis_advice"] is not None) is crisis
    html = client.get(reverse("assessments:report", kwargs={"response_id": body["id"]})).content
    assert (b'href="tel:113"' in html) is crisis


def test_an_old_stored_result_without_the_crisis_flag_is_judged_from_its_answers(client):
    answers = {f"phq9.{n}": 0 for n in range(1, 9)} | {"phq9.9": 1}
    old = Response.objects.create(
        instrument="phq9",
        version="1.0",
        status=Response.Status.COMPLETED,
        answers=answers,
        result={
            "instrument": "phq9",
            "version": "1.0",
            "total": 1,
            "band": "minimal",
            "crisis": True,
        },
        completed_at="2026-01-01T00:00:00Z",
    )
    assert services.is_crisis(old) is True
    assert client.get(f"/api/v1/responses/{old.pk}").json()["safety"]["crisis_advice"]


def test_crisis_without_advice_is_refused():
    base = LICENSED.format(version="1.0", top=4)
    with pytest.raises(engine.DefinitionError, match="advice"):
        engine.loads(base.replace("[[sections]]", '[crisis]\nitems = ["ps.1"]\n\n[[sections]]', 1))
    scored = base + '[[scoring]]\nkey = "crisis"\nkind = "any"\nitems = ["ps.1"]\nscore_above = 0\n'
    with pytest.raises(engine.DefinitionError, match=r"\[crisis\]"):
        engine.loads(scored)


def test_a_practice_file_naming_unknown_advice_is_skipped_and_reported(practice_folder):  # noqa: F811
    text = LICENSED.format(version="1.0", top=4).replace(
        "[[sections]]",
        '[crisis]\nitems = ["ps.1"]\nscore_above = 0\nadvice = "nowhere"\n\n[[sections]]',
        1,
    )
    (practice_folder / "bad.toml").write_text(text)
    registry.reload()
    with pytest.raises(registry.UnknownInstrument):
        registry.get("practice-scale")
    assert any("nowhere" in p for p in registry.problems())


def test_a_practice_file_with_crisis_advice_works(client, practice_folder):  # noqa: F811
    text = LICENSED.format(version="1.0", top=4).replace(
        "[[sections]]",
        '[crisis]\nitems = ["ps.2"]\nscore_above = 2\nadvice = "113"\n\n[[sections]]',
        1,
    )
    (practice_folder / "ok.toml").write_text(text)
    registry.reload()
    assert (
        submit(client, "practice-scale", {"ps.1": 4, "ps.2": 2}).json()["safety"]["crisis"] is False
    )
    assert (
        submit(client, "practice-scale", {"ps.1": 0, "ps.2": 3}).json()["safety"]["crisis"] is True
    )
