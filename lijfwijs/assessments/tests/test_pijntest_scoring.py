"""The Pijntest's result rules (docs/pijntest.md), table-driven on the pure engine."""

import pytest

from lijfwijs.assessments import engine, registry
from lijfwijs.assessments.tests.factories import pijntest_answers


def score(**overrides):
    instrument = registry.get("pijntest")
    clean, problems = engine.validate(instrument, pijntest_answers(**overrides))
    assert problems == {}
    return engine.score(instrument, clean)


def test_result_has_the_contract_shape():
    r = score()
    assert r["instrument"] == "pijntest" and r["version"]
    assert set(r) >= {
        "safety",
        "pain",
        "phq4",
        "state",
        "domains",
        "priority_domains",
        "neuroplastic",
        "recommendations",
    }
    assert set(r["safety"]) == {"level", "flags", "crisis"}
    assert set(r["pain"]) == {"duration", "chronic", "peg", "regions"}
    assert set(r["state"]) == {"ventral", "sympathetic", "dorsal", "dominant"}
    assert list(r["domains"]) == ["stress", "breathing", "movement", "nutrition", "sleep", "immune"]
    assert set(r["recommendations"]) >= {"exercises", "articles", "program_step"}


@pytest.mark.parametrize(
    "flags,level",
    [
        ({}, "none"),
        ({"redflag.morning_stiffness": "yes"}, "routine"),
        ({"redflag.weight_loss": "yes"}, "days"),
        ({"redflag.age_onset": "yes", "redflag.morning_stiffness": "yes"}, "days"),
        ({"redflag.fever": "yes"}, "same_day"),
        ({"redflag.cancer": "yes", "redflag.night_pain": "yes"}, "same_day"),
        ({"redflag.trauma": "yes"}, "same_day"),
        ({"redflag.bladder": "yes"}, "urgent"),
        ({"redflag.saddle": "yes"}, "urgent"),
        ({"redflag.bowel_sexual": "yes"}, "urgent"),
        ({"redflag.both_legs": "yes"}, "urgent"),
        ({"redflag.leg_weakness": "yes", "redflag.fever": "yes"}, "urgent"),
    ],
)
def test_safety_level_is_the_highest_flag(flags, level):
    r = score(**flags)
    assert r["safety"]["level"] == level
    # the draft's safety panel scores only the safety rules: same answer
    partial = engine.score(registry.get("pijntest"), pijntest_answers(**flags), only="safety.")
    assert partial["safety"] == r["safety"] and "domains" not in partial
    assert r["safety"]["flags"] == [f for f in registry.get("pijntest").items if f in flags]


def test_crisis_answer():
    assert score()["safety"]["crisis"] is False
    assert score(**{"crisis.thoughts": "yes"})["safety"]["crisis"] is True


@pytest.mark.parametrize(
    "peg,expected",
    [
        ((6, 7, 6), 6.3),
        ((0, 0, 0), 0.0),
        ((10, 10, 10), 10.0),
        ((0, 0, 1), 0.3),
        ((5, 5, 6), 5.3),
        ((1, 2, 2), 1.7),
    ],
)
def test_peg_is_the_mean_with_one_decimal(peg, expected):
    r = score(**{"peg.pain": peg[0], "peg.enjoyment": peg[1], "peg.activity": peg[2]})
    assert r["pain"]["peg"] == expected


@pytest.mark.parametrize(
    "duration,chronic", [("lt6w", False), ("6to12w", False), ("3to12m", True), ("gt1y", True)]
)
def test_chronic_from_duration(duration, chronic):
    assert score(**{"pain.duration": duration})["pain"]["chronic"] is chronic


@pytest.mark.parametrize(
    "items,total,band,anx,dep",
    [
        ((0, 0, 0, 0), 0, "none", False, False),
        ((1, 1, 0, 0), 2, "none", False, False),
        ((2, 1, 0, 0), 3, "mild", True, False),
        ((0, 0, 2, 1), 3, "mild", False, True),
        ((2, 2, 1, 0), 5, "mild", True, False),
        ((2, 2, 1, 1), 6, "moderate", True, False),
        ((3, 3, 2, 0), 8, "moderate", True, False),
        ((3, 3, 2, 1), 9, "severe", True, True),
        ((3, 3, 3, 3), 12, "severe", True, True),
    ],
)
def test_phq4_bands_and_screens(items, total, band, anx, dep):
    keys = ["phq4.nervous", "phq4.worry", "phq4.interest", "phq4.down"]
    r = score(**dict(zip(keys, items, strict=True)))["phq4"]
    assert (r["total"], r["band"], r["anxiety_positive"], r["depression_positive"]) == (
        total,
        band,
        anx,
        dep,
    )
    assert r["anxiety"] == items[0] + items[1] and r["depression"] == items[2] + items[3]


def _domain(name, values):
    return {f"domain.{name}.{n}": v for n, v in enumerate(values, start=1)}


def _load(name, level):
    """Every item of a domain answered so that each carries `level` (0-4) of load."""
    items = registry.get("pijntest").items
    out = {}
    for n in range(1, 5):
        item = items[f"domain.{name}.{n}"]
        out[item.id] = engine.reverse_value(item, level) if item.reverse else level
    return out


@pytest.mark.parametrize(
    "values,percent",
    [
        # item 4 of stress is reversed: answering 4 there is a load of 0
        ((0, 0, 0, 4), 0),
        ((4, 4, 4, 0), 100),
        ((1, 1, 0, 4), 13),  # 2/16 = 12.5 → 13 (halves up)
        ((1, 0, 0, 4), 6),  # 1/16 = 6.25 → 6
        ((2, 2, 2, 2), 50),
        ((3, 0, 0, 4), 19),  # 3/16 = 18.75 → 19
    ],
)
def test_domain_percent_rounds_half_up(values, percent):
    assert score(**_domain("stress", values))["domains"]["stress"] == percent


def test_priority_domains_are_the_two_highest_with_ties_in_listed_order():
    flat = {}
    for name in ("stress", "breathing", "movement", "nutrition", "sleep", "immune"):
        flat.update(_load(name, 2))
    assert score(**flat)["priority_domains"] == ["stress", "breathing"]
    flat.update(_load("sleep", 4))
    assert score(**flat)["priority_domains"] == ["sleep", "stress"]
    flat.update(_load("immune", 4))
    assert score(**flat)["priority_domains"] == ["sleep", "immune"]


def _states(v, s, d):
    out = {}
    for name, values in (("ventral", v), ("sympathetic", s), ("dorsal", d)):
        out.update({f"state.{name}.{n}": x for n, x in enumerate(values, start=1)})
    return out


@pytest.mark.parametrize(
    "v,s,d,expected,dominant",
    [
        ((0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), None),
        ((1, 1, 1), (2, 2, 2), (1, 1, 1), (25, 50, 25), "sympathetic"),
        (
            (1, 0, 0),
            (1, 0, 0),
            (1, 0, 0),
            (33, 34, 33),
            "sympathetic",
        ),  # equal remainders: sympathetic first
        ((1, 0, 0), (0, 0, 0), (1, 0, 0), (50, 0, 50), "dorsal"),  # tie: dorsal before ventral
        ((4, 4, 4), (0, 0, 0), (0, 0, 0), (100, 0, 0), "ventral"),
        ((2, 0, 0), (1, 0, 0), (0, 0, 0), (67, 33, 0), "ventral"),
        (
            (1, 1, 0),
            (2, 0, 0),
            (1, 1, 1),
            (28, 29, 43),
            "dorsal",
        ),  # 2/7,2/7,3/7: +1 to dorsal, then sympathetic
    ],
)
def test_state_shares_largest_remainder(v, s, d, expected, dominant):
    state = score(**_states(v, s, d))["state"]
    assert (state["ventral"], state["sympathetic"], state["dorsal"]) == expected
    assert state["dominant"] == dominant


@pytest.mark.parametrize(
    "yes,asked,band",
    [
        (0, 10, "few"),
        (2, 10, "few"),
        (3, 10, "some"),
        (5, 10, "some"),
        (6, 10, "many"),
        (10, 10, "many"),
        (0, 0, None),
    ],
)
def test_neuroplastic_band(yes, asked, band):
    answers = {f"neuro.{n}": ("yes" if n <= yes else "no") for n in range(1, 11)}
    if asked == 0:
        answers = {f"neuro.{n}": None for n in range(1, 11)}
    r = score(**answers)["neuroplastic"]
    assert (r["yes"], r["asked"], r["band"]) == (yes, asked, band)


def test_recommendations_follow_priority_domains_and_state():
    r = score(**_states((0, 0, 0), (4, 4, 4), (0, 0, 0)), **_load("sleep", 4))
    reco = r["recommendations"]
    assert len(reco["exercises"]) == 3 and len(set(reco["exercises"])) == 3
    assert len(reco["articles"]) == 3 and len(set(reco["articles"])) == 3
    assert reco["reasons"][reco["exercises"][0]] == {"kind": "state", "code": "sympathetic"}
    assert "slaap-en-pijn" in reco["articles"]
    assert reco["program_step"] == 1


def test_rescoring_a_result_gives_the_same_result():
    instrument = registry.get("pijntest")
    answers = pijntest_answers(**{"redflag.fever": "yes"})
    assert engine.score(instrument, answers) == engine.score(instrument, answers)
