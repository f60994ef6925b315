"""Safety on every instrument and every way in: the crisis advice (docs/clinical.md), table-driven."""

import json
from typing import Any

import pytest
from django.urls import reverse

from lijfwijs.assessments import engine, labels, registry, services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.factories import pijntest_answers
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
    assert ('href="tel:113"' in main_of(html)) is crisis  # the footer has it on every page


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


# --- Red flags override the report --------------------------------------------------------------

PIJNTEST = registry.get("pijntest")
RED_FLAGS = [
    (iid, item.level) for iid, item in PIJNTEST.items.items() if iid.startswith("redflag.")
]
NEURO_ALL_YES = {iid: "yes" for iid in PIJNTEST.items if iid.startswith("neuro.")}
# Hidden under an override: where to start, the neuroplastic text, other exercises, the articles.
HIDDEN = (
    "Hier begin je",
    "Patronen in je pijn",
    "Waar je begint in het 5-stappenprogramma",
    "gevoelig geworden zenuwstelsel",
    "/oefeningen/schudden/",
    "/oefeningen/4-7-8-ademhaling/",
    "/oefeningen/bodyscan/",
    "/kennisbank/neuroplastische-pijn/",
    "/kennisbank/",
)


def red_flag_answers(flag: str) -> dict[str, Any]:
    """One red flag, every neuroplastic sign, chronic pain and a body in the action state: the
    answers that would otherwise bring shaking, 4-7-8 and the neuroplastic-pain article."""
    answers = pijntest_answers(**{flag: "yes"}) | NEURO_ALL_YES
    answers |= {f"state.sympathetic.{n}": 4 for n in (1, 2, 3)}
    return answers


def main_of(html: bytes) -> str:
    text = html.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_every_red_flag_has_a_level():
    assert len(RED_FLAGS) == 13 and all(level for _flag, level in RED_FLAGS)


@pytest.mark.parametrize(("flag", "level"), RED_FLAGS)
def test_a_red_flag_at_its_level_shows_its_advice_and_hides_what_it_overrides(
    client, content, flag, level
):
    body = submit(client, "pijntest", red_flag_answers(flag)).json()
    assert body["result"]["safety"]["level"] == level
    assert body["safety"]["level_advice"]
    url = reverse("assessments:report", kwargs={"response_id": body["id"]})
    first = main_of(client.get(url).content)
    assert f"panel-{level}" in first
    assert labels.with_links(labels.LEVEL_ADVICE[level]) in first  # 112 a tel: link in it
    overridden = level in services.OVERRIDE_LEVELS
    reco = body["result"]["recommendations"]
    if not overridden:
        assert "Hier begin je" in first and "Patronen in je pijn" in first
        assert reco["program_step"] is not None and reco["articles"]
        return
    # first screen: the advice, what to do now, come back later, and one link to the rest
    assert first.index(f"panel-{level}") < first.index("<h1")
    for step in labels.NOW_STEPS[level]:
        assert labels.with_links(step) in first
    assert "Kom terug naar de rest van je uitslag nadat een arts je heeft onderzocht." in first
    assert f'href="{url}?deel=rest"' in first and "De rest van je uitslag bekijken" in first
    for text in HIDDEN + ("Wat je zenuwstelsel belast", "/oefeningen/rustig-ademen/"):
        assert text not in first, text
    # the rest: the result itself, one seated breathing exercise, nothing it overrides
    rest = main_of(client.get(f"{url}?deel=rest").content)
    assert f"panel-{level}" in rest and "Wat je zenuwstelsel belast" in rest
    assert "/oefeningen/rustig-ademen/" in rest
    for text in HIDDEN:
        assert text not in rest, text
    # the API says the same
    assert reco == {
        "exercises": ["rustig-ademen"],
        "articles": [],
        "program_step": None,
        "reasons": {"rustig-ademen": {"kind": "safety", "code": level}},
        "overridden_by": level,
    }


def test_an_override_holds_for_a_result_scored_with_version_1_0(client, content):
    old = registry.get("pijntest", "1.0")
    answers = red_flag_answers("redflag.bladder")
    stored = Response.objects.create(
        instrument="pijntest",
        version="1.0",
        status=Response.Status.COMPLETED,
        answers=answers,
        result=engine.score(old, answers),
        completed_at="2026-01-01T00:00:00Z",
    )
    assert "neuroplastische-pijn" in stored.result["recommendations"]["articles"]
    url = reverse("assessments:report", kwargs={"response_id": stored.pk})
    rest = main_of(client.get(f"{url}?deel=rest").content)
    for text in HIDDEN:
        assert text not in rest, text
    assert services.recommendations_of(stored.result)["exercises"] == ["rustig-ademen"]


@pytest.mark.parametrize(("both_legs", "counted"), [("yes", False), ("no", True)])
def test_pain_in_both_legs_never_counts_as_a_neuroplastic_sign(both_legs, counted):
    answers = pijntest_answers(**{"redflag.both_legs": both_legs}) | {
        iid: "no" for iid in NEURO_ALL_YES
    }
    answers["neuro.8"] = "yes"
    neuro = engine.score(PIJNTEST, answers)["neuroplastic"]
    assert neuro["yes"] == (1 if counted else 0)
    assert neuro["asked"] == (10 if counted else 9)


def test_a_normal_result_is_not_overridden(client, content):
    body = submit(client, "pijntest", pijntest_answers()).json()
    html = main_of(
        client.get(reverse("assessments:report", kwargs={"response_id": body["id"]})).content
    )
    assert "Hier begin je" in html and "De rest van je uitslag bekijken" not in html


# --- The `safety_finding` hook: called once per stored response with a finding ---------------


@pytest.fixture
def finding_calls(monkeypatch):
    calls: list[str] = []
    real = services.hooks.functions

    def functions(hook: str):
        if hook == "safety_finding":
            return [calls.append]
        return real(hook)

    monkeypatch.setattr(services.hooks, "functions", functions)
    return calls


FINDINGS = [
    ("pijntest", {"crisis.thoughts": "yes"}, True),
    ("pijntest", {"redflag.bladder": "yes"}, True),
    ("pijntest", {"redflag.fever": "yes"}, True),
    ("pijntest", {"redflag.weight_loss": "yes"}, False),
    ("pijntest", {}, False),
    ("phq9", {"phq9.9": 1}, True),
    ("phq9", {"phq9.9": 0}, False),
]


def answers_with(instrument_id: str, overrides: dict[str, Any]) -> dict[str, Any]:
    if instrument_id == "pijntest":
        return pijntest_answers(**overrides)
    return calm_answers(registry.get(instrument_id)) | overrides


@pytest.mark.parametrize(("instrument_id", "overrides", "finding"), FINDINGS)
def test_the_api_calls_the_hook_once_per_stored_response_with_a_finding(
    client, finding_calls, instrument_id, overrides, finding
):
    answers = answers_with(instrument_id, overrides)
    url = f"/api/v1/instruments/{instrument_id}/responses"
    first = client.post(
        url,
        data=json.dumps({"answers": answers}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    again = client.post(
        url,
        data=json.dumps({"answers": answers}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert finding_calls == ([first.json()["id"]] if finding else [])


@pytest.mark.parametrize(
    ("overrides", "finding"), [(o, f) for i, o, f in FINDINGS if i == "pijntest"]
)
def test_the_pages_call_the_hook_once_when_the_pijntest_is_completed(
    client, content, finding_calls, overrides, finding
):
    from lijfwijs.assessments.tests.test_pijntest_pages import take_test

    take_test(client, pijntest_answers(**overrides))
    stored = Response.objects.get()
    assert stored.is_completed
    assert finding_calls == ([stored.pk] if finding else [])
    services.complete(stored)  # a double submit stores nothing and calls nothing
    assert len(finding_calls) == (1 if finding else 0)


def test_a_finding_taken_before_signing_in_is_reported_when_claimed(
    finding_calls, django_user_model
):
    from lijfwijs.accounts.services import give_health_consent

    answers = pijntest_answers(**{"crisis.thoughts": "yes"})
    outcome = services.submit("pijntest", answers, language="nl")
    assert finding_calls == [outcome.response.pk]
    user = django_user_model.objects.create_user(
        email="claim@example.org", password="x-long-pass-1"
    )
    give_health_consent(user)
    assert services.claim(user, [outcome.response.pk]) == 1
    assert finding_calls == [outcome.response.pk, outcome.response.pk]
    assert services.claim(user, [outcome.response.pk]) == 0
    assert len(finding_calls) == 2


# --- Wording: describe, never attribute or predict; one wording per validated item -------------

ATTRIBUTING = ("weefsel", "hersteld", "vooral door", "wordt gemaakt", "het meest", "snelste weg")
ATTRIBUTING_EN = ("tissue", "healed", "mainly made", "brings the most", "producing pain")


def test_no_attributing_or_predicting_words_in_the_current_instruments_and_report():
    from pathlib import Path

    here = Path(services.__file__).resolve().parent
    texts = [str(v) for v in labels.DOMAIN_WHY.values()]
    texts += [str(v) for v in (*labels.STATE_TEXT.values(), *labels.NEURO_BANDS.values())]
    texts += [
        (here / "templates/assessments" / n).read_text() for n in ("report.html", "result.html")
    ]
    for instrument in registry.latest():
        for section in instrument.sections:
            texts += [*section.intro.values(), *section.title.values()]
            for item in section.items:
                texts += [*item.text.values(), *item.help.values()]
        texts += list(instrument.description.values())
    joined = "\n".join(texts).lower()
    for word in ATTRIBUTING + ATTRIBUTING_EN:
        assert word not in joined, word


# Validated items that more than one instrument asks: the same words everywhere.
SAME_ITEM = [
    (("pijntest", "phq4.nervous"), ("phq4", "phq4.nervous"), ("gad7", "gad7.1")),
    (("pijntest", "phq4.worry"), ("phq4", "phq4.worry"), ("gad7", "gad7.2")),
    (("pijntest", "phq4.interest"), ("phq4", "phq4.interest"), ("phq9", "phq9.1")),
    (("pijntest", "phq4.down"), ("phq4", "phq4.down"), ("phq9", "phq9.2")),
    (("pijntest", "peg.pain"), ("peg3", "peg.pain")),
    (("pijntest", "peg.enjoyment"), ("peg3", "peg.enjoyment")),
    (("pijntest", "peg.activity"), ("peg3", "peg.activity")),
]


@pytest.mark.parametrize("places", SAME_ITEM)
def test_one_dutch_wording_per_validated_item(places):
    items = [registry.get(i).items[iid] for i, iid in places]
    assert len({item.text["nl"] for item in items}) == 1
    assert len({item.text["en"] for item in items}) == 1
    assert (
        len({tuple(sorted((k, v["nl"]) for k, v in item.anchors.items())) for item in items}) == 1
    )


def test_the_cauda_equina_items_ask_new_or_worsening_and_cancer_new_or_different():
    for iid in ("redflag.bladder", "redflag.saddle", "redflag.bowel_sexual", "redflag.both_legs"):
        text = PIJNTEST.items[iid].text
        assert "sinds kort" in text["nl"] or "nieuwe" in text["nl"], iid
        assert "new" in text["en"], iid
    for iid in ("redflag.saddle", "redflag.both_legs"):
        assert (
            "erger" in PIJNTEST.items[iid].text["nl"]
            and "worsening" in PIJNTEST.items[iid].text["en"]
        )
    assert "nieuw of anders" in PIJNTEST.items["redflag.cancer"].text["nl"]
    assert PIJNTEST.items["redflag.cancer"].level == "same_day"
    assert PIJNTEST.items["redflag.cancer_known"].level == "routine"


@pytest.mark.parametrize(
    ("total", "band", "words"),
    [
        (0, "none", "niet op veel"),
        (3, "mild", "wordt het zwaarder"),
        (6, "moderate", "Maak een afspraak"),
        (12, "severe", "deze week"),
    ],
)
def test_phq4_advice_is_graded_by_band_with_the_gp_and_poh_ggz(client, total, band, words):
    values = {"phq4.nervous": 0, "phq4.worry": 0, "phq4.interest": 0, "phq4.down": 0}
    for iid in values:
        step = min(3, total)
        values[iid], total = step, total - step
    body = submit(client, "phq4", values).json()
    assert body["result"]["band"] == band
    html = client.get(
        reverse("assessments:report", kwargs={"response_id": body["id"]})
    ).content.decode()
    assert words in html
    assert ("POH-GGZ" in html) is (band != "none")
    # the severe advice names 113, 0800-0113 and 112: each one a tap away (the footer aside)
    assert all(link in main_of(html.encode()) for link in TEL_LINKS) is (band == "severe")
    pijntest = submit(client, "pijntest", pijntest_answers(**values)).json()
    page = client.get(reverse("assessments:report", kwargs={"response_id": pijntest["id"]}))
    assert words in page.content.decode()
    assert all(link in main_of(page.content) for link in TEL_LINKS) is (band == "severe")


@pytest.mark.parametrize(
    ("item", "shown"),
    [("nijmegen.1", True), ("nijmegen.15", True), ("nijmegen.8", True), ("nijmegen.2", False)],
)
def test_nijmegen_chest_pain_or_palpitations_ask_a_doctor_first(client, item, shown):
    answers = {f"nijmegen.{n}": 0 for n in range(1, 17)} | {item: 2}
    body = submit(client, "nijmegen", answers).json()
    html = client.get(
        reverse("assessments:report", kwargs={"response_id": body["id"]})
    ).content.decode()
    assert ("hart of longen" in html) is shown
    assert ('<a href="tel:112">112</a>' in main_of(html.encode())) is shown


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_with_links_makes_the_crisis_numbers_tel_links_and_escapes_the_rest(lang):
    from django.utils import translation

    with translation.override(lang):
        advice = labels.with_links(labels.CRISIS_ADVICE["113"]["summary"])
        assert '<a href="tel:113">113</a>' in advice
        assert '<a href="tel:08000113">0800-0113</a>' in advice
        assert '<a href="tel:112">112</a>' in advice
        assert '<a href="https://www.113.nl">113.nl</a>' in advice
    odd = labels.with_links('<b>"1123"</b> & 0800-01130 or 112, 113.')
    assert odd == (
        '&lt;b&gt;&quot;1123&quot;&lt;/b&gt; &amp; 0800-01130 or <a href="tel:112">112</a>, '
        '<a href="tel:113">113</a>.'
    )


def test_the_red_flag_reports_first_screen_holds_the_advice_with_a_tel_link(client, content):
    body = submit(client, "pijntest", red_flag_answers("redflag.saddle")).json()
    first = main_of(
        client.get(reverse("assessments:report", kwargs={"response_id": body["id"]})).content
    )
    assert first.index("panel-urgent") < first.index('href="tel:112"') < first.index("<h1")


def test_the_start_page_says_lijfwijs_is_for_adults(client):
    html = client.get(reverse("assessments:start")).content.decode()
    assert "18 jaar en ouder" in html


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("redflag.bladder", "rode vlag: nu naar een arts"),
        ("redflag.fever", "rode vlag: vandaag naar de huisarts"),
        ("redflag.weight_loss", "binnen enkele dagen naar de huisarts"),
        ("redflag.morning_stiffness", "bespreken bij de huisarts"),
    ],
)
def test_the_practitioner_sees_the_red_flag_level_in_words(content, flag, words):
    from lijfwijs.accounts.tests.helpers import (
        give_access,
        make_client_user,
        make_practitioner,
        signed_in_browser,
    )

    person, practitioner = make_client_user("p@example.org"), make_practitioner("t@example.org")
    give_access(person, practitioner)
    services.claim(
        person,
        [services.submit("pijntest", pijntest_answers(**{flag: "yes"}), language="nl").response.pk],
    )
    # the Pijntests are on the client's timeline (the record's "Tijdlijn" tab)
    html = (
        signed_in_browser(practitioner)
        .get(f"/praktijk/clienten/{person.pk}/tijdlijn/")
        .content.decode()
    )
    assert words in html
    assert ">same_day<" not in html and ">urgent<" not in html


# --- The safety net where the PEG gets worse ---------------------------------------------------

SAFETY_NET_START = "Verandert je pijn van karakter"


def test_safety_net_line_is_the_diarys():
    from lijfwijs.diary.safety import safety_net_line

    assert str(labels.SAFETY_NET) == safety_net_line()


@pytest.mark.parametrize(
    ("before", "after", "net", "gp"),
    [
        ((5, 5, 5), (5, 5, 5), False, False),
        ((5, 5, 5), (4, 4, 4), False, False),
        ((4, 4, 4), (5, 4, 4), True, False),  # 4.0 → 4.3: worse, less than the 1 point
        ((4, 4, 4), (5, 5, 5), True, True),
        ((2, 2, 2), (8, 8, 8), True, True),
    ],
)
@pytest.mark.parametrize("instrument_id", ["pijntest", "peg3"])
def test_a_worse_peg_than_last_time_shows_the_safety_net(
    content, instrument_id, before, after, net, gp
):
    from datetime import timedelta

    from django.utils import timezone

    from lijfwijs.accounts.tests.helpers import make_client_user, signed_in_browser

    person = make_client_user("net@example.org")
    ids = []
    for n, value in enumerate((before, after)):
        peg = dict(zip(("peg.pain", "peg.enjoyment", "peg.activity"), value, strict=True))
        answers = pijntest_answers(**peg) if instrument_id == "pijntest" else peg
        outcome = services.submit(instrument_id, answers, language="nl", user=person)
        Response.objects.filter(pk=outcome.response.pk).update(
            completed_at=timezone.now() - timedelta(days=10 - n)
        )
        ids.append(outcome.response.pk)
    browser = signed_in_browser(person)
    html = browser.get(
        reverse("assessments:report", kwargs={"response_id": ids[1]})
    ).content.decode()
    assert (SAFETY_NET_START in html) is net
    assert ("huisarts of fysiotherapeut" in html) is gp
    # the earlier result shows no safety net (nothing came before it)
    first = browser.get(
        reverse("assessments:report", kwargs={"response_id": ids[0]})
    ).content.decode()
    assert SAFETY_NET_START not in first
    if instrument_id == "pijntest":
        page = browser.get(
            reverse("assessments:compare"), {"a": ids[0], "b": ids[1]}
        ).content.decode()
        assert (SAFETY_NET_START in page) is net
        assert ("huisarts of fysiotherapeut" in page) is gp
