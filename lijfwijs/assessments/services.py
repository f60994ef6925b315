"""What the pages and the API do with instruments: drafts, pages, completion, submission."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import get_language

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core import datacache, hooks

from . import engine, labels, registry
from .labels import problem_message
from .models import Response

PIJNTEST = "pijntest"
# The validated scales a client can take from their account (one page each).
CLIENT_SCALES = ("phq4", "phq9", "gad7", "nijmegen")
# Red-flag levels that override the rest of a report (docs/clinical.md, "Safety screens").
OVERRIDE_LEVELS = ("urgent", "same_day")
# The one exercise an overridden report still offers: slow breathing, sitting, no breath holds.
OVERRIDE_EXERCISE = "rustig-ademen"
PEG_MEANINGFUL_CHANGE = (
    1.0  # points on the PEG (anchor-based 1.0-1.75; Reed 2023), docs/clinical.md
)


@dataclass
class PageOutcome:
    """What became of one submitted page: the values as entered, and a message per item id."""

    entered: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def messages_for(
    instrument: engine.Instrument, problems: dict[str, engine.Problem]
) -> dict[str, str]:
    out = {}
    for iid, problem in problems.items():
        item = instrument.items.get(iid)
        out[iid] = problem_message(problem, multi=bool(item and item.type == "multi"))
    return out


def read_form(section: engine.Section, data: QueryDict) -> dict[str, Any]:
    """The answers of one page as typed values (a number that is not one stays text, to be flagged)."""
    values: dict[str, Any] = {}
    for item in section.items:
        if item.type == "multi":
            values[item.id] = [v for v in data.getlist(item.id) if v]
            continue
        raw = data.get(item.id, "")
        raw = raw.strip()[:50] if isinstance(raw, str) else ""
        if item.type == "scale" and raw.lstrip("-").isdigit():
            values[item.id] = int(raw)
        else:
            values[item.id] = raw
    return values


def section_by_id(instrument: engine.Instrument, section_id: str) -> engine.Section | None:
    return next((s for s in instrument.sections if s.id == section_id), None)


def neighbours(
    instrument: engine.Instrument, section: engine.Section
) -> tuple[str | None, str | None]:
    ids = [s.id for s in instrument.sections]
    n = ids.index(section.id)
    return (ids[n - 1] if n > 0 else None, ids[n + 1] if n + 1 < len(ids) else None)


def section_complete(section: engine.Section, answers: dict[str, Any]) -> bool:
    return all(i.id in answers for i in section.items if i.required)


def first_open_section(instrument: engine.Instrument, answers: dict[str, Any]) -> engine.Section:
    for section in instrument.sections:
        if not section_complete(section, answers):
            return section
    return instrument.sections[-1]


def start_draft(instrument_id: str, language: str, user: Any = None) -> Response:
    """A new draft; it belongs to the person only if they consent to storing health data now."""
    instrument = registry.get(instrument_id)
    return Response.objects.create(
        instrument=instrument.id,
        version=instrument.version,
        language=language,
        user=user if has_health_consent(user) else None,
    )


def save_page(
    response: Response, section: engine.Section, data: QueryDict, *, strict: bool
) -> PageOutcome:
    """Store one page's answers in the draft.

    strict: every answer must be valid (going forward). Not strict (going back): keep the valid
    answers, drop the rest, never complain. Answers of other pages are untouched.
    """
    instrument = response.definition()
    entered = read_form(section, data)
    ids = [i.id for i in section.items]
    clean, problems = engine.validate(instrument, entered, only=ids, partial=not strict)
    if strict and problems:
        return PageOutcome(entered, messages_for(instrument, problems))
    with transaction.atomic():
        draft = Response.objects.select_for_update().get(pk=response.pk)
        if draft.is_completed:
            return PageOutcome(entered, {})
        answers = {k: v for k, v in draft.answers.items() if k not in ids}
        answers.update(clean)
        draft.answers = answers
        draft.save(update_fields=["answers", "updated_at"])
    response.answers = answers
    return PageOutcome(entered, {})


def skip_page(response: Response, section: engine.Section) -> None:
    ids = {i.id for i in section.items}
    with transaction.atomic():
        draft = Response.objects.select_for_update().get(pk=response.pk)
        if not draft.is_completed:
            draft.answers = {k: v for k, v in draft.answers.items() if k not in ids}
            draft.save(update_fields=["answers", "updated_at"])
            response.answers = draft.answers


def complete(response: Response) -> tuple[bool, dict[str, str]]:
    """Score a finished draft once. A second call (double submit) changes nothing.

    Returns (done, problems by item id); problems mean an earlier page is not finished.
    """
    instrument = response.definition()
    clean, problems = engine.validate(instrument, response.answers)
    if problems:
        return False, messages_for(instrument, problems)
    result = engine.score(instrument, clean)
    now = timezone.now()
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT).update(
            status=Response.Status.COMPLETED,
            result=result,
            answers=clean,
            completed_at=now,
            updated_at=now,
        )
        if updated:
            User.objects.data_changed(response.user_id)  # their latest result is this one
            report_safety_finding(response.pk, result)
    if updated:
        response.status, response.result, response.completed_at = (
            Response.Status.COMPLETED,
            result,
            now,
        )
    return True, {}


def has_safety_finding(result: dict[str, Any]) -> bool:
    """A crisis answer or a red flag at level urgent or same-day: what a practitioner is told."""
    safety = result.get("safety") or {}
    return bool(safety.get("crisis")) or (safety.get("level") or "none") in OVERRIDE_LEVELS


def report_safety_finding(response_id: str, result: dict[str, Any]) -> None:
    """Tell the apps that act on safety findings (the `safety_finding` hook, e.g. practitioner
    alerts) about a stored response. Called inside the storing transaction: the receivers act on
    commit, so a rolled-back response alerts nobody."""
    if has_safety_finding(result):
        for function in hooks.functions("safety_finding"):
            function(response_id)


def is_crisis(response: Response) -> bool:
    """Whether a response holds a crisis answer (an old stored result without `safety.crisis` is
    scored again with its own version, so no earlier answer slips past)."""
    safety = (response.result or {}).get("safety") or {}
    if "crisis" in safety:
        return bool(safety["crisis"])
    return bool(engine.score(response.definition(), response.answers)["safety"]["crisis"])


def safety_of(response: Response) -> dict[str, Any]:
    """The safety part of a response with its advice in the current language: what the API
    answers, so that an app built on it cannot leave the crisis advice out."""
    crisis = is_crisis(response)
    level = ((response.result or {}).get("safety") or {}).get("level") or "none"
    advice_name = response.definition().crisis.get("advice")
    return {
        "crisis": crisis,
        "crisis_advice": labels.crisis_advice(advice_name) if crisis and advice_name else None,
        "level": level,
        "level_advice": str(labels.LEVEL_ADVICE[level]) if level in labels.LEVEL_ADVICE else None,
    }


def is_overridden(result: dict[str, Any]) -> bool:
    """Whether a red flag overrides the rest of this result."""
    return ((result.get("safety") or {}).get("level") or "none") in OVERRIDE_LEVELS


def recommendations_of(result: dict[str, Any]) -> dict[str, Any]:
    """What a result recommends, with the red-flag override applied also to results scored before
    the instrument file did it itself (Pijntest 1.0)."""
    reco = dict(result.get("recommendations") or {})
    if is_overridden(result):
        level = result["safety"]["level"]
        reco.update(
            exercises=[OVERRIDE_EXERCISE],
            articles=[],
            program_step=None,
            reasons={OVERRIDE_EXERCISE: {"kind": "safety", "code": level}},
            overridden_by=level,
        )
    return reco


def safety_preview(response: Response) -> dict[str, Any]:
    """The safety part of the result from a draft's answers so far (shown on later pages)."""
    result = engine.score(response.definition(), response.answers, only="safety.")
    return result.get("safety") or {}


@dataclass
class Submission:
    response: Response | None
    errors: dict[str, str]
    created: bool = True


def submit(
    instrument_id: str,
    answers: dict[str, Any],
    *,
    language: str,
    user: Any = None,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    channel: str = Response.Channel.API,
) -> Submission:
    """Validate, score and store a whole answer set at once (the API).

    A repeated `idempotency_key` returns the first response, only within `idempotency_scope`
    (the caller: see `Response.idempotency_scope`); without a scope the key is ignored.
    """
    instrument = registry.get(instrument_id)
    if not idempotency_scope:
        idempotency_key = ""
    same_key = Response.objects.with_idempotency_key(
        idempotency_scope, instrument.id, idempotency_key
    )
    if idempotency_key:
        existing = same_key.first()
        if existing:
            return Submission(existing, {}, created=False)
    clean, problems = engine.validate(instrument, answers)
    if problems:
        return Submission(None, messages_for(instrument, problems))
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                instrument=instrument.id,
                version=instrument.version,
                status=Response.Status.COMPLETED,
                channel=channel,
                language=language,
                answers=clean,
                result=engine.score(instrument, clean),
                user=user if has_health_consent(user) else None,
                idempotency_key=idempotency_key,
                idempotency_scope=idempotency_scope if idempotency_key else "",
                completed_at=now,
            )
            User.objects.data_changed(response.user_id)
            report_safety_finding(response.pk, response.result)
    except IntegrityError:
        # The same key raced us: the other request's response is the one effect.
        existing = same_key.first() if idempotency_key else None
        if existing is None:
            raise
        return Submission(existing, {}, created=False)
    return Submission(response, {})


def export_user_data(user: Any) -> dict[str, Any]:
    """Everything this app stores about a person, for their export (docs/export.md)."""
    return {
        "responses": [
            {
                "id": r.pk,
                "instrument": r.instrument,
                "version": r.version,
                "status": r.status,
                "language": r.language,
                "created_at": r.created_at.isoformat(),
                "completed_at": r.completed_at.isoformat() if r.completed_at else None,
                "answers": r.answers,
                "result": r.result,
            }
            for r in Response.objects.filter(user=user).order_by("created_at")
        ]
    }


def peg_of(result: dict[str, Any]) -> float | None:
    """The PEG score of a Pijntest or PEG-3 result."""
    pain = result.get("pain")
    value = pain.get("peg") if isinstance(pain, dict) else result.get("peg")
    return value if isinstance(value, int | float) else None


def worsening(response: Response) -> dict[str, Any] | None:
    """How much worse this PEG is than the person's previous one of the same instrument, when it
    is worse (the safety net of docs/clinical.md); None otherwise or for an anonymous result."""
    after = peg_of(response.result or {})
    if response.user_id is None or after is None or response.completed_at is None:
        return None
    previous = (
        Response.objects.completed()
        .filter(
            user_id=response.user_id,
            instrument=response.instrument,
            completed_at__lt=response.completed_at,
        )
        .order_by("-completed_at")
        .values_list("result", flat=True)
        .first()
    )
    before = peg_of(previous or {})
    if before is None or after <= before:
        return None
    change = round(after - before, 1)
    return {
        "before": before,
        "after": after,
        "change": change,
        "meaningful": change >= PEG_MEANINGFUL_CHANGE,
    }


def compare(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two Pijntest results side by side: domain changes and the PEG change judged against ~1 point."""
    peg_a, peg_b = first["pain"]["peg"], second["pain"]["peg"]
    change = round(peg_b - peg_a, 1)
    meaningful = abs(change) >= PEG_MEANINGFUL_CHANGE
    return {
        "peg": {
            "before": peg_a,
            "after": peg_b,
            "change": change,
            "meaningful": meaningful,
            "direction": "better" if change < 0 else ("worse" if change > 0 else "same"),
        },
        "domains": [
            {
                "code": code,
                "before": first["domains"][code],
                "after": second["domains"][code],
                "change": second["domains"][code] - first["domains"][code],
            }
            for code in first["domains"]
        ],
    }


def claim(user: Any, response_ids: list[str]) -> int:
    """Results taken in this browser before signing in become the person's, if they consent to
    storing health data; only results nobody owns yet. Returns how many were claimed."""
    ids = [i for i in response_ids if i]
    if not ids or not has_health_consent(user):
        return 0
    with transaction.atomic():
        mine = list(
            Response.objects.select_for_update()
            .filter(pk__in=ids, user__isnull=True)
            .values_list("pk", "result")
        )
        claimed = Response.objects.filter(pk__in=[pk for pk, _r in mine], user__isnull=True).update(
            user=user, updated_at=timezone.now()
        )
        if claimed:
            User.objects.data_changed(user)
            # A finding taken before signing in reaches the person's practitioner now.
            for pk, result in mine:
                if result:
                    report_safety_finding(pk, result)
    return claimed


def latest_summary(user: Any) -> dict[str, Any] | None:
    """The person's latest Pijntest for their start page (computed once per data version)."""

    def fetch() -> dict[str, Any] | None:
        latest = (
            Response.objects.completed()
            .filter(user=user, instrument=PIJNTEST)
            .order_by("-completed_at")
            .values("pk", "completed_at", "result")
            .first()
        )
        if latest is None:
            return None
        return {
            "pk": latest["pk"],
            "completed_at": latest["completed_at"],
            "peg": latest["result"]["pain"]["peg"],
            "recommendations": recommendations_of(latest["result"]),
        }

    return datacache.for_person(datacache.Kind.LATEST_RESULT, user, fetch)


def latest_recommendations(user: Any) -> dict[str, Any] | None:
    """What the person's latest Pijntest recommends ({"exercises", "articles", "program_step"}).

    Named in the AppConfig as `latest_recommendations`: the program asks for it without importing
    this app (the exercises app sits below assessments)."""
    latest = latest_summary(user)
    return latest.get("recommendations") if latest else None


@cache
def _home_links(language: str, script_prefix: str) -> dict[str, str]:
    """The Pijntest panel's fixed addresses in a language, reversed once per process (as the
    layout's LINKS: they depend only on the URLconf, the language and the script prefix)."""
    return {"start": reverse("assessments:start"), "mine": reverse("assessments:mine")}


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """The client's start page: their latest Pijntest and where to begin."""
    if not request.user.is_client:
        return None
    links = _home_links(get_language() or "", get_script_prefix())
    return "assessments/_home_panel.html", {
        "latest": latest_summary(request.user),
        "links": links,
    }


def erase_user_health_data(user: Any) -> None:
    """The person withdrew consent for their health data: their responses go. (The caller raises
    their data version in the same transaction, `accounts.services.withdraw_health_consent`.)"""
    Response.objects.filter(user=user).delete()
