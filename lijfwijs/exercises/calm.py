""" "What calms me" in plain words, rows for a table and a bar chart (the log, insights, check-in)."""

from collections.abc import Callable
from html import escape
from typing import Any

from django.utils import formats, numberformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from lijfwijs.core import charts
from lijfwijs.core.i18n import current_language

from . import statements
from .models import Exercise
from .services import CALM_MIN_SESSIONS, Calm, helped_most, what_calms_me


def points(value: float) -> str:
    """2.1 → "2,1" in Dutch, "2.1" in English."""
    return formats.number_format(abs(value), 1)


def one_decimal() -> Callable[[float], str]:
    """`formats.number_format(value, 1)` with the active language's separators looked up once,
    for a table that writes a number on every row."""
    language = get_language()
    separators = [
        get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    ]
    decimal, grouping, thousand = separators

    def write(value: float) -> str:
        return numberformat.format(value, decimal, 1, grouping, thousand, use_l10n=True)

    return write


def times(count: int) -> str:
    return ngettext("%(count)s keer", "%(count)s keer", count) % {"count": count}


def _sentences() -> tuple[str, str, str, str]:
    """What drop_text says, in the active language: too few, less, more, no difference."""
    return (
        _("nog te weinig keren om iets te zeggen"),
        _("gemiddeld %(points)s punt minder spanning"),
        _("gemiddeld %(points)s punt meer spanning"),
        _("gemiddeld geen verschil in spanning"),
    )


def drop_text(
    calm: Calm,
    sentences: tuple[str, str, str, str] | None = None,
    number: Callable[[float], str] | None = None,
) -> str:
    """ "gemiddeld 2,1 punt minder spanning"; under CALM_MIN_SESSIONS nothing is claimed.
    A page with many rows passes the sentences and the number format read once."""
    few, less, more, same = sentences or _sentences()
    if calm.mean_drop is None:
        return few
    drop = abs(calm.mean_drop)
    values = {"points": number(drop) if number else points(drop)}
    if calm.mean_drop > 0:
        return less % values
    if calm.mean_drop < 0:
        return more % values
    return same


def calm_text(calm: Calm) -> str:
    """ "gemiddeld 2,1 punt minder spanning (5 keer)"."""
    # Translators: what an exercise did for someone's tension, and how many times they rated it.
    return _("%(what)s (%(times)s)") % {"what": drop_text(calm), "times": times(calm.sessions)}


def names(slugs: list[str]) -> dict[str, str]:
    """The exercises' names in the active language: from the catalog's statement (one query
    compiled once per process) when it holds them all, else from the exercises themselves (an
    exercise no longer in the catalog is still named)."""
    english = current_language() == "en"
    catalog = {slug: (nl, en) for slug, nl, en, _kind, _domains in statements.catalog()}
    if all(slug in catalog for slug in slugs):
        found = [(slug, *catalog[slug]) for slug in slugs]
    else:
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
    sentences, number = _sentences(), one_decimal()
    rows = [
        {
            "slug": c.slug,
            "name": named.get(c.slug, c.slug),
            "sessions": c.sessions,
            "claimed": c.claimed,
            "drop": "" if c.mean_drop is None else number(c.mean_drop),
            "text": drop_text(c, sentences, number),
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
