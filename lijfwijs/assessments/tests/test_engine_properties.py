"""Property tests for the instrument engine over every definition file that ships.

Generic over whatever `instruments/*.toml` holds (the validated scales and the Pijntest): answer
sets are built from each definition, so a new file is covered without touching this module.
Plain engine code; no database.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.assessments import engine
from lijfwijs.assessments.engine import Problem

INSTRUMENTS_DIR = Path(engine.__file__).parent / "instruments"
FILES = sorted(INSTRUMENTS_DIR.glob("*.toml"))
PROBLEM_CODES = {
    "required",
    "invalid_choice",
    "not_a_number",
    "out_of_range",
    "not_a_list",
    "unknown_item",
}

# The root conftest has a function-scoped autouse fixture (cache clearing); it does not interact
# with these pure tests, so the health check about it is not useful here.
# As many examples as the profile gives (bounded: 50; thorough: 500; conftest.py).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

pytestmark = pytest.mark.skipif(not FILES, reason="no instrument files")


@cache
def load(path: Path) -> engine.Instrument:
    return engine.load_file(path)


def by_file(marks_for: Any = None):
    """Parametrize over the files; `marks_for(path)` may add marks to a file's case."""
    cases = [pytest.param(p, id=p.name, marks=marks_for(p) if marks_for else ()) for p in FILES]
    return pytest.mark.parametrize("path", cases)


# ---------------------------------------------------------------------------------------------
# Strategies


def item_answer(item: engine.Item) -> st.SearchStrategy[Any]:
    if item.type == "scale":
        return st.integers(item.min, item.max)
    if item.type == "choice":
        return st.sampled_from(item.codes)
    return st.lists(st.sampled_from(item.codes), unique=True, min_size=1 if item.required else 0)


@st.composite
def valid_answers(draw: st.DrawFn, instr: engine.Instrument) -> dict[str, Any]:
    """A complete answer set; optional items are sometimes left out."""
    answers: dict[str, Any] = {}
    for iid, item in instr.items.items():
        if not item.required and draw(st.booleans()):
            continue
        answers[iid] = draw(item_answer(item))
    return answers


@st.composite
def draft_answers(draw: st.DrawFn, instr: engine.Instrument) -> dict[str, Any]:
    """Any subset of valid answers: what a half-filled questionnaire saves."""
    full = draw(valid_answers(instr))
    keep = draw(st.lists(st.sampled_from(sorted(full)), unique=True)) if full else []
    return {k: full[k] for k in keep}


scalar_junk = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
junk_value = st.recursive(
    scalar_junk,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def junk_answers(instr: engine.Instrument) -> st.SearchStrategy[dict[Any, Any]]:
    """Dicts of mostly real item ids (plus stray keys) to arbitrary values, valid ones included."""
    ids = sorted(instr.items)
    value_for: dict[str, st.SearchStrategy[Any]] = {
        iid: junk_value | item_answer(item) for iid, item in instr.items.items()
    }

    @st.composite
    def build(draw: st.DrawFn) -> dict[Any, Any]:
        answers: dict[Any, Any] = {}
        for iid in draw(st.lists(st.sampled_from(ids), unique=True)):
            answers[iid] = draw(value_for[iid])
        strays = draw(
            st.dictionaries(st.text(max_size=120) | st.integers(), junk_value, max_size=3)
        )
        for key, value in strays.items():
            answers.setdefault(key, value)
        return answers

    return build()


# ---------------------------------------------------------------------------------------------
# An independent oracle for the numeric rules (sum / mean / percent)


def rule_items(instr: engine.Instrument, patterns: Any) -> list[str]:
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    found: list[str] = []
    for pattern in patterns:
        found += [i for i in instr.items if fnmatch.fnmatchcase(i, pattern) and i not in found]
    return found


def item_score(item: engine.Item, answer: Any) -> int | None:
    if item.type == "scale":
        return engine.reverse_value(item, answer) if item.reverse else answer
    return next(o.score for o in item.options if o.code == answer)


def half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def expected_numeric(instr: engine.Instrument, rule: Mapping[str, Any], answers: Mapping) -> Any:
    ids = rule_items(instr, rule["items"])
    scores = [item_score(instr.items[i], answers[i]) for i in ids if i in answers]
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    total = sum(scores)
    if rule["kind"] == "sum":
        return total
    if rule["kind"] == "mean":
        decimals = int(rule.get("decimals", 1))
        return float(half_up(Decimal(total) / len(scores), decimals))
    top = sum(instr.items[i].max_score for i in ids if i in answers)
    return int(half_up(Decimal(total * 100) / top, 0)) if top else 0


def score_bounds(instr: engine.Instrument, ids: list[str]) -> tuple[int, int]:
    lows, highs = [], []
    for i in ids:
        table = [s for s in instr.items[i].score_table().values() if s is not None]
        lows.append(min(table, default=0))
        highs.append(max(table, default=0))
    return sum(lows), sum(highs)


def get(result: Mapping[str, Any], key: str) -> Any:
    node: Any = result
    for part in key.split("."):
        node = node[part]
    return node


def walk(node: Any, path: tuple[str, ...] = ()):
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from walk(value, (*path, str(key)))
    else:
        yield path, node


# ---------------------------------------------------------------------------------------------
# Valid answers: clean, scorable, in range


@by_file()
@SETTINGS
@given(data=st.data())
def test_valid_answers_validate_and_score_in_range(path, data):
    instr = load(path)
    answers = data.draw(valid_answers(instr), label="answers")

    clean, problems = engine.validate(instr, answers)
    assert problems == {}
    assert set(clean) == {k for k, v in answers.items() if v != []}
    for iid, value in clean.items():
        if instr.items[iid].type == "multi":
            assert sorted(value, key=str) == sorted(answers[iid], key=str)
            assert value == [c for c in instr.items[iid].codes if c in value]
        else:
            assert value == answers[iid]

    result = engine.score(instr, clean)
    assert (result["instrument"], result["version"]) == (instr.id, instr.version)

    # Generic ranges: any `total` and every whole number under a `domains` table.
    item_max_sum = sum(i.max_score for i in instr.items.values())
    for keys, value in walk(result):
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        if keys[-1] == "total":
            assert 0 <= value <= item_max_sum, keys
        if "domains" in keys[:-1]:
            assert 0 <= value <= max(100, item_max_sum), keys

    # Rule by rule.
    for rule in instr.rules:
        kind, value = rule["kind"], get(result, rule["key"])
        if kind in ("sum", "mean", "percent"):
            assert value == expected_numeric(instr, rule, clean), rule["key"]
            if value is None:
                continue
            ids = [i for i in rule_items(instr, rule["items"]) if i in clean]
            lo, hi = score_bounds(instr, ids)
            if kind == "sum":
                assert lo <= value <= hi, rule["key"]
            elif kind == "mean":
                assert lo / len(ids) <= value <= hi / len(ids), rule["key"]
            elif lo >= 0:
                assert 0 <= value <= 100, rule["key"]
        elif kind == "band":
            codes = [b["code"] for b in rule["bands"]]
            assert value in codes or (value is None and get(result, rule["source"]) is None)
        elif kind == "at_least":
            source = get(result, rule["source"])
            assert value is (None if source is None else source >= rule["min"])
        elif kind in ("any", "in"):
            assert value in (True, False, None)
        elif kind in ("count", "answered"):
            assert 0 <= value <= len(rule_items(instr, rule["items"]))
        elif kind == "shares":
            # later rules may write into the same table (the Pijntest's `state.dominant`)
            assert set(rule["groups"]) <= set(value)
            value = {g: value[g] for g in rule["groups"]}
            assert all(isinstance(v, int) and 0 <= v <= 100 for v in value.values())
            assert sum(value.values()) in (0, 100)
            assert sum(value.values()) == 100 or all(v == 0 for v in value.values())


@by_file()
@SETTINGS
@given(data=st.data())
def test_shares_add_up_to_100_or_are_all_zero(path, data):
    instr = load(path)
    shares = [r for r in instr.rules if r.get("kind") == "shares"]
    if not shares:
        return
    answers = data.draw(valid_answers(instr), label="answers")
    result = engine.score(instr, engine.validate(instr, answers)[0])
    for rule in shares:
        value = get(result, rule["key"])
        shares_only = {g: value[g] for g in rule["groups"]}
        group_sums = {
            g: sum(
                item_score(instr.items[i], answers[i]) or 0
                for i in rule_items(instr, pats)
                if i in answers and instr.items[i].type != "multi"
            )
            for g, pats in rule["groups"].items()
        }
        if sum(group_sums.values()) == 0:
            assert set(shares_only.values()) == {0}
        else:
            assert sum(shares_only.values()) == 100
            # largest remainder: every share is within one point of its exact percentage
            total = sum(group_sums.values())
            for g, share in shares_only.items():
                assert abs(Decimal(share) - Decimal(group_sums[g] * 100) / total) < 1


@by_file()
def test_shares_all_zero_when_every_group_scores_zero(path):
    instr = load(path)
    for rule in (r for r in instr.rules if r.get("kind") == "shares"):
        # every item at its lowest score
        answers = {}
        for iid, item in instr.items.items():
            if item.type == "scale":
                answers[iid] = min(item.score_table(), key=lambda v: item.score_table()[v])
            elif item.type == "choice":
                scores = {o.code: o.score or 0 for o in item.options}
                answers[iid] = min(scores, key=scores.get)
            elif item.required:
                answers[iid] = [item.codes[0]]
        clean, problems = engine.validate(instr, answers)
        assert problems == {}
        result = engine.score(instr, clean)
        sums = [
            sum(item_score(instr.items[i], clean[i]) or 0 for i in rule_items(instr, pats))
            for pats in rule["groups"].values()
        ]
        if sum(sums) == 0:
            assert {get(result, rule["key"])[g] for g in rule["groups"]} == {0}


@by_file()
def test_reverse_value_is_an_involution(path):
    instr = load(path)
    for item in instr.items.values():
        if item.type != "scale":
            continue
        table = item.score_table()
        for v in range(item.min, item.max + 1):
            r = engine.reverse_value(item, v)
            assert item.min <= r <= item.max
            assert engine.reverse_value(item, r) == v
            assert table[v] == (r if item.reverse else v)


@by_file()
@SETTINGS
@given(data=st.data())
def test_drafts_validate_partially_and_score(path, data):
    instr = load(path)
    answers = data.draw(draft_answers(instr), label="draft")
    clean, problems = engine.validate(instr, answers, partial=True)
    assert problems == {}
    _, full_problems = engine.validate(instr, answers)
    missing = {i for i, it in instr.items.items() if it.required and i not in answers}
    assert {i for i, p in full_problems.items() if p.code == "required"} == missing
    result = engine.score(instr, clean)
    for rule in instr.rules:
        if rule.get("kind") in ("sum", "mean", "percent"):
            assert get(result, rule["key"]) == expected_numeric(instr, rule, clean), rule["key"]


# ---------------------------------------------------------------------------------------------
# Junk never raises


@by_file()
@SETTINGS
@given(data=st.data())
def test_junk_only_gives_problems(path, data):
    instr = load(path)
    answers = data.draw(junk_answers(instr), label="answers")
    partial = data.draw(st.booleans(), label="partial")
    only = data.draw(st.none() | st.lists(st.sampled_from(sorted(instr.items))), label="only")

    clean, problems = engine.validate(instr, answers, only=only, partial=partial)

    assert all(isinstance(p, Problem) and p.code in PROBLEM_CODES for p in problems.values())
    checked = set(instr.items) if only is None else set(only)
    assert set(clean) <= checked
    assert not set(clean) & set(problems)
    if only is None:
        strays = {str(k)[:100] for k in answers if k not in instr.items}
        assert {k for k, p in problems.items() if p.code == "unknown_item"} == strays
    else:
        assert set(problems) <= checked
    # what validate lets through is clean: it passes again unchanged
    assert engine.validate(instr, clean, only=sorted(clean), partial=True) == (clean, {})


@pytest.mark.parametrize(
    "answers",
    [{}, {"x": None}, {"": ""}, {"a": [None, {}, []]}, {"b": float("nan")}, {"c": {"d": True}}],
)
@by_file()
def test_unknown_junk_is_unknown_item(path, answers):
    instr = load(path)
    clean, problems = engine.validate(instr, answers, partial=True)
    assert clean == {}
    assert problems == {k: Problem("unknown_item") for k in answers}


# ---------------------------------------------------------------------------------------------
# Regression tests for engine bugs found while writing these tests (minimal definitions).

MINIMAL = """
id = "t"
version = "1.0"
[source]
citation = "test"
[licence]
name = "test"
[[sections]]
id = "s"
[[sections.items]]
id = "a.1"
type = "scale"
min = 0
max = 4
required = false
[[sections.items]]
id = "b.1"
type = "scale"
min = 0
max = 4
required = false
[[sections.items]]
id = "m"
type = "multi"
required = false
options = [{ code = "x" }, { code = "y" }]
"""


@pytest.mark.parametrize("kind", ["top", "argmax"])
def test_bug_ranking_a_table_with_an_unanswered_entry(kind):
    instr = engine.loads(
        MINIMAL
        + f"""
[[scoring]]
key = "d.a"
kind = "percent"
items = ["a.*"]
[[scoring]]
key = "d.b"
kind = "percent"
items = ["b.*"]
[[scoring]]
key = "ranked"
kind = "{kind}"
source = "d"
"""
    )
    result = engine.score(instr, {"a.1": 2})  # b.* unanswered: d.b is None
    assert result["ranked"] in ("a", ["a"])


def test_bug_in_rule_on_a_multi_item():
    instr = engine.loads(
        MINIMAL
        + """
[[scoring]]
key = "picked_x"
kind = "in"
item = "m"
values = ["x"]
"""
    )
    clean, problems = engine.validate(instr, {"m": ["x"]})
    assert problems == {}
    assert engine.score(instr, clean)["picked_x"] is True


def test_bug_value_default_is_shared_between_results():
    instr = engine.loads(
        MINIMAL
        + """
[[scoring]]
key = "chosen"
kind = "value"
item = "m"
default = []
"""
    )
    first = engine.score(instr, {})
    first["chosen"].append("x")  # a caller decorating its own result
    assert engine.score(instr, {})["chosen"] == []
