""" "What calms me" in plain words, rows for a table and a bar chart (the log, insights, check-in)."""

from html import escape
from typing import Any

from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lijfwijs.core import charts
from lijfwijs.core.i18n import current_language

from .models import Exercise
from .services import CALM_MIN_SESSIONS, Calm, helped_most, what_calms_me


def points(value: float) -> str:
    """2.1 → "2,1" in Dutch, "2.1" in English."""
    return formats.number_format(abs(value), 1)


def times(count: int) -> str:
    return ngettext("%(count)s keer", "%(count)s keer", count) % {"count": count}


def drop_text(calm: Calm) -> str:
    """ "gemiddeld 2,1 punt minder spanning"; under CALM_MIN_SESSIONS nothing is claimed."""
    if calm.mean_drop is None:
        return _("nog te weinig keren om iets te zeggen")
    values = {"points": points(calm.mean_drop)}
    if calm.mean_drop > 0:
        return _("gemiddeld %(points)s punt minder spanning") % values
    if calm.mean_drop < 0:
        return _("gemiddeld %(points)s punt meer spanning") % values
    return _("gemiddeld geen verschil in spanning")


def calm_text(calm: Calm) -> str:
    """ "gemiddeld 2,1 punt minder spanning (5 keer)"."""
    # Translators: what an exercise did for someone's tension, and how many times they rated it.
    return _("%(what)s (%(times)s)") % {"what": drop_text(calm), "times": times(calm.sessions)}


def names(slugs: list[str]) -> dict[str, str]:
    """The exercises' names in the active language, in one query."""
    english = current_language() == "en"
    found = Exercise.objects.filter(slug__in=slugs).values_list("slug", "name_nl", "name_en")
    return {slug: (english and name_en) or name_nl for slug, name_nl, name_en in found}


def notes(calms: list[Calm]) -> dict[str, str]:
    """Slug → the sentence, for exercises with a claim (beside the check-in's exercise list)."""
    return {c.slug: calm_text(c) for c in calms if c.claimed}


def context(calms: list[Calm], known: dict[str, str] | None = None) -> dict[str, Any]:
    """What the "what calms me" part of a page shows: a sentence and a row per exercise, and a
    chart of the exercises with a claim. `known` is slug → name in the active language for a page
    that has read the catalog's names already (the log's form): no query when it names them all."""
    if known is not None and all(c.slug in known for c in calms):
        named = known
    else:
        named = names([c.slug for c in calms])
    rows = [
        {
            "slug": c.slug,
            "name": named.get(c.slug, c.slug),
            "sessions": c.sessions,
            "claimed": c.claimed,
            "drop": "" if c.mean_drop is None else formats.number_format(c.mean_drop, 1),
            "text": drop_text(c),
        }
        for c in calms
    ]
    chart_rows = [
        (row["name"], c.mean_drop, row["drop"])
        for row, c in zip(rows, calms, strict=True)
        if c.mean_drop is not None
    ]
    chart = (
        charts.bars(
            chart_rows,
            title=_("Hoeveel minder spanning na een oefening, gemiddeld"),
            description=_(
                "Een balk per oefening die je minstens %(min)s keer deed met je spanning ervoor en "
                "erna. Naar rechts: minder spanning na de oefening; naar links: meer."
            )
            % {"min": CALM_MIN_SESSIONS},
        )
        if chart_rows
        else None
    )
    # the table's rows as markup in one pass (escaped with the standard library's escape, what
    # Django's escape calls; the sentence with its first letter capitalised, as |capfirst did)
    table = mark_safe(  # noqa: S308 - the names and sentences escaped, the counts integers
        "".join(
            f'<tr><th scope="row">{escape(row["name"])}</th><td class="num">{row["sessions"]}'
            f"</td><td>{escape(row['text'][:1].upper() + row['text'][1:])}</td></tr>"
            for row in rows
        )
    )
    return {
        "calm_rows": rows,
        "calm_table": table,
        "calm_chart": chart,
        "calm_min": CALM_MIN_SESSIONS,
    }


def for_user(user: Any, known: dict[str, str] | None = None) -> dict[str, Any]:
    return context(what_calms_me(user), known)


def helped(user: Any) -> list[dict[str, Any]]:
    """The exercises that helped the person most, with their names and the sentence."""
    best = helped_most(user)
    named = names([c.slug for c in best])
    return [{"slug": c.slug, "name": named.get(c.slug, c.slug), "text": calm_text(c)} for c in best]


def prefilled_helpful(user: Any) -> str:
    """The setback plan's "exercises that help me most", prefilled from "what calms me": one name a
    line, in the active language."""
    return "\n".join(h["name"] for h in helped(user))
