"""A Pijntest result a person attaches to a question to a practice (a booking, a contact form), and
what a practitioner reads of an attached result first. Shared by the apps that take such
questions, so each attaches and shows a result the same way."""

from typing import Any

from django.http import HttpRequest

from . import labels
from .models import TOKEN, Response

PIJNTEST = "pijntest"
# Where the Pijntest keeps the id of the result a visitor took in this browser (views.LAST_KEY).
SESSION_LAST = "pijntest_last"


def attachable_result(request: HttpRequest) -> Response | None:
    """The completed Pijntest the person may attach: a signed-in person's latest, or the result a
    visitor took in this browser (one not tied to an account)."""
    results = Response.objects.completed().filter(instrument=PIJNTEST)
    if request.user.is_authenticated:
        return results.filter(user=request.user).order_by("-completed_at").first()
    kept = request.session.get(SESSION_LAST)
    if not kept or not TOKEN.fullmatch(str(kept)):
        return None
    return results.filter(pk=kept, user__isnull=True).first()


def summary(response: Any) -> dict[str, Any] | None:
    """What the practitioner reads of an attached Pijntest first: safety advice, the PEG, the
    domains (heaviest first) and the PHQ-4, as the report view names them."""
    if response is None or not response.is_completed:
        return None
    result = response.result or {}
    domains = result.get("domains") or {}
    pain = result.get("pain") or {}
    phq4 = result.get("phq4") or {}
    level = (result.get("safety") or {}).get("level") or ""
    return {
        "completed_at": response.completed_at,
        "level": str(labels.LEVELS.get(level, "")),
        "level_code": level,
        "peg": pain.get("peg"),
        "chronic": pain.get("chronic"),
        "domains": [
            {"name": str(labels.DOMAINS.get(code, code)), "value": int(value)}
            for code, value in sorted(domains.items(), key=lambda item: -item[1])
        ],
        "priority": [
            str(labels.DOMAINS.get(code, code)) for code in result.get("priority_domains", [])
        ],
        "phq4_total": phq4.get("total"),
        "phq4_band": str(labels.PHQ4_BANDS.get(phq4.get("band", ""), "")),
    }
