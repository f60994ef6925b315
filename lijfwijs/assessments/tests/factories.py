"""Small builders for Pijntest answers."""

from typing import Any

from lijfwijs.assessments import registry


def pijntest_answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid Pijntest answer set: no red flags, moderate loads. Keys use item ids."""
    instrument = registry.get("pijntest")
    answers: dict[str, Any] = {}
    for iid, item in instrument.items.items():
        if iid.startswith(("redflag.", "crisis.", "neuro.")):
            answers[iid] = "no"
        elif item.type == "scale":
            answers[iid] = 2 if item.max <= 4 else 5
    answers.update({"pain.duration": "gt1y", "pain.regions": ["lower_back"], "time.per_day": "10"})
    answers.update({k.replace("__", "."): v for k, v in overrides.items()})
    return answers


def form_data(section, answers: dict[str, Any]) -> dict[str, Any]:
    """POST data for one page of the Pijntest from an answer set."""
    data: dict[str, Any] = {}
    for item in section.items:
        if item.id in answers:
            value = answers[item.id]
            data[item.id] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data
