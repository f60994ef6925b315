"""The person's own health data as a FHIR R4 Bundle (validated with the R4B models): docs/fhir.md.

`build_bundle(user)` gives a JSON-ready dict of a Bundle of type collection: the person as a
Patient; each instrument they completed, at the version they answered, as a Questionnaire; each
completed response as a QuestionnaireResponse; its scores as Observations; and the diary's pain
ratings as Observations (LOINC 72514-3). Without a current consent for health data the bundle holds
the Patient only. The whole bundle is validated with `fhir.resources.R4B` before it leaves; an
invalid bundle raises (a bug of ours), it is never handed out.

Three queries whatever the amount of data (consent, responses, check-ins). The resources are built
as plain dicts and validated once, as one Bundle.
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.assessments import engine, registry
from lijfwijs.assessments.models import Response
from lijfwijs.diary.models import REGIONS, CheckIn

# Our namespace for canonical URLs and code systems: the same in every installation (an
# instrument is the same everywhere). The person's identifier is local to one installation.
NAMESPACE = "https://lijfwijs.nl/fhir"
QUESTIONNAIRE_BASE = f"{NAMESPACE}/Questionnaire"
ANSWERS_BASE = f"{NAMESPACE}/CodeSystem/answers"  # + /<instrument>/<item>
SCORES = f"{NAMESPACE}/CodeSystem/scores"
DIARY = f"{NAMESPACE}/CodeSystem/diary"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
CONTENT_TYPE = "application/fhir+json"

# LOINC codes, never guessed: docs/fhir.md names where each was checked (and the three still to be
# confirmed on loinc.org itself).
# Scores: (instrument id, result key) → (code, long common name).
PEG_MEAN = ("91147-9", "Mean score [PEG]")
PHQ4_TOTAL = ("70272-0", "Patient Health Questionnaire 4 item (PHQ-4) total score [Reported]")
PHQ2_TOTAL = ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]")
LOINC_SCORES: dict[tuple[str, str], tuple[str, str]] = {
    ("pijntest", "pain.peg"): PEG_MEAN,
    ("peg3", "peg"): PEG_MEAN,
    ("pijntest", "phq4.total"): PHQ4_TOTAL,
    ("phq4", "total"): PHQ4_TOTAL,
    # The PHQ-4's depression pair is the PHQ-2 (its items are PHQ-9 items 1 and 2).
    ("pijntest", "phq4.depression"): PHQ2_TOTAL,
    ("phq4", "depression"): PHQ2_TOTAL,
    ("phq9", "total"): (
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    ),
    ("gad7", "total"): (
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    ),
}
# Items of the PHQ-9 and GAD-7 (and the PHQ-4, which is made of two of each): item id → code.
# GAD-7 item 6 has none: LOINC's term for it (69689-8) reads "in last 4 weeks" (docs/fhir.md).
_PHQ9_ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5")
_PHQ9_ITEMS += ("44253-3", "44260-8")
_GAD7_ITEMS = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "", "69736-7")
LOINC_ITEMS: dict[str, str] = {
    **{f"phq9.{n}": code for n, code in enumerate(_PHQ9_ITEMS, start=1)},
    **{f"gad7.{n}": code for n, code in enumerate(_GAD7_ITEMS, start=1) if code},
    "phq4.nervous": _GAD7_ITEMS[0],
    "phq4.worry": _GAD7_ITEMS[1],
    "phq4.interest": _PHQ9_ITEMS[0],
    "phq4.down": _PHQ9_ITEMS[1],
}
NRS_PAIN = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

# Scoring rules whose results are numbers (engine kinds), and the unit each gives.
_INTEGER_KINDS = frozenset({"sum", "count", "answered"})
_PERCENT_KINDS = frozenset({"percent", "shares"})


# ---------------------------------------------------------------------------------------------
# The bundle


@dataclass(frozen=True)
class Person:
    """Whom the bundle is about: their language (texts), time zone (times) and reference."""

    language: str
    zone: tzinfo
    reference: dict[str, str]

    def time(self, moment: datetime) -> str:
        """A moment in the person's local time, with its offset."""
        return moment.astimezone(self.zone).isoformat()


def build_bundle(user: Any, now: datetime | None = None) -> dict[str, Any]:
    """A validated FHIR Bundle (type collection) of the person's own data, as a JSON-ready dict."""
    language = user.language or "nl"
    patient = _patient(user, language)
    entries = [_entry(patient)]
    if has_health_consent(user):
        person = Person(language, zone_of(user), reference(patient))
        entries += _assessments(user, person)
        entries += _diary(user, person)
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": (now or timezone.now()).isoformat(),
        "entry": entries,
    }
    Bundle.model_validate(bundle)  # raises on anything that is not valid R4
    return bundle


def bundle_json(user: Any, now: datetime | None = None) -> bytes:
    """The bundle as UTF-8 JSON (`CONTENT_TYPE`), compact."""
    return json.dumps(build_bundle(user, now), ensure_ascii=False, separators=(",", ":")).encode()


def _resource(resource_type: str, key: Any, **fields: Any) -> dict[str, Any]:
    """A resource whose id is a UUID stable for this installation and `key` (the same response
    gets the same id in every export; the key itself, such as a response's token, never shows)."""
    name = f"{settings.SITE_URL}/fhir/{resource_type}/{key}"
    return {
        "resourceType": resource_type,
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        **fields,
    }


def reference(resource: Mapping[str, Any]) -> dict[str, str]:
    """A reference that resolves inside the bundle (to the entry's fullUrl)."""
    return {"reference": f"urn:uuid:{resource['id']}"}


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _survey() -> dict[str, Any]:
    """The category of every Observation here (a new dict each time: nothing in a returned bundle
    is shared with the module or with another bundle)."""
    return {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}


def _text(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("nl") or next(iter(texts.values()), "")


# ---------------------------------------------------------------------------------------------
# Patient: only what we hold


def _patient(user: Any, language: str) -> dict[str, Any]:
    patient = _resource(
        "Patient",
        user.pk,
        identifier=[{"system": f"{settings.SITE_URL}/fhir/person", "value": str(user.pk)}],
        active=bool(user.is_active),
        communication=[
            {
                "language": {"coding": [{"system": LANGUAGE_SYSTEM, "code": language}]},
                "preferred": True,
            }
        ],
    )
    if user.display_name.strip():
        patient["name"] = [{"text": user.display_name.strip()}]
    return patient


# ---------------------------------------------------------------------------------------------
# Instruments, responses and scores


def _assessments(user: Any, person: Person) -> list[dict[str, Any]]:
    responses = (
        Response.objects.completed()
        .filter(user=user)
        .order_by("completed_at", "pk")
        .only("id", "instrument", "version", "language", "answers", "result", "completed_at")
    )
    questionnaires: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], engine.Instrument | None] = {}
    for response in responses:
        key = (response.instrument, response.version)
        if key not in seen:
            try:
                seen[key] = registry.get(*key)
            except registry.UnknownInstrument:
                # A practice's file that was removed: its responses cannot be described.
                seen[key] = None
            if seen[key] is not None:
                questionnaires.append(_entry(questionnaire(seen[key], person.language)))
        instrument = seen[key]
        if instrument is None:
            continue
        qr = questionnaire_response(instrument, response, person)
        rest.append(_entry(qr))
        rest += [_entry(o) for o in score_observations(instrument, response, person, qr)]
    return questionnaires + rest


def canonical(instrument: engine.Instrument) -> str:
    return f"{QUESTIONNAIRE_BASE}/{instrument.id}"


def shares_text(instrument: engine.Instrument) -> bool:
    """Whether the instrument's licence lets us pass on its wording (a `licensed` instrument a
    practice added may be shown in the practice only: its item text stays out)."""
    return instrument.kind != "licensed"


def _answer_system(instrument: engine.Instrument, item: engine.Item) -> str:
    return f"{ANSWERS_BASE}/{instrument.id}/{item.id}"


def _option_coding(
    instrument: engine.Instrument, item: engine.Item, option: engine.Option, language: str
) -> dict[str, Any]:
    coding = {"system": _answer_system(instrument, item), "code": str(option.code)}
    if shares_text(instrument) and option.label:
        coding["display"] = _text(option.label, language)
    return coding


def _item_type(item: engine.Item) -> str:
    """A scale with a label for every value is a choice; any other scale is an integer."""
    if item.type != "scale":
        return "choice"
    every_value = set(range(item.min, item.max + 1))
    return "choice" if {o.code for o in item.options} == every_value else "integer"


def _group_id(instrument: engine.Instrument, section: engine.Section) -> str:
    """A section's linkId: its id, unless an item has that id too (linkIds are unique)."""
    return f"{section.id}.section" if section.id in instrument.items else section.id


def questionnaire(instrument: engine.Instrument, language: str) -> dict[str, Any]:
    """The instrument at one version as a Questionnaire; its sections are group items."""
    with_text = shares_text(instrument)
    groups = []
    for section in instrument.sections:
        children = []
        for item in section.items:
            child: dict[str, Any] = {
                "linkId": item.id,
                "type": _item_type(item),
                "required": item.required,
            }
            if with_text and item.text:
                child["text"] = _text(item.text, language)
            if item.id in LOINC_ITEMS:
                child["code"] = [{"system": LOINC, "code": LOINC_ITEMS[item.id]}]
            if item.type == "multi":
                child["repeats"] = True
            if child["type"] == "integer":
                child["extension"] = [
                    {"url": MIN_VALUE, "valueInteger": item.min},
                    {"url": MAX_VALUE, "valueInteger": item.max},
                ]
            else:
                child["answerOption"] = [
                    {"valueCoding": _option_coding(instrument, item, option, language)}
                    for option in item.options
                ]
            children.append(child)
        if not children:
            continue
        group: dict[str, Any] = {
            "linkId": _group_id(instrument, section),
            "type": "group",
            "item": children,
        }
        if with_text and section.title:
            group["text"] = _text(section.title, language)
        groups.append(group)
    resource = _resource(
        "Questionnaire",
        f"{instrument.id}|{instrument.version}",
        url=canonical(instrument),
        version=instrument.version,
        name=_computable_name(instrument.id),
        title=_text(instrument.title, language) or instrument.id,
        status="active",
        subjectType=["Patient"],
        language=language,
        item=groups,
    )
    licence = ". ".join(
        str(instrument.licence[k]).strip().rstrip(".")
        for k in ("name", "note")
        if str(instrument.licence.get(k, "")).strip()
    )
    if licence:
        resource["copyright"] = f"{licence}."
    return resource


def _computable_name(instrument_id: str) -> str:
    """`pijntest` → `Pijntest`, `peg3` → `Peg3`: FHIR's name pattern [A-Z][A-Za-z0-9_]*."""
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in instrument_id)
    return ("Q" + cleaned) if not cleaned[:1].isalpha() else cleaned[:1].upper() + cleaned[1:]


def _answers(instrument: engine.Instrument, item: engine.Item, value: Any, language: str) -> list:
    """The FHIR answers of one stored answer, checked again by the engine: a value the item does
    not allow (never stored by the services) is left out rather than breaking the bundle."""
    clean, problem = engine.check_item(item, value)
    if problem or clean is None:
        return []
    if _item_type(item) == "integer":
        return [{"valueInteger": clean}]
    by_code = {o.code: o for o in item.options}
    values = clean if isinstance(clean, list) else [clean]
    return [{"valueCoding": _option_coding(instrument, item, by_code[v], language)} for v in values]


def questionnaire_response(
    instrument: engine.Instrument, response: Response, person: Person
) -> dict[str, Any]:
    """A completed response: every stored answer under its item's linkId, grouped by section."""
    stored = response.answers or {}
    groups = []
    for section in instrument.sections:
        children = []
        for item in section.items:
            if item.id not in stored:
                continue
            answers = _answers(instrument, item, stored[item.id], person.language)
            if answers:
                children.append({"linkId": item.id, "answer": answers})
        if children:
            groups.append({"linkId": _group_id(instrument, section), "item": children})
    resource = _resource(
        "QuestionnaireResponse",
        response.pk,
        questionnaire=f"{canonical(instrument)}|{instrument.version}",
        status="completed",
        subject=person.reference,
        author=person.reference,
        source=person.reference,
        authored=person.time(response.completed_at),
        language=response.language or person.language,
    )
    if groups:
        resource["item"] = groups
    return resource


def decode_answers(
    instrument: engine.Instrument, questionnaire_response: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers of a QuestionnaireResponse of ours, as the engine stores them (a multi-select
    as a list, an option as its code with its type, a number as a number)."""
    items = instrument.items
    out: dict[str, Any] = {}
    for group in questionnaire_response.get("item") or []:
        for entry in group.get("item") or []:
            item = items.get(entry["linkId"])
            if item is None:
                continue
            codes = {str(o.code): o.code for o in item.options}
            values = []
            for answer in entry.get("answer") or []:
                if "valueInteger" in answer:
                    values.append(answer["valueInteger"])
                else:
                    values.append(codes[answer["valueCoding"]["code"]])
            out[item.id] = values if item.type == "multi" else values[0]
    return out


def _numeric_scores(instrument: engine.Instrument, result: Mapping[str, Any]) -> Iterable:
    """(key, value, unit) for every number the scoring rules put in the result."""
    for rule in instrument.rules:
        kind, key = rule.get("kind"), rule.get("key")
        if not isinstance(key, str):
            continue
        value = engine._get(result, key)  # the engine's own reading of a dotted key
        if kind == "shares" and isinstance(value, Mapping):
            for group, share in value.items():
                if _is_number(share):
                    yield f"{key}.{group}", share, "%"
        elif kind in _INTEGER_KINDS and _is_number(value):
            yield key, value, None
        elif kind == "mean" and _is_number(value):
            yield key, value, "{score}"
        elif kind in _PERCENT_KINDS and _is_number(value):
            yield key, value, "%"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def score_code(instrument: engine.Instrument, key: str, language: str) -> dict[str, Any]:
    """LOINC first where LOINC has the score; our own code (`<instrument>.<result key>`, see
    docs/fhir.md) always. The text names the instrument in the person's language and the key."""
    title = _text(instrument.title, language) or instrument.id
    ours = f"{instrument.id}.{key}"
    codings = []
    loinc = LOINC_SCORES.get((instrument.id, key))
    if loinc:
        codings.append({"system": LOINC, "code": loinc[0], "display": loinc[1]})
    codings.append({"system": SCORES, "code": ours, "display": ours})
    return {"coding": codings, "text": f"{title} ({key})"}


def _value(value: int | float, unit: str | None) -> dict[str, Any]:
    if unit is None and isinstance(value, int):
        return {"valueInteger": value}
    unit = unit or "{score}"
    shown = "%" if unit == "%" else "score"
    return {"valueQuantity": {"value": value, "unit": shown, "system": UCUM, "code": unit}}


def score_observations(
    instrument: engine.Instrument,
    response: Response,
    person: Person,
    questionnaire_response: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Every number the instrument's scoring rules give, derived from the response."""
    effective = person.time(response.completed_at)
    derived_from = [reference(questionnaire_response)]
    return [
        _resource(
            "Observation",
            f"{response.pk}/{key}",
            status="final",
            category=[_survey()],
            code=score_code(instrument, key, person.language),
            subject=person.reference,
            effectiveDateTime=effective,
            derivedFrom=derived_from,
            **_value(value, unit),
        )
        for key, value, unit in _numeric_scores(instrument, response.result or {})
    ]


# ---------------------------------------------------------------------------------------------
# The diary's pain ratings


def _region_labels(language: str) -> dict[str, str]:
    try:
        item = registry.get("pijntest").items.get("pain.regions")
    except registry.UnknownInstrument:
        return {}
    return {str(o.code): _text(o.label, language) for o in item.options} if item else {}


def _effective(at: datetime, day: date, zone: tzinfo) -> str:
    """The check-in's local time with its offset; when the person's time zone has changed since
    and that gives another date than the diary's, the diary's local date alone."""
    local = at.astimezone(zone)
    return local.isoformat() if local.date() == day else day.isoformat()


def _is_pain(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


def _diary(user: Any, person: Person) -> list[dict[str, Any]]:
    rows = (
        CheckIn.objects.filter(user=user)
        .order_by("at", "pk")
        .values_list("id", "at", "day", "pain", "region_pain")
    )
    labels = _region_labels(person.language)
    code = {
        "coding": [
            {"system": LOINC, "code": NRS_PAIN[0], "display": NRS_PAIN[1]},
            {"system": DIARY, "code": "pain", "display": "Diary pain rating (0-10)"},
        ],
        "text": NRS_PAIN[1],
    }
    entries = []
    for pk, at, day, pain, region_pain in rows:
        observation = _resource(
            "Observation",
            f"checkin/{pk}",
            status="final",
            category=[_survey()],
            code=code,
            subject=person.reference,
            effectiveDateTime=_effective(at, day, person.zone),
            valueInteger=pain,
        )
        components = [
            {
                "code": {
                    "coding": [
                        {
                            "system": DIARY,
                            "code": f"region_pain.{region}",
                            "display": labels.get(region, region),
                        }
                    ]
                },
                "valueInteger": value,
            }
            for region, value in sorted((region_pain or {}).items())
            if region in REGIONS and _is_pain(value)  # what diary.services allows, nothing else
        ]
        if components:
            observation["component"] = components
        entries.append(_entry(observation))
    return entries
