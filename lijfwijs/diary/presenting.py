"""From the insights core's numbers to plain sentences, charts and tables (Dutch and English)."""

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from lijfwijs.core import charts

from . import computed
from . import insights as core
from .safety import safety_net_line


def pattern_note() -> str:
    return _("Een patroon, geen bewijs van een oorzaak.")


def _n(value: float | None, digits: int = 1, separator: str = "") -> str:
    """3.456 → "3,5" in Dutch, "3.5" in English (no thousands: the values are small). Written out
    here, not by `formats.number_format`: a page has some 700 of them."""
    if value is None:
        return "–"
    text = f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.0"
    return text.replace(".", separator or formats.get_format("DECIMAL_SEPARATOR"))


def _day_names() -> tuple[dict[int, str], dict[int, str]]:
    """Abbreviated weekdays and months in this language, as the date formats "D" and "M" write
    them (looked up once per page, not once per day)."""
    return (
        {n: str(name) for n, name in WEEKDAYS_ABBR.items()},
        {n: str(name).title() for n, name in MONTHS_3.items()},
    )


def _neg(value: float | None) -> float | None:
    return None if value is None else -value


def trend_sentence(trend: core.Trend) -> str:
    if not trend.enough_data or trend.change is None:
        return _(
            "Na vier weken check-ins zie je hier of je pijn verandert: je eerste twee weken tegen je laatste twee."
        )
    values = {
        "first": _n(trend.first_mean),
        "last": _n(trend.last_mean),
        "change": _n(abs(trend.change)),
    }
    if trend.direction == "same":
        text = (
            _(
                "Je pijn was in je laatste twee weken gemiddeld %(last)s, net als in je eerste twee weken (%(first)s)."
            )
            % values
        )
    elif trend.direction == "better":
        text = (
            _(
                "Je pijn was in je laatste twee weken gemiddeld %(last)s, tegen %(first)s in je eerste twee weken: %(change)s punt lager."
            )
            % values
        )
    else:
        text = (
            _(
                "Je pijn was in je laatste twee weken gemiddeld %(last)s, tegen %(first)s in je eerste twee weken: %(change)s punt hoger."
            )
            % values
        )
    if trend.meaningful:
        return text + " " + _("Dat is een verandering die mensen echt merken (2 punten of 30%).")
    return (
        text
        + " "
        + _("Dat is minder dan een verandering die mensen echt merken (2 punten of 30%).")
    )


def effect_sentence(effect: core.TagEffect, name: str = "") -> str:
    higher = (effect.difference or 0) > 0
    # "1.3 points lower (95% interval 0.8 to 1.8)": the interval in the sentence's own direction
    low, high = (
        (effect.ci_low, effect.ci_high) if higher else (_neg(effect.ci_high), _neg(effect.ci_low))
    )
    values = {
        "tag": name,
        "n_with": effect.n_with,
        "n_without": effect.n_without,
        "diff": _n(abs(effect.difference or 0)),
        "low": _n(low),
        "high": _n(high),
    }
    if effect.kind == "low_sleep":
        text = (
            _(
                "Op de %(n_with)s dagen nadat je 4 of minder sliep, was je pijn gemiddeld %(diff)s punt hoger (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s andere dagen."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen nadat je 4 of minder sliep, was je pijn gemiddeld %(diff)s punt lager (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s andere dagen."
            )
        )
    elif effect.lag == 0:
        text = (
            _(
                "Op de %(n_with)s dagen met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt hoger (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s dagen zonder."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt lager (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s dagen zonder."
            )
        )
    else:
        text = (
            _(
                "Op de %(n_with)s dagen na een dag met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt hoger (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s andere dagen."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen na een dag met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt lager (95%%-interval %(low)s tot %(high)s) dan op de %(n_without)s andere dagen."
            )
        )
    return (text % values) + " " + pattern_note()


def correlation_sentence(c: core.Correlation) -> str:
    name = _("slaap") if c.variable == "sleep" else _("stress")
    if not c.enough_data or c.rho is None:
        return _("Pijn en %(name)s: nog te weinig dagen (minstens 10).") % {"name": name}
    values = {"name": name, "rho": _n(c.rho, 2), "n": c.n}
    if not c.clear:
        return (
            _("Pijn en %(name)s: geen duidelijk verband over %(n)s dagen (rangcorrelatie %(rho)s).")
            % values
        )
    if c.variable == "sleep":
        text = (
            _(
                "Op dagen na een betere nacht had je meestal minder pijn (rangcorrelatie %(rho)s over %(n)s dagen)."
            )
            if c.rho < 0
            else _(
                "Op dagen na een betere nacht had je meestal meer pijn (rangcorrelatie %(rho)s over %(n)s dagen)."
            )
        )
    else:
        text = (
            _(
                "Op dagen met meer stress had je meestal meer pijn (rangcorrelatie %(rho)s over %(n)s dagen)."
            )
            if c.rho > 0
            else _(
                "Op dagen met meer stress had je meestal minder pijn (rangcorrelatie %(rho)s over %(n)s dagen)."
            )
        )
    return (text % values) + " " + pattern_note()


def flare_context(flare: core.FlareUp | None) -> dict[str, Any] | None:
    if flare is None or not flare.active:
        return None
    return {
        "text": _(
            "De laatste dagen is je pijn gemiddeld %(recent)s: %(rise)s punt boven wat voor jou gewoon is (%(baseline)s)."
        )
        % {"recent": _n(flare.recent_mean), "rise": _n(flare.rise), "baseline": _n(flare.baseline)},
        "safety_net": safety_net_line(),
    }


def pain_by(groups: tuple[tuple[int, int, float], ...]) -> list[dict[str, Any]]:
    """Rows of mean daily pain for each whole value (0-10) of sleep or stress, with a bar."""
    return [
        {
            "value": str(value),  # as text: the template writes it without number formatting
            "days": str(days),
            "pain": _n(mean),
            "bar": charts.bar(mean, maximum=10, label=str(value)),
        }
        for value, days, mean in groups
    ]


def page_context(user: Any, today: date) -> dict[str, Any]:
    """The insights page: the cached insights, in words, charts and tables in this language."""
    result = computed.insights(user, today)
    names = computed.tag_names({int(e.tag) for e in result.tag_effects if e.kind == "tag"})
    low_sleep = _("4 of minder geslapen")

    def name(effect: core.TagEffect) -> str:
        return names.get(int(effect.tag), "") if effect.kind == "tag" else low_sleep

    series = result.points(last=90)
    weekdays, months = _day_names()
    sep = formats.get_format("DECIMAL_SEPARATOR")

    def n(value: float | None) -> str:
        return _n(value, separator=sep)

    trend_chart = charts.line(
        [(f"{p.day.day} {months[p.day.month]}", p.pain, p.rolling) for p in series],
        title=_("Je pijn per dag met het gemiddelde over 7 dagen"),
        description=_(
            "Punten zijn dagen, de lijn is het gemiddelde over de laatste 7 dagen (0 tot 10)."
        ),
    )
    enough = [e for e in result.tag_effects if e.enough_data and e.ci_low is not None]
    clear = [e for e in enough if e.clear]
    label = {0: _("zelfde dag"), 1: _("dag erna")}
    yes, no = _("ja"), _("nee")
    interval_chart = (
        charts.intervals(
            [(f"{name(e)} ({label[e.lag]})", e.difference, e.ci_low, e.ci_high) for e in clear],
            title=_("Duidelijke patronen: verschil in pijn met 95%-interval"),
            description=_("Rechts van de nul: meer pijn met dit kenmerk; links: minder."),
        )
        if clear
        else None
    )
    return {
        "days": result.days,
        "trend": result.trend,
        "trend_sentence": trend_sentence(result.trend),
        "trend_chart": trend_chart,
        # the table's rows as escaped markup (90 rows: no template loop over them)
        "trend_rows": format_html_join(
            "",
            '<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
            (
                (
                    f"{weekdays[p.day.weekday()]} {p.day.day} {months[p.day.month]}",
                    n(p.pain),
                    n(p.rolling),
                )
                for p in series
            ),
        ),
        "clear": [
            {"effect": e, "sentence": effect_sentence(e, name(e)), "when": label[e.lag]}
            for e in clear
        ],
        # the table's rows as escaped markup (no template loop over them)
        "table": format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td class="num">{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td>{} – {}</td><td>{}</td></tr>',
            (
                (
                    name(e),
                    label[e.lag],
                    str(e.n_with),  # as text: no number formatting per cell
                    str(e.n_without),
                    n(e.difference),
                    n(e.ci_low),
                    n(e.ci_high),
                    yes if e.clear else no,
                )
                for e in enough
            ),
        ),
        "too_few": sorted(
            {name(e) for e in result.tag_effects if not e.enough_data and e.kind == "tag"}
        ),
        "interval_chart": interval_chart,
        "correlations": [
            {
                "sentence": correlation_sentence(c),
                "name": _("Slaap vannacht") if c.variable == "sleep" else _("Stress"),
                "rows": pain_by(result.pain_by[c.variable]),
            }
            for c in result.correlations
        ],
        "flare": flare_context(result.flare_up),
        # pain meaningfully worse (2 points or 30%): the safety net under the trend
        "trend_safety_net": safety_net_line()
        if result.trend.meaningful and result.trend.direction == "worse"
        else "",
    }
