"""The validated instrument files, scored against their published keys.

Pure engine tests: no database, no Django. Every case is a row in a table; the expected values
are the published cut-offs (PEG: Krebs 2009; PHQ-4: Kroenke 2009; PHQ-9: Kroenke 2001;
GAD-7: Spitzer 2006; Nijmegen: van Dixhoorn & Duivenvoorden 1985).
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from lijfwijs.assessments import engine
from lijfwijs.assessments.engine import Problem

INSTRUMENTS_DIR = Path(engine.__file__).parent / "instruments"
OURS = ("peg3", "phq4", "phq9", "gad7", "nijmegen")
# The current version of each (peg3 1.1: the items in the same Dutch as the Pijntest's).
VERSIONS = {"peg3": "1.1", "phq4": "1.0", "phq9": "1.0", "gad7": "1.0", "nijmegen": "1.0"}


@cache
def load(name: str) -> engine.Instrument:
    return engine.load_file(INSTRUMENTS_DIR / f"{name}.toml")


def answers_for_total(instr: engine.Instrument, total: int, backwards: bool = False) -> dict:
    """A complete answer set with the given sum, filling items one by one up to their maximum."""
    ids = list(instr.items)
    if backwards:
        ids.reverse()
    answers = {}
    left = total
    for iid in ids:
        item = instr.items[iid]
        answers[iid] = min(item.max, left)
        left -= answers[iid]
    assert left == 0, f"{total} is more than {instr.id} can score"
    return answers


def scored(name: str, answers: dict) -> dict:
    instr = load(name)
    clean, problems = engine.validate(instr, answers)
    assert problems == {}
    return engine.score(instr, clean)


# ---------------------------------------------------------------------------------------------
# The files themselves

EXPECTED_ITEMS = {
    "peg3": ["peg.pain", "peg.enjoyment", "peg.activity"],
    "phq4": ["phq4.nervous", "phq4.worry", "phq4.interest", "phq4.down"],
    "phq9": [f"phq9.{n}" for n in range(1, 10)],
    "gad7": [f"gad7.{n}" for n in range(1, 8)],
    "nijmegen": [f"nijmegen.{n}" for n in range(1, 17)],
}
RANGES = {"peg3": (0, 10), "phq4": (0, 3), "phq9": (0, 3), "gad7": (0, 3), "nijmegen": (0, 4)}
CITATIONS = {
    "peg3": ("Krebs EE", "J Gen Intern Med", "2009;24(6):733-738"),
    "phq4": ("Kroenke K", "Psychosomatics", "2009;50(6):613-621"),
    "phq9": ("Kroenke K, Spitzer RL, Williams JBW", "J Gen Intern Med", "2001;16(9):606-613"),
    "gad7": ("Spitzer RL", "Arch Intern Med", "2006;166(10):1092-1097"),
    "nijmegen": ("van Dixhoorn J, Duivenvoorden HJ", "J Psychosom Res", "1985;29(2):199-206"),
}
RESULT_KEYS = {
    "peg3": {"peg"},
    "phq4": {"total", "anxiety", "depression", "band", "anxiety_positive", "depression_positive"},
    "phq9": {"total", "band", "crisis"},
    "gad7": {"total", "band"},
    "nijmegen": {"total", "positive", "positive_lenient"},
}
FREQUENCY_LABELS = [
    ("Helemaal niet", "Not at all"),
    ("Meerdere dagen", "Several days"),
    ("Meer dan de helft van de dagen", "More than half the days"),
    ("Bijna elke dag", "Nearly every day"),
]
NIJMEGEN_LABELS = [
    ("nooit", "never"),
    ("zelden", "rarely"),
    ("soms", "sometimes"),
    ("vaak", "often"),
    ("zeer vaak", "very often"),
]
NIJMEGEN_SYMPTOMS = [
    "pijn op de borst",
    "gespannen gevoel",
    "wazig zien",
    "duizeligheid",
    "verward gevoel",
    "snellere of diepere ademhaling",
    "kortademigheid",
    "beklemd gevoel op de borst",
    "opgeblazen gevoel in de buik",
    "tintelende vingers",
    "niet diep kunnen doorademen",
    "stijve vingers of armen",
    "stijf gevoel rond de mond",
    "koude handen of voeten",
    "hartkloppingen",
    "angstig gevoel",
]


@pytest.mark.parametrize("name", OURS)
def test_header(name):
    instr = load(name)
    assert instr.id == name
    assert instr.version == VERSIONS[name]
    assert instr.kind == "validated"
    assert instr.languages == ("nl", "en")
    for lang in ("nl", "en"):
        assert instr.title.get(lang, "").strip()
        assert instr.description.get(lang, "").strip()
    for fragment in CITATIONS[name]:
        assert fragment in instr.source["citation"]
    assert instr.licence.get("name", "").strip()
    assert instr.licence.get("note", "").strip()


@pytest.mark.parametrize("name", OURS)
def test_items_sections_and_labels_in_both_languages(name):
    instr = load(name)
    assert list(instr.items) == EXPECTED_ITEMS[name]
    assert len(instr.sections) == 1
    section = instr.sections[0]
    assert [i.id for i in section.items] == EXPECTED_ITEMS[name]
    for lang in ("nl", "en"):
        assert section.title.get(lang, "").strip()
        assert section.intro.get(lang, "").strip()
    lo, hi = RANGES[name]
    for item in instr.items.values():
        assert (item.type, item.min, item.max, item.required, item.reverse) == (
            "scale",
            lo,
            hi,
            True,
            False,
        )
        assert item.text.get("nl", "").strip(), item.id
        assert item.text.get("en", "").strip(), item.id
        if name == "peg3":
            assert set(item.anchors) == {"min", "max"}
            for anchor in item.anchors.values():
                assert anchor.get("nl", "").strip() and anchor.get("en", "").strip()
        else:
            assert [o.code for o in item.options] == list(range(lo, hi + 1))
            assert [o.score for o in item.options] == list(range(lo, hi + 1))
            for option in item.options:
                assert option.label.get("nl", "").strip() and option.label.get("en", "").strip()


@pytest.mark.parametrize("name", ["phq4", "phq9", "gad7"])
def test_phq_gad_frequency_labels(name):
    for item in load(name).items.values():
        assert [(o.label["nl"], o.label["en"]) for o in item.options] == FREQUENCY_LABELS


def test_nijmegen_labels_and_symptom_order():
    instr = load("nijmegen")
    for item in instr.items.values():
        assert [(o.label["nl"].lower(), o.label["en"].lower()) for o in item.options] == (
            NIJMEGEN_LABELS
        )
    assert [i.text["nl"].lower() for i in instr.items.values()] == NIJMEGEN_SYMPTOMS
    assert "Dutch" in instr.licence["note"]


def test_phq4_items_are_gad2_and_phq2():
    phq4, phq9, gad7 = load("phq4"), load("phq9"), load("gad7")
    pairs = {
        "phq4.nervous": gad7.items["gad7.1"],
        "phq4.worry": gad7.items["gad7.2"],
        "phq4.interest": phq9.items["phq9.1"],
        "phq4.down": phq9.items["phq9.2"],
    }
    for iid, original in pairs.items():
        assert phq4.items[iid].text == original.text


def test_peg_dutch_is_marked_as_our_translation():
    instr = load("peg3")
    assert "Lijfwijs" in instr.source["translation"]
    assert "eigen vertaling" in instr.source["translation"]
    assert "eigen vertaling" in instr.description["nl"]
    assert "own translation" in instr.description["en"]


@pytest.mark.parametrize("name", OURS)
def test_result_keys(name):
    instr = load(name)
    result = engine.score(instr, answers_for_total(instr, 0))
    assert set(result) == RESULT_KEYS[name] | {"instrument", "version", "safety"}
    assert result["safety"] == {"crisis": False}
    assert (result["instrument"], result["version"]) == (name, VERSIONS[name])


# ---------------------------------------------------------------------------------------------
# Scoring against the published keys

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]
PHQ4_BANDS = [
    (0, "none"),
    (2, "none"),
    (3, "mild"),
    (5, "mild"),
    (6, "moderate"),
    (8, "moderate"),
    (9, "severe"),
    (12, "severe"),
]
BAND_CASES = (
    [("phq9", t, b) for t, b in PHQ9_BANDS]
    + [("gad7", t, b) for t, b in GAD7_BANDS]
    + [("phq4", t, b) for t, b in PHQ4_BANDS]
)


@pytest.mark.parametrize("backwards", [False, True], ids=["first-items", "last-items"])
@pytest.mark.parametrize(("name", "total", "band"), BAND_CASES)
def test_total_and_band(name, total, band, backwards):
    result = scored(name, answers_for_total(load(name), total, backwards))
    assert result["total"] == total
    assert result["band"] == band


def published_band(name: str, total: int) -> str:
    """The published keys written out independently of the files."""
    if name == "phq9":
        cuts = [(4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately_severe")]
        last = "severe"
    elif name == "gad7":
        cuts, last = [(4, "minimal"), (9, "mild"), (14, "moderate")], "severe"
    else:
        cuts, last = [(2, "none"), (5, "mild"), (8, "moderate")], "severe"
    return next((code for upto, code in cuts if total <= upto), last)


@pytest.mark.parametrize(("name", "maximum"), [("phq9", 27), ("gad7", 21), ("phq4", 12)])
def test_every_total_has_the_published_band(name, maximum):
    instr = load(name)
    for total in range(maximum + 1):
        result = engine.score(instr, answers_for_total(instr, total))
        assert (result["total"], result["band"]) == (total, published_band(name, total))
    with pytest.raises(AssertionError):
        answers_for_total(instr, maximum + 1)


@pytest.mark.parametrize(
    ("nervous", "worry", "interest", "down", "anxiety", "depression", "anx_pos", "dep_pos"),
    [
        (0, 0, 0, 0, 0, 0, False, False),
        (1, 1, 1, 1, 2, 2, False, False),
        (2, 0, 0, 2, 2, 2, False, False),
        (2, 1, 0, 0, 3, 0, True, False),
        (0, 3, 1, 1, 3, 2, True, False),
        (0, 0, 1, 2, 0, 3, False, True),
        (1, 1, 3, 0, 2, 3, False, True),
        (3, 0, 0, 3, 3, 3, True, True),
        (3, 3, 3, 3, 6, 6, True, True),
    ],
)
def test_phq4_subscales(nervous, worry, interest, down, anxiety, depression, anx_pos, dep_pos):
    answers = {
        "phq4.nervous": nervous,
        "phq4.worry": worry,
        "phq4.interest": interest,
        "phq4.down": down,
    }
    result = scored("phq4", answers)
    assert result["total"] == anxiety + depression
    assert (result["anxiety"], result["depression"]) == (anxiety, depression)
    assert result["anxiety_positive"] is anx_pos
    assert result["depression_positive"] is dep_pos
    assert result["band"] == published_band("phq4", anxiety + depression)


@pytest.mark.parametrize(("item9", "crisis"), [(0, False), (1, True), (2, True), (3, True)])
@pytest.mark.parametrize("others", [0, 3], ids=["others-0", "others-3"])
def test_phq9_item9_opens_crisis(item9, crisis, others):
    answers = {f"phq9.{n}": others for n in range(1, 9)} | {"phq9.9": item9}
    result = scored("phq9", answers)
    assert result["crisis"] is crisis
    assert result["total"] == 8 * others + item9


@pytest.mark.parametrize(
    ("total", "positive", "lenient"),
    [
        (0, False, False),
        (19, False, False),
        (20, False, True),
        (22, False, True),
        (23, True, True),
        (24, True, True),
        (64, True, True),
    ],
)
@pytest.mark.parametrize("backwards", [False, True], ids=["first-items", "last-items"])
def test_nijmegen_cut_offs(total, positive, lenient, backwards):
    result = scored("nijmegen", answers_for_total(load("nijmegen"), total, backwards))
    assert result["total"] == total
    assert result["positive"] is positive
    assert result["positive_lenient"] is lenient


@pytest.mark.parametrize(
    ("pain", "enjoyment", "activity", "peg"),
    [
        (0, 0, 0, 0.0),
        (6, 7, 6, 6.3),
        (0, 0, 1, 0.3),
        (5, 5, 6, 5.3),
        (2, 3, 3, 2.7),
        (1, 2, 2, 1.7),
        (9, 10, 10, 9.7),
        (4, 4, 5, 4.3),
        (3, 6, 9, 6.0),
        (10, 10, 10, 10.0),
    ],
)
def test_peg_mean_one_decimal(pain, enjoyment, activity, peg):
    answers = {"peg.pain": pain, "peg.enjoyment": enjoyment, "peg.activity": activity}
    assert scored("peg3", answers)["peg"] == peg


def test_peg_every_answer_set_is_the_mean_rounded_half_up():
    # With three items the mean never ends in exactly .x5, so half-up and half-even agree here;
    # the check still pins the rounding to one decimal for all 1331 answer sets.
    instr = load("peg3")
    for values in itertools.product(range(11), repeat=3):
        answers = dict(zip(EXPECTED_ITEMS["peg3"], values, strict=True))
        expected = (Decimal(sum(values)) / 3).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert engine.score(instr, answers)["peg"] == float(expected)


# ---------------------------------------------------------------------------------------------
# Validation


def zeros(name: str) -> dict:
    return {iid: 0 for iid in load(name).items}


@pytest.mark.parametrize("name", OURS)
def test_complete_answers_are_clean(name):
    instr = load(name)
    answers = answers_for_total(instr, sum(i.max for i in instr.items.values()))
    assert engine.validate(instr, answers) == (answers, {})


@pytest.mark.parametrize("name", OURS)
def test_missing_required_item(name):
    instr = load(name)
    first, last = EXPECTED_ITEMS[name][0], EXPECTED_ITEMS[name][-1]
    for missing in (first, last):
        answers = zeros(name)
        del answers[missing]
        clean, problems = engine.validate(instr, answers)
        assert problems == {missing: Problem("required")}
        assert missing not in clean
        for empty in (None, ""):
            _, problems = engine.validate(instr, answers | {missing: empty})
            assert problems == {missing: Problem("required")}
        # a draft may leave it out
        assert engine.validate(instr, answers, partial=True) == (answers, {})


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("offset", [-1, 1, 100], ids=["below-min", "above-max", "far-above"])
def test_out_of_range(name, offset):
    instr = load(name)
    lo, hi = RANGES[name]
    iid = EXPECTED_ITEMS[name][1]
    value = lo + offset if offset < 0 else hi + offset
    clean, problems = engine.validate(instr, zeros(name) | {iid: value})
    assert problems == {iid: Problem("out_of_range", {"min": lo, "max": hi})}
    assert iid not in clean


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("value", ["2", 2.0, True, [2], "twee"], ids=repr)
def test_not_a_number(name, value):
    instr = load(name)
    lo, hi = RANGES[name]
    iid = EXPECTED_ITEMS[name][0]
    _, problems = engine.validate(instr, zeros(name) | {iid: value})
    assert problems == {iid: Problem("not_a_number", {"min": lo, "max": hi})}


@pytest.mark.parametrize(
    ("name", "unknown"),
    [
        ("peg3", "peg.sleep"),
        ("phq4", "phq4.sleep"),
        ("phq9", "phq9.10"),
        ("gad7", "gad7.8"),
        ("nijmegen", "nijmegen.17"),
    ],
)
def test_unknown_item(name, unknown):
    instr = load(name)
    clean, problems = engine.validate(instr, zeros(name) | {unknown: 1})
    assert problems == {unknown: Problem("unknown_item")}
    assert unknown not in clean
    # a page check (`only`) ignores fields that belong elsewhere
    first = EXPECTED_ITEMS[name][0]
    assert engine.validate(instr, {first: 1, unknown: 1}, only=[first]) == ({first: 1}, {})


# ---------------------------------------------------------------------------------------------
# Describe


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_describe(name, lang):
    instr = load(name)
    d = engine.describe(instr, lang)
    assert (d["id"], d["version"], d["kind"], d["language"]) == (
        name,
        VERSIONS[name],
        "validated",
        lang,
    )
    assert d["title"] == instr.title[lang]
    assert d["source"]["citation"] == instr.source["citation"]
    assert d["licence"] == instr.licence
    (section,) = d["sections"]
    assert section["intro"] == instr.sections[0].intro[lang]
    assert [i["id"] for i in section["items"]] == EXPECTED_ITEMS[name]
    lo, hi = RANGES[name]
    for described in section["items"]:
        item = instr.items[described["id"]]
        assert described["text"] == item.text[lang]
        assert (described["type"], described["min"], described["max"]) == ("scale", lo, hi)
        assert described["required"] is True
        if name == "peg3":
            assert described["anchors"] == {k: v[lang] for k, v in item.anchors.items()}
            assert "options" not in described
        else:
            assert described["options"] == [
                {"code": v, "score": v, "label": item.options[v].label[lang]}
                for v in range(lo, hi + 1)
            ]


def test_describe_english_texts():
    d = engine.describe(load("phq9"), "en")
    items = d["sections"][0]["items"]
    assert items[0]["text"] == "Little interest or pleasure in doing things"
    assert items[8]["text"].startswith("Thoughts that you would be better off dead")
    assert [o["label"] for o in items[0]["options"]] == [en for _, en in FREQUENCY_LABELS]
    assert [(o["code"], o["score"]) for o in items[0]["options"]] == [(v, v) for v in range(4)]
    peg = engine.describe(load("peg3"), "en")["sections"][0]["items"][0]
    assert peg["anchors"] == {"min": "No pain", "max": "Pain as bad as you can imagine"}
    nijmegen = engine.describe(load("nijmegen"), "en")["sections"][0]["items"]
    assert nijmegen[0]["text"] == "Chest pain"
    assert [o["label"] for o in nijmegen[0]["options"]][-1] == "Very often"
