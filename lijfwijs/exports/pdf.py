"""The overview for the GP or therapist: one or two A4 pages made with WeasyPrint from a template.

The same SVG charts and the same words as the pages (core.charts, the diary's insights, the
report's safety panel, "what calms me", the program summary), in the person's language. The
latest Pijntest's safety findings come first. Nothing is fetched while rendering: the stylesheet
is read from the app's static files and the fonts are the system's (as on the site).
"""

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.assessments import labels, registry
from lijfwijs.assessments import services as assessment_services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.pages import safety_context
from lijfwijs.core import charts
from lijfwijs.core.i18n import pick
from lijfwijs.diary.models import CheckIn
from lijfwijs.exercises import calm
from lijfwijs.exercises.services import what_calms_me
from lijfwijs.practice import program_controls

PEG_INSTRUMENTS = ("pijntest", "peg3")
PHQ4_INSTRUMENTS = ("pijntest", "phq4")
PHQ4_MILD = 3  # from 3 on the PHQ-4 total is no longer "none" (docs/clinical.md)
SAFETY_DAYS = 90  # a diary safety check with a yes is shown this long
TABLE_ROWS = 6  # the table holds the first measurement and the last six (the chart holds all)
CSS = Path(__file__).parent / "static" / "exports" / "pdf.css"


@cache
def stylesheet() -> str:
    return CSS.read_text(encoding="utf-8")


def _number(value: float | int | None) -> str:
    return (
        "" if value is None else formats.number_format(value, 1 if isinstance(value, float) else 0)
    )


def _scores(client: Any) -> list[dict[str, Any]]:
    """Every completed Pijntest, PEG-3 and PHQ-4 of the person, oldest first, with the PEG and
    the PHQ-4 total they hold (one query)."""
    rows = (
        Response.objects.completed()
        .filter(user=client, instrument__in={*PEG_INSTRUMENTS, *PHQ4_INSTRUMENTS})
        .order_by("completed_at")
        .values_list("instrument", "completed_at", "result")
    )
    zone = zone_of(client)
    found = []
    for instrument, completed_at, result in rows:
        result = result or {}
        phq4 = result.get("phq4") if instrument == "pijntest" else result
        total = phq4.get("total") if isinstance(phq4, dict) and instrument != "peg3" else None
        found.append(
            {
                "instrument": instrument,
                "day": completed_at.astimezone(zone).date(),
                "peg": assessment_services.peg_of(result) if instrument != "phq4" else None,
                "phq4": total if isinstance(total, int) else None,
                "result": result,
            }
        )
    return found


def _line(
    points: list[tuple[date, float]],
    reference: float,
    *,
    maximum: float,
    chart_id: str,
    title: str,
    description: str,
    y_title: str,
    dots_name: str,
    line_name: str,
) -> Any:
    """Scores over time as dots, with a reference line (the meaningful change) across them."""
    if len(points) < 2:
        return None
    return charts.line(
        [(day.toordinal(), value, reference) for day, value in points],
        title=title,
        description=description,
        first_label=formats.date_format(points[0][0], "SHORT_DATE_FORMAT"),
        last_label=formats.date_format(points[-1][0], "SHORT_DATE_FORMAT"),
        y_title=y_title,
        x_title=_("Datum"),
        dots_name=dots_name,
        line_name=line_name,
        maximum=maximum,
        chart_id=chart_id,
    )


def _latest_pijntest(scores: list[dict[str, Any]]) -> dict[str, Any] | None:
    latest = next((s for s in reversed(scores) if s["instrument"] == "pijntest"), None)
    if latest is None:
        return None
    result = latest["result"]
    instrument = registry.get(result.get("instrument", "pijntest"), result.get("version"))
    phq4 = result.get("phq4") or {}
    domains = result.get("domains") or {}
    return {
        "day": latest["day"],
        "safety": safety_context(result.get("safety") or {}, instrument),
        "peg": _number(latest["peg"]),
        "phq4_total": phq4.get("total"),
        "phq4_band": labels.PHQ4_BANDS.get(phq4.get("band", ""), ""),
        "domains": [(labels.DOMAINS[c], int(v)) for c, v in domains.items() if c in labels.DOMAINS],
        "overridden": assessment_services.is_overridden(result),
    }


def _diary_safety(client: Any, today: date) -> dict[str, Any] | None:
    """The latest safety check in the diary with a yes (the flare-up's questions), of the last
    SAFETY_DAYS days: its day and the same advice and words the person saw."""
    from lijfwijs.diary import safety
    from lijfwijs.diary.models import SafetyCheck

    check = (
        SafetyCheck.objects.filter(user=client)
        .exclude(level=SafetyCheck.Level.NONE)
        .order_by("-at")
        .first()
    )
    if check is None:
        return None
    day = check.at.astimezone(zone_of(client)).date()
    if (today - day).days > SAFETY_DAYS:
        return None
    return {"day": day, **safety.advice(check.level, list(check.flags))}


def _period(client: Any, scores: list[dict[str, Any]], today: date) -> tuple[date, date]:
    first_checkin = CheckIn.objects.for_user(client).order_by("day").values_list("day", flat=True)
    days = [d for d in (first_checkin.first(), scores[0]["day"] if scores else None) if d]
    return (min(days) if days else today), today


def context(client: Any, made_by: Any, today: date | None = None) -> dict[str, Any]:
    """Everything the overview shows, in the active language."""
    from lijfwijs.diary import presenting  # numpy and scipy load on first use

    today = today or local_today(client)
    scores = _scores(client)
    peg = [(s["day"], s["peg"]) for s in scores if s["peg"] is not None]
    phq4 = [(s["day"], float(s["phq4"])) for s in scores if s["phq4"] is not None]
    meaningful = assessment_services.PEG_MEANINGFUL_CHANGE
    peg_reference = max(0.0, peg[0][1] - meaningful) if peg else 0.0
    first, last = _period(client, scores, today)
    diary = presenting.page_context(client, today)
    program = program_controls.summary(client)
    return {
        "client_name": client.display_name or client.email,
        "made_by": "" if made_by.pk == client.pk else (made_by.display_name or made_by.email),
        "made_by_practice": "" if made_by.pk == client.pk else made_by.practice_name,
        "first": first,
        "last": last,
        "today": today,
        "latest": _latest_pijntest(scores),
        "diary_safety": _diary_safety(client, today),
        "score_rows": [
            {
                "day": s["day"],
                "instrument": pick(registry.get(s["instrument"]).title),
                "peg": _number(s["peg"]),
                "phq4": "" if s["phq4"] is None else s["phq4"],
            }
            for s in (
                scores if len(scores) <= TABLE_ROWS + 1 else [scores[0], *scores[-TABLE_ROWS:]]
            )
        ],
        "scores_left_out": max(0, len(scores) - TABLE_ROWS - 1),
        "meaningful": _number(meaningful),
        "peg_chart": _line(
            peg,
            peg_reference,
            maximum=10,
            chart_id="peg-chart",
            title=_("PEG over de tijd (0 tot 10)"),
            description=_(
                "Elke meting van de PEG als punt. De lijn ligt %(points)s punt onder de eerste "
                "meting: daaronder is de verbetering betekenisvol. De cijfers staan in de tabel."
            )
            % {"points": _number(meaningful)},
            y_title=_("PEG (0 = geen, 10 = ergste)"),
            dots_name=_("PEG-score"),
            line_name=_("%(points)s punt beter dan de eerste meting")
            % {"points": _number(meaningful)},
        ),
        "phq4_chart": _line(
            phq4,
            float(PHQ4_MILD),
            maximum=12,
            chart_id="phq4-chart",
            title=_("PHQ-4 over de tijd (0 tot 12)"),
            description=_(
                "Elke meting van de PHQ-4 als punt. De lijn ligt op 3: vanaf daar spreekt de "
                "vragenlijst van lichte klachten. De cijfers staan in de tabel."
            ),
            y_title=_("PHQ-4 (0 tot 12)"),
            dots_name=_("PHQ-4-score"),
            line_name=_("Grens tussen geen (0-2) en lichte klachten (3 en hoger)"),
        ),
        "diary": diary,
        "calm": calm.context(what_calms_me(client)),
        "program": program,
    }


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    """The overview needs nothing from outside (inline SVG, the stylesheet as text)."""
    raise ValueError(f"the overview fetches nothing: {url[:40]}")


def render_html(client: Any, made_by: Any, today: date | None = None) -> str:
    return render_to_string("exports/pdf.html", context(client, made_by, today))


def render(client: Any, made_by: Any, today: date | None = None) -> bytes:
    """The PDF, in the active language."""
    from weasyprint import CSS, HTML  # loads pango and cairo on first use

    html = render_html(client, made_by, today)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(string=stylesheet(), url_fetcher=_no_fetching)]
    )
