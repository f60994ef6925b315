"""Instrument engine, the pure core: parse definitions, validate answers, score them.

Plain data in, plain data out; no Django import. A definition is a TOML document (see
docs/instruments.md): items in sections, and an ordered list of declarative scoring rules whose
results land at dotted keys of a nested result. Rules are compiled once into closures, so scoring
an answer set is a tight loop over plain dicts.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Texts = Mapping[str, str]
Answers = Mapping[str, Any]
ITEM_TYPES = ("choice", "multi", "scale")


class DefinitionError(ValueError):
    """An instrument file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Problem:
    """What is wrong with one answer: a code the caller turns into a sentence, plus its values."""

    code: str  # required | invalid_choice | not_a_number | out_of_range | not_a_list | unknown_item
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    code: str | int
    score: int | None
    label: Texts


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    text: Texts
    required: bool = True
    options: tuple[Option, ...] = ()
    min: int = 0
    max: int = 0
    reverse: bool = False
    help: Texts = field(default_factory=dict)
    anchors: Mapping[str, Texts] = field(default_factory=dict)
    level: str = ""  # safety level this item raises when answered with the trigger code

    @property
    def codes(self) -> tuple[str | int, ...]:
        return tuple(o.code for o in self.options)

    def score_table(self) -> dict[Any, int | None]:
        """Answer → score, with reversal applied; multi-select items have no score."""
        if self.type == "scale":
            values = range(self.min, self.max + 1)
            return {v: (self.min + self.max - v) if self.reverse else v for v in values}
        if self.type == "choice":
            return {o.code: o.score for o in self.options}
        return {}

    @property
    def max_score(self) -> int:
        table = [s for s in self.score_table().values() if s is not None]
        return max(table) if table else 0


@dataclass(frozen=True)
class Section:
    id: str
    title: Texts
    intro: Texts
    items: tuple[Item, ...]
    skippable: bool = False


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: Texts
    description: Texts
    kind: str  # validated | reflection | licensed
    source: Mapping[str, Any]
    licence: Mapping[str, Any]
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    items: Mapping[str, Item]
    rules: tuple[Mapping[str, Any], ...]
    recommendations: Mapping[str, Any]
    scorer: Callable[[Answers, str | None], dict[str, Any]] = field(repr=False, compare=False)
    # The [crisis] table: items, `when` or `score_above`, and the name of the advice shown.
    crisis: Mapping[str, Any] = field(default_factory=dict)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


# ---------------------------------------------------------------------------------------------
# Parsing


def load_file(path: Any) -> Instrument:
    with open(path, "rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise DefinitionError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return parse(data)
    except DefinitionError as exc:
        raise DefinitionError(f"{path}: {exc}") from exc


def loads(text: str) -> Instrument:
    return parse(tomllib.loads(text))


def _texts(value: Any, where: str) -> Texts:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"nl": value}
    if isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise DefinitionError(f"{where}: expected text or a table of texts per language")


def _options(raw: Any, option_sets: Mapping[str, Any], where: str) -> tuple[Option, ...]:
    if isinstance(raw, str):
        if raw not in option_sets:
            raise DefinitionError(f"{where}: unknown option set {raw!r}")
        raw = option_sets[raw]
    if not isinstance(raw, list):
        raise DefinitionError(f"{where}: options must be a list or the name of an option set")
    options = []
    for i, opt in enumerate(raw):
        if not isinstance(opt, Mapping) or "code" not in opt:
            raise DefinitionError(f"{where}: option {i} needs a code")
        score = opt.get("score")
        if score is None and isinstance(opt["code"], int):
            score = opt["code"]
        options.append(Option(code=opt["code"], score=score, label=_texts(opt.get("label"), where)))
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{where}: option codes repeat")
    return tuple(options)


def _item(raw: Mapping[str, Any], option_sets: Mapping[str, Any]) -> Item:
    iid = raw.get("id")
    if not isinstance(iid, str) or not iid:
        raise DefinitionError("an item has no id")
    itype = raw.get("type", "choice")
    if itype not in ITEM_TYPES:
        raise DefinitionError(f"item {iid}: unknown type {itype!r}")
    options: tuple[Option, ...] = ()
    lo = hi = 0
    if itype == "scale":
        lo, hi = raw.get("min"), raw.get("max")
        if not isinstance(lo, int) or not isinstance(hi, int) or lo >= hi:
            raise DefinitionError(f"item {iid}: a scale needs whole numbers min < max")
        if "labels" in raw:
            options = _options(raw["labels"], option_sets, f"item {iid}")
            if any(not isinstance(o.code, int) or not lo <= o.code <= hi for o in options):
                raise DefinitionError(
                    f"item {iid}: scale labels must be values between min and max"
                )
    else:
        options = _options(raw.get("options"), option_sets, f"item {iid}")
    anchors = {k: _texts(v, f"item {iid} anchors") for k, v in (raw.get("anchors") or {}).items()}
    return Item(
        id=iid,
        type=itype,
        text=_texts(raw.get("text"), f"item {iid}"),
        required=bool(raw.get("required", True)),
        options=options,
        min=lo,
        max=hi,
        reverse=bool(raw.get("reverse", False)),
        help=_texts(raw.get("help"), f"item {iid}"),
        anchors=anchors,
        level=str(raw.get("level", "")),
    )


def parse(data: Mapping[str, Any]) -> Instrument:
    for key in ("id", "version"):
        if not isinstance(data.get(key), str) or not data.get(key):
            raise DefinitionError(f"the definition needs a text {key!r}")
    for key in ("source", "licence"):
        if not isinstance(data.get(key), Mapping):
            raise DefinitionError(f"the definition needs a [{key}] table")
    option_sets = data.get("option_sets", {})
    sections = []
    items: dict[str, Item] = {}
    for s in data.get("sections", []):
        sid = s.get("id")
        if not sid:
            raise DefinitionError("a section has no id")
        section_items = []
        for raw in s.get("items", []):
            item = _item(raw, option_sets)
            if item.id in items:
                raise DefinitionError(f"item id {item.id} appears twice")
            items[item.id] = item
            section_items.append(item)
        sections.append(
            Section(
                id=sid,
                title=_texts(s.get("title"), f"section {sid}"),
                intro=_texts(s.get("intro"), f"section {sid}"),
                items=tuple(section_items),
                skippable=bool(s.get("skippable", False)),
            )
        )
    if not items:
        raise DefinitionError("the definition has no items")
    rules = tuple(data.get("scoring", []))
    recommendations = data.get("recommendations", {})
    crisis = _crisis(data.get("crisis"), rules, items)
    scorer = _compile(rules, items, recommendations, data["id"], data["version"], crisis)
    return Instrument(
        id=data["id"],
        version=data["version"],
        title=_texts(data.get("title"), "title"),
        description=_texts(data.get("description"), "description"),
        kind=str(data.get("kind", "validated")),
        source=dict(data["source"]),
        licence=dict(data["licence"]),
        languages=tuple(data.get("languages", ["nl", "en"])),
        sections=tuple(sections),
        items=items,
        rules=rules,
        recommendations=recommendations,
        scorer=scorer,
        crisis=crisis,
    )


CRISIS_KEYS = ("crisis", "safety.crisis")


def _crisis(raw: Any, rules: tuple[Mapping[str, Any], ...], items: Mapping[str, Item]) -> dict:
    """The [crisis] table, checked: a crisis answer must always come with advice to show."""
    if raw is None:
        if any(rule.get("key") in CRISIS_KEYS for rule in rules):
            raise DefinitionError(
                "a scoring rule scores a crisis, but there is no [crisis] table naming its advice"
            )
        return {}
    if not isinstance(raw, Mapping):
        raise DefinitionError("[crisis] must be a table")
    advice = raw.get("advice")
    if not isinstance(advice, str) or not advice:
        raise DefinitionError("[crisis] needs `advice`: the name of the crisis advice shown")
    ids = _expand(raw.get("items"), items, "[crisis]")
    if "when" in raw and "score_above" in raw:
        raise DefinitionError("[crisis] takes `when` or `score_above`, not both")
    return {
        "items": ids,
        "when": raw.get("when", "yes"),
        "score_above": raw.get("score_above"),
        "advice": advice,
    }


# ---------------------------------------------------------------------------------------------
# Validation


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_code(item: Item, value: Any) -> bool:
    """An exact option code: 1 is not "1", and True is not 1."""
    return any(value == code and type(value) is type(code) for code in item.codes)


def check_item(item: Item, value: Any) -> tuple[Any, Problem | None]:
    """Return the clean value of one answer, or the problem with it. None means unanswered."""
    empty = value is None or value == "" or (item.type == "multi" and value == [])
    if empty:
        if item.required:
            return None, Problem("required")
        return ([] if item.type == "multi" else None), None
    if item.type == "scale":
        if not _is_int(value):
            return None, Problem("not_a_number", {"min": item.min, "max": item.max})
        if not item.min <= value <= item.max:
            return None, Problem("out_of_range", {"min": item.min, "max": item.max})
        return value, None
    if item.type == "choice":
        if not _is_code(item, value):
            return None, Problem("invalid_choice")
        return value, None
    # multi
    if not isinstance(value, list):
        return None, Problem("not_a_list")
    if not all(_is_code(item, v) for v in value):
        return None, Problem("invalid_choice")
    chosen = set(value)
    return [c for c in item.codes if c in chosen], None


def validate(
    instrument: Instrument,
    answers: Answers,
    only: Iterable[str] | None = None,
    partial: bool = False,
) -> tuple[dict[str, Any], dict[str, Problem]]:
    """Check answers against the definition.

    `only` limits the check to some items (one page); `partial` lets required items be missing
    (a draft). Unknown item ids are problems unless `only` is given (pages ignore other fields).
    Returns the clean answers (unanswered items left out) and a problem per item id.
    """
    problems: dict[str, Problem] = {}
    clean: dict[str, Any] = {}
    ids = list(only) if only is not None else list(instrument.items)
    if only is None:
        for key in answers:
            if key not in instrument.items:
                problems[str(key)[:100]] = Problem("unknown_item")
    for iid in ids:
        item = instrument.items.get(iid)
        if item is None:
            problems[str(iid)[:100]] = Problem("unknown_item")
            continue
        raw = answers.get(iid)
        if partial and (raw is None or raw == "" or raw == []):
            continue
        value, problem = check_item(item, raw)
        if problem:
            problems[iid] = problem
        elif value is not None and value != []:
            clean[iid] = value
    return clean, problems


# ---------------------------------------------------------------------------------------------
# Scoring


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator/denominator rounded to a whole number, halves upward (exact, non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


_PATHS: dict[str, tuple[str, ...]] = {}  # a dotted key's parts (the definitions' keys only)


def _path(key: str) -> tuple[str, ...]:
    parts = _PATHS.get(key)
    if parts is None:
        parts = _PATHS[key] = tuple(key.split("."))
    return parts


def _set(out: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = _path(key)
    node = out
    for p in parents:
        node = node.setdefault(p, {})
    node[last] = value


def _get(out: Mapping[str, Any], key: str) -> Any:
    node: Any = out
    for p in _path(key):
        if node.__class__ is not dict and not isinstance(node, Mapping):
            return None
        if p not in node:
            return None
        node = node[p]
    return node


def _member(value: Any, values: frozenset[Any]) -> bool | None:
    """Whether an answer (or any answer of a multi-select) is one of `values`."""
    if value is None:
        return None
    if isinstance(value, list):
        return any(v in values for v in value)
    return value in values


def _expand(patterns: Any, items: Mapping[str, Item], where: str) -> list[str]:
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not patterns:
        raise DefinitionError(f"{where}: needs a list of items")
    found: list[str] = []
    for pattern in patterns:
        matched = [iid for iid in items if fnmatch.fnmatchcase(iid, pattern)]
        if not matched:
            raise DefinitionError(f"{where}: no item matches {pattern!r}")
        found.extend(m for m in matched if m not in found)
    return found


Rule = Callable[[dict[str, Any], Answers, dict[str, Any]], Any]


def _exclusions(
    raw: Any, ids: list[str], items: Mapping[str, Item], where: str
) -> dict[str, list[tuple[str, Any]]]:
    """`exclude_when = [{item, if, is}]`: the item does not count (nor as answered) while the
    `if` item has the answer `is`; so an answer that is a red flag never counts as anything else."""
    out: dict[str, list[tuple[str, Any]]] = {}
    if not isinstance(raw, list | tuple):
        raise DefinitionError(f"{where}: exclude_when must be a list")
    for entry in raw:
        if not isinstance(entry, Mapping) or not {"item", "if", "is"} <= set(entry):
            raise DefinitionError(f"{where}: exclude_when entries need item, if and is")
        if entry["item"] not in ids or entry["if"] not in items:
            raise DefinitionError(f"{where}: exclude_when names an unknown item")
        out.setdefault(entry["item"], []).append((entry["if"], entry["is"]))
    return out


def _compile_rule(
    rule: Mapping[str, Any], items: Mapping[str, Item], recommendations: Mapping[str, Any]
) -> Rule:
    kind = rule.get("kind")
    where = f"scoring rule {rule.get('key', '?')} ({kind})"

    def item_list() -> list[str]:
        return _expand(rule.get("items"), items, where)

    if kind == "value":
        (iid,) = _expand(rule.get("item"), items, where)
        default = rule.get("default")

        def value(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            found = answers.get(iid, default)
            return list(found) if isinstance(found, list) else found  # never share the default list

        return value

    if kind in ("sum", "mean", "percent"):
        ids = item_list()
        if any(items[i].type == "multi" for i in ids):
            raise DefinitionError(f"{where}: multi-select items have no score")
        maxima = {i: items[i].max_score for i in ids}
        decimals = int(rule.get("decimals", 1))
        scale = 10**decimals

        def numeric(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            total = n = top = 0
            for i in ids:
                s = scores.get(i)
                if s is not None:
                    total += s
                    n += 1
                    top += maxima[i]
            if kind == "sum":
                return total if n else None
            if not n:
                return None
            if kind == "mean":
                return round_half_up(total * scale, n) / scale
            return round_half_up(total * 100, top) if top else 0

        return numeric

    if kind == "band":
        source, bands = rule.get("source"), rule.get("bands")
        if not isinstance(source, str) or not isinstance(bands, list) or not bands:
            raise DefinitionError(f"{where}: needs a source and bands")
        limits = [(b.get("upto"), b["code"]) for b in bands]

        def band(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            value = _get(out, source)
            if value is None:
                return None
            for upto, code in limits:
                if upto is None or value <= upto:
                    return code
            return limits[-1][1]

        return band

    if kind == "at_least":
        source, minimum = rule.get("source"), rule.get("min")
        if not isinstance(source, str) or minimum is None:
            raise DefinitionError(f"{where}: needs a source and min")

        def at_least(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            value = _get(out, source)
            return None if value is None else value >= minimum

        return at_least

    if kind == "in":
        values = frozenset(rule.get("values", ()))
        if "item" in rule:
            (iid,) = _expand(rule["item"], items, where)
            return lambda scores, answers, out: _member(answers.get(iid), values)
        source = rule.get("source")
        if not isinstance(source, str):
            raise DefinitionError(f"{where}: needs an item or a source")

        def member(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            return _member(_get(out, source), values)

        return member

    if kind in ("max_level", "flags", "any", "count", "answered"):
        ids = item_list()
        when = rule.get("when", "yes")
        above = rule.get("score_above")
        excluded = _exclusions(rule.get("exclude_when", ()), ids, items, where)

        def left_out(i: str, answers: Answers) -> bool:
            return any(answers.get(other) == code for other, code in excluded.get(i, ()))

        def hit(i: str, scores: dict[str, Any], answers: Answers) -> bool:
            if excluded and left_out(i, answers):
                return False
            if above is not None:
                s = scores.get(i)
                return s is not None and s > above
            return answers.get(i) == when

        if kind == "max_level":
            order = list(rule.get("order", ()))
            rank = {name: n for n, name in enumerate(order)}
            for i in ids:
                if items[i].level not in rank:
                    raise DefinitionError(f"{where}: item {i} has no level from {order}")
            levels = [(i, rank[items[i].level]) for i in ids]

            def max_level(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
                best = 0
                for i, r in levels:
                    if r > best and hit(i, scores, answers):
                        best = r
                return order[best]

            return max_level
        if kind == "flags":
            return lambda scores, answers, out: [i for i in ids if hit(i, scores, answers)]
        if kind == "any":
            return lambda scores, answers, out: any(hit(i, scores, answers) for i in ids)
        if kind == "count":
            return lambda scores, answers, out: sum(1 for i in ids if hit(i, scores, answers))
        return lambda scores, answers, out: sum(
            1 for i in ids if i in answers and not (excluded and left_out(i, answers))
        )

    if kind == "shares":
        groups = rule.get("groups")
        if not isinstance(groups, Mapping) or not groups:
            raise DefinitionError(f"{where}: needs groups")
        group_ids = {name: _expand(pats, items, where) for name, pats in groups.items()}
        tie_order = list(rule.get("tie_order", list(groups)))
        tie_rank = {name: n for n, name in enumerate(tie_order)}

        def shares(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            sums = {g: sum(scores.get(i) or 0 for i in ids) for g, ids in group_ids.items()}
            total = sum(sums.values())
            if total == 0:
                return {g: 0 for g in sums}
            floors = {g: s * 100 // total for g, s in sums.items()}
            leftover = 100 - sum(floors.values())
            by_remainder = sorted(
                sums, key=lambda g: (-(sums[g] * 100 % total), tie_rank.get(g, 99))
            )
            for g in by_remainder[:leftover]:
                floors[g] += 1
            return floors

        return shares

    if kind in ("argmax", "top"):
        source = rule.get("source")
        order = list(rule.get("tie_order", ()))
        n_top = int(rule.get("n", 1))

        def ranked(out: dict[str, Any]) -> list[str]:
            """Names by value, highest first; unanswered (None) entries are left out."""
            values = {
                k: v for k, v in (_get(out, source) or {}).items() if isinstance(v, int | float)
            }
            names = list(values)
            rank = {
                name: (order.index(name) if name in order else len(order) + names.index(name))
                for name in names
            }
            return sorted(names, key=lambda g: (-values[g], rank[g]))

        if kind == "argmax":

            def argmax(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
                names = ranked(out)
                if not names or (_get(out, source) or {})[names[0]] <= 0:
                    return None
                return names[0]

            return argmax
        return lambda scores, answers, out: ranked(out)[:n_top]

    if kind == "ratio_band":
        numerator, denominator, bands = (
            rule.get("numerator"),
            rule.get("denominator"),
            rule.get("bands"),
        )
        if not isinstance(bands, list) or not bands:
            raise DefinitionError(f"{where}: needs bands")
        # `below` is a percentage; exact integer comparison avoids float edges (30% of 10 is 3).
        limits = [(b.get("below"), b["code"]) for b in bands]

        def ratio_band(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
            num, den = _get(out, numerator), _get(out, denominator)
            if not den:
                return None
            for below, code in limits:
                if below is None or num * 100 < below * den:
                    return code
            return limits[-1][1]

        return ratio_band

    if kind == "recommend":
        return _compile_recommend(rule, recommendations, where)

    raise DefinitionError(f"{where}: unknown kind")


def _compile_recommend(rule: Mapping[str, Any], data: Mapping[str, Any], where: str) -> Rule:
    """Exercises and articles picked round-robin from sources named in the data.

    A source is `state` (the dominant state), `domain:N` (the N-th priority domain),
    `neuroplastic` (the neuroplastic band) or `always`. Each pick remembers why it was made.
    """
    if not data:
        raise DefinitionError(f"{where}: the definition has no [recommendations]")
    domains_key = rule.get("domains", "priority_domains")
    state_key = rule.get("state", "state.dominant")
    neuro_key = rule.get("neuroplastic", "neuroplastic.band")
    step = data.get("program_step", {})

    def source_lists(
        kind: str, out: dict[str, Any], source: str
    ) -> tuple[list[str], dict[str, str]]:
        if source == "state":
            code = _get(out, state_key)
            table = data.get("states", {})
            return (
                (table.get(code, {}).get(kind, []), {"kind": "state", "code": code})
                if code
                else ([], {})
            )
        if source.startswith("domain:"):
            picked = _get(out, domains_key) or []
            n = int(source.split(":")[1])
            if n >= len(picked):
                return [], {}
            code = picked[n]
            return data.get("domains", {}).get(code, {}).get(kind, []), {
                "kind": "domain",
                "code": code,
            }
        if source == "neuroplastic":
            code = _get(out, neuro_key)
            table = data.get("neuroplastic", {})
            return (
                (table.get(code, {}).get(kind, []), {"kind": "neuroplastic", "code": code})
                if code
                else ([], {})
            )
        return data.get("always", {}).get(kind, []), {"kind": "always", "code": ""}

    def pick(kind: str, out: dict[str, Any], reasons: dict[str, dict[str, str]]) -> list[str]:
        wanted = int(data.get(f"count_{kind}", 3))
        sources = [source_lists(kind, out, s) for s in data.get(f"{kind}_sources", ["always"])]
        pointers = [0] * len(sources)
        chosen: list[str] = []
        progress = True
        while len(chosen) < wanted and progress:
            progress = False
            for n, (lst, why) in enumerate(sources):
                while pointers[n] < len(lst) and lst[pointers[n]] in chosen:
                    pointers[n] += 1
                if pointers[n] < len(lst) and len(chosen) < wanted:
                    chosen.append(lst[pointers[n]])
                    reasons[lst[pointers[n]]] = why
                    pointers[n] += 1
                    progress = True
        return chosen

    override = data.get("override", {})
    override_levels = frozenset(override.get("levels", ()))
    override_key = override.get("source", "safety.level")

    def recommend(scores: dict[str, Any], answers: Answers, out: dict[str, Any]) -> Any:
        reasons: dict[str, dict[str, str]] = {}
        level = _get(out, override_key)
        if level in override_levels:
            # A red flag that needs a doctor today overrides the rest (docs/clinical.md): no
            # starting point, only what the override allows (a gentle seated breathing exercise).
            exercises = list(override.get("exercises", ()))
            return {
                "exercises": exercises,
                "articles": list(override.get("articles", ())),
                "program_step": None,
                "reasons": {e: {"kind": "safety", "code": level} for e in exercises},
                "overridden_by": level,
            }
        exercises = pick("exercises", out, reasons)
        articles = pick("articles", out, reasons)
        state = _get(out, state_key)
        program_step = step.get("by_state", {}).get(state, step.get("default", 1))
        return {
            "exercises": exercises,
            "articles": articles,
            "program_step": program_step,
            "reasons": reasons,
        }

    return recommend


def _compile(
    rules: tuple[Mapping[str, Any], ...],
    items: Mapping[str, Item],
    recommendations: Mapping[str, Any],
    instrument_id: str,
    version: str,
    crisis: Mapping[str, Any],
) -> Callable[[Answers, str | None], dict[str, Any]]:
    compiled: list[tuple[str, Rule]] = []
    seen: set[str] = set()
    for rule in rules:
        key = rule.get("key")
        if not isinstance(key, str) or not key:
            raise DefinitionError("a scoring rule has no key")
        if key in seen:
            raise DefinitionError(f"scoring key {key} appears twice")
        seen.add(key)
        compiled.append((key, _compile_rule(rule, items, recommendations)))
    # each rule with where its result goes (the dotted key split once, not on every scoring)
    placed = [(key, _path(key)[:-1], _path(key)[-1], fn) for key, fn in compiled]
    tables = {iid: item.score_table() for iid, item in items.items() if item.type != "multi"}
    crisis_items = list(crisis.get("items", ()))
    crisis_when, crisis_above = crisis.get("when", "yes"), crisis.get("score_above")

    def crisis_hit(iid: str, scores: dict[str, Any], answers: Answers) -> bool:
        if crisis_above is not None:
            s = scores.get(iid)
            return s is not None and s > crisis_above
        return answers.get(iid) == crisis_when

    def score(answers: Answers, only: str | None = None) -> dict[str, Any]:
        scores = {}
        for iid, table in tables.items():
            value = answers.get(iid)
            if value is not None:
                scores[iid] = table.get(value)
        out: dict[str, Any] = {"instrument": instrument_id, "version": version}
        for key, parents, last, fn in placed:
            if only is None or key.startswith(only):
                node = out
                for p in parents:
                    node = node.setdefault(p, {})
                node[last] = fn(scores, answers, out)
        # Every instrument's result says whether a crisis answer was given (docs/clinical.md).
        _set(out, "safety.crisis", any(crisis_hit(i, scores, answers) for i in crisis_items))
        return out

    return score


def score(instrument: Instrument, answers: Answers, only: str | None = None) -> dict[str, Any]:
    """Score answers that passed `validate` (a draft's partial answers score too).

    `only` limits the work to the rules whose key starts with it (e.g. "safety." for a draft's
    safety panel); rules that read other results must then be included too.
    """
    return instrument.scorer(answers, only)


def reverse_value(item: Item, value: int) -> int:
    """The reversed answer of a scale item (applying it twice gives the answer back)."""
    return item.min + item.max - value


# ---------------------------------------------------------------------------------------------
# The definition as plain data for one language (the API and the pages use this)


def _pick(texts: Texts, lang: str) -> str:
    return texts.get(lang) or texts.get("nl") or texts.get("en") or ""


def describe(instrument: Instrument, lang: str) -> dict[str, Any]:
    def item_dict(item: Item) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": item.id,
            "type": item.type,
            "text": _pick(item.text, lang),
            "required": item.required,
        }
        if item.help:
            d["help"] = _pick(item.help, lang)
        if item.type == "scale":
            d["min"], d["max"] = item.min, item.max
            if item.anchors:
                d["anchors"] = {k: _pick(v, lang) for k, v in item.anchors.items()}
        table = item.score_table()
        if item.options:
            d["options"] = [
                {"code": o.code, "label": _pick(o.label, lang), "score": table.get(o.code, o.score)}
                for o in item.options
            ]
        return d

    return {
        "id": instrument.id,
        "version": instrument.version,
        "title": _pick(instrument.title, lang),
        "description": _pick(instrument.description, lang),
        "kind": instrument.kind,
        "source": dict(instrument.source),
        "licence": dict(instrument.licence),
        "language": lang,
        "sections": [
            {
                "id": s.id,
                "title": _pick(s.title, lang),
                "intro": _pick(s.intro, lang),
                "skippable": s.skippable,
                "items": [item_dict(i) for i in s.items],
            }
            for s in instrument.sections
        ],
    }
