"""From the insights core's numbers to plain sentences, charts and tables (Dutch and English)."""

from datetime import date
from functools import cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lijfwijs.core import charts
from lijfwijs.core.paging import day_words

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
    text = f"{value:.{digits}f}"  # rounded as round() rounds (half to even, exact binary)
    if text[0] == "-" and not text.strip("-0."):
        text = text[1:]  # no "-0.0"
    return text.replace(".", separator or _separator(get_language()))


@cache
def _separator(language: str | None) -> str:
    """The decimal separator of the active language (which `language` names): fixed while a
    process runs, so looked up once per language (a page asks some hundred times)."""
    return str(formats.get_format("DECIMAL_SEPARATOR"))


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


def _effect_values(effect: core.TagEffect, name: str) -> dict[str, Any]:
    return {
        "tag": name,
        "n_with": effect.n_with,
        "n_without": effect.n_without,
        "diff": _n(abs(effect.difference or 0)),
        "low": _n(core.LOW_SLEEP, 0),
    }


def effect_sentence(effect: core.TagEffect, name: str = "") -> str:
    """A clear pattern of a tag or of poor nights in plain words: how many days, how much higher
    or lower the pain was on average. The interval and the method are in the numbers
    (`effect_numbers`), not here."""
    higher = (effect.difference or 0) > 0
    values = _effect_values(effect, name)
    if effect.kind == "low_sleep":
        text = (
            _(
                "Op de %(n_with)s dagen na een nacht die je een %(low)s of lager gaf, was je pijn gemiddeld %(diff)s punt hoger dan op de %(n_without)s andere dagen."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen na een nacht die je een %(low)s of lager gaf, was je pijn gemiddeld %(diff)s punt lager dan op de %(n_without)s andere dagen."
            )
        )
    elif effect.lag == 0:
        text = (
            _(
                "Op de %(n_with)s dagen met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt hoger dan op de %(n_without)s dagen zonder."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt lager dan op de %(n_without)s dagen zonder."
            )
        )
    else:
        text = (
            _(
                "Op de %(n_with)s dagen na een dag met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt hoger dan op de %(n_without)s andere dagen."
            )
            if higher
            else _(
                "Op de %(n_with)s dagen na een dag met ‘%(tag)s’ was je pijn gemiddeld %(diff)s punt lager dan op de %(n_without)s andere dagen."
            )
        )
    return text % values


def effect_heading(effect: core.TagEffect, name: str) -> str:
    if effect.kind == "low_sleep":
        return _("Na een slechte nacht")
    if effect.lag == 0:
        return _("‘%(tag)s’, dezelfde dag") % {"tag": name}
    return _("‘%(tag)s’, de dag erna") % {"tag": name}


def unclear_text(effect: core.TagEffect) -> str:
    """What is known of a comparison that shows no clear pattern (yet), with its days."""
    values = {"n_with": effect.n_with, "n_without": effect.n_without, "min": core.MIN_DAYS}
    if not effect.enough_data:
        if effect.kind == "low_sleep":
            return (
                _(
                    "nog te weinig nachten om te vergelijken (%(n_with)s slechte, %(n_without)s andere; minstens %(min)s van elk)"
                )
                % values
            )
        return (
            _(
                "nog te weinig dagen om te vergelijken (%(n_with)s met, %(n_without)s zonder; minstens %(min)s van elk)"
            )
            % values
        )
    if effect.kind == "low_sleep":
        return (
            _(
                "nog geen duidelijk verschil in je pijn (%(n_with)s slechte nachten, %(n_without)s andere)"
            )
            % values
        )
    return (
        _("nog geen duidelijk verschil in je pijn (%(n_with)s dagen met, %(n_without)s zonder)")
        % values
    )


def _p(value: float | None) -> str:
    """A p- or q-value after its sign: "= 0,03", "< 0,001"."""
    if value is None:
        return "= –"
    if value < 0.001:
        return "< " + _n(0.001, 3)
    return "= " + _n(value, 3 if value < 0.01 else 2)


def _p_cell(value: float | None) -> str:
    """A p- or q-value in a table cell: "0,03", "&lt; 0,001"."""
    text = _p(value)
    return escape(text[2:] if text.startswith("=") else text)


def effect_numbers(effect: core.TagEffect, tested: int) -> list[str]:
    """The numbers behind a pattern, for the "numbers and method" disclosure."""
    higher = (effect.difference or 0) > 0
    low, high = (
        (effect.ci_low, effect.ci_high) if higher else (_neg(effect.ci_high), _neg(effect.ci_low))
    )
    with_label, without_label = (
        (_("Na een slechte nacht"), _("Na de andere nachten"))
        if effect.kind == "low_sleep"
        else (
            (_("Met"), _("Zonder"))
            if effect.lag == 0
            else (_("Na een dag met"), _("Na een dag zonder"))
        )
    )
    lines = [
        _("%(label)s: gemiddelde pijn %(mean)s op %(n)s dagen")
        % {"label": with_label, "mean": _n(effect.mean_with), "n": effect.n_with},
        _("%(label)s: gemiddelde pijn %(mean)s op %(n)s dagen")
        % {"label": without_label, "mean": _n(effect.mean_without), "n": effect.n_without},
    ]
    if effect.difference is not None and low is not None:
        lines.append(
            (
                _("Verschil: %(diff)s punt hoger, 95%%-interval %(low)s tot %(high)s")
                if higher
                else _("Verschil: %(diff)s punt lager, 95%%-interval %(low)s tot %(high)s")
            )
            % {"diff": _n(abs(effect.difference)), "low": _n(low), "high": _n(high)}
        )
    if effect.p_value is not None:
        lines.append(
            _("p %(p)s; q %(q)s (Benjamini-Hochberg over %(tested)s vergelijkingen)")
            % {"p": _p(effect.p_value), "q": _p(effect.q_value), "tested": tested}
        )
    return lines


def effect_method() -> str:
    return _(
        "Het verschil is dat tussen de gemiddelde pijn op dagen met en zonder, met een 95%-interval (Welch) dat ruimer is gemaakt omdat pijn van dag tot dag doorloopt en tags vaak een paar dagen achter elkaar komen; de p-waarde houdt daar ook rekening mee. Duidelijk heet een patroon als q ten hoogste 0,05 is na de correctie van Benjamini-Hochberg voor het aantal vergelijkingen."
    )


def correlation_sentence(c: core.Correlation) -> str:
    """A link of pain with sleep or stress over all days, in plain words."""
    sleep = c.variable == "sleep"
    values = {"n": c.n, "min": core.CORRELATION_MIN_DAYS}
    if not c.enough_data or c.rho is None:
        return (
            _(
                "Je hebt op %(n)s dagen zowel je pijn als je slaap ingevuld; vanaf %(min)s dagen zie je hier of ze samengaan."
            )
            if sleep
            else _(
                "Je hebt op %(n)s dagen zowel je pijn als je stress ingevuld; vanaf %(min)s dagen zie je hier of ze samengaan."
            )
        ) % values
    if not c.clear:
        return (
            _(
                "Over alle %(n)s dagen samen is er nog geen duidelijk verband tussen hoe je sliep en je pijn."
            )
            if sleep
            else _(
                "Over alle %(n)s dagen samen is er nog geen duidelijk verband tussen je stress en je pijn."
            )
        ) % values
    if sleep:
        text = (
            _("Over alle %(n)s dagen samen: na een betere nacht had je meestal minder pijn.")
            if c.rho < 0
            else _("Over alle %(n)s dagen samen: na een betere nacht had je meestal meer pijn.")
        )
    else:
        text = (
            _("Over alle %(n)s dagen samen: op dagen met meer stress had je meestal meer pijn.")
            if c.rho > 0
            else _(
                "Over alle %(n)s dagen samen: op dagen met meer stress had je meestal minder pijn."
            )
        )
    return text % values


def correlation_heading(c: core.Correlation) -> str:
    return _("Slaap en pijn") if c.variable == "sleep" else _("Stress en pijn")


def correlation_numbers(c: core.Correlation) -> list[str]:
    lines = [
        _("Rangcorrelatie (Spearman): %(rho)s over %(n)s dagen") % {"rho": _n(c.rho, 2), "n": c.n}
    ]
    if c.p_value is not None:
        lines.append(
            _("p %(p)s; q %(q)s (Benjamini-Hochberg over slaap en stress)")
            % {"p": _p(c.p_value), "q": _p(c.q_value)}
        )
    return lines


def correlation_method(c: core.Correlation) -> str:
    return (
        _(
            "Een rangcorrelatie loopt van -1 tot 1: boven 0 had je meer pijn naarmate je slaap hoger scoorde, onder 0 minder; 0 is geen verband. Ze kijkt naar alle dagen samen, als één rechte lijn van slecht naar goed geslapen. De p-waarde houdt rekening met pijn en slaap die van dag tot dag doorlopen. Duidelijk: q ten hoogste 0,05."
        )
        if c.variable == "sleep"
        else _(
            "Een rangcorrelatie loopt van -1 tot 1: boven 0 had je meer pijn naarmate je stress hoger was, onder 0 minder; 0 is geen verband. Ze kijkt naar alle dagen samen. De p-waarde houdt rekening met pijn en stress die van dag tot dag doorlopen. Duidelijk: q ten hoogste 0,05."
        )
    )


def sleep_why(low_sleep: core.TagEffect | None, sleep: core.Correlation | None) -> tuple[str, str]:
    """When the poor-nights comparison and the sleep link over all nights seem to disagree, one
    sentence on why both can hold, and which card it belongs to ("low_sleep" or "sleep"; ("", "")
    when they agree or one of them has too few days).

    The link is a straight line over all nights; the comparison looks at the poorest nights only.
    A few poor nights can go with more pain while the other nights make little difference, and a
    link over all nights can come from the ordinary and good nights while the poorest are too few
    or too varied to stand out.
    """
    if low_sleep is None or sleep is None or not low_sleep.enough_data or not sleep.enough_data:
        return "", ""
    values = {"low": _n(core.LOW_SLEEP, 0), "n": low_sleep.n_with}
    if low_sleep.clear and not sleep.clear:
        return "low_sleep", _(
            "Dat lijkt te botsen met ‘nog geen duidelijk verband met hoe je sliep’ hieronder, maar beide kunnen kloppen: dat verband zoekt één rechte lijn over alle nachten samen, dit verschil gaat alleen over de slechtste nachten (een %(low)s of lager)."
        ) % values
    if sleep.clear and not low_sleep.clear:
        return "sleep", _(
            "Na alleen de slechtste nachten (een %(low)s of lager, %(n)s keer) zie je nog geen duidelijk verschil, en ook dat kan kloppen: dit verband kijkt naar alle nachten samen, terwijl die paar slechtste nachten te weinig zijn of te veel uiteenlopen om apart op te vallen."
        ) % values
    if (
        sleep.clear
        and low_sleep.clear
        and sleep.rho is not None
        and (low_sleep.difference or 0) > 0
        and sleep.rho > 0
    ):
        return "low_sleep", _(
            "Dat lijkt te botsen met ‘na een betere nacht meestal meer pijn’ hieronder, maar beide kunnen kloppen: dat verband zoekt één rechte lijn over alle nachten samen, dit verschil gaat alleen over de slechtste nachten (een %(low)s of lager)."
        ) % values
    return "", ""


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


def _lines(lines: list[str]) -> SafeString:
    return mark_safe("".join(f"<li>{escape(line)}</li>" for line in lines))  # noqa: S308 - escaped


def _h(value: Any) -> str:
    """What `{{ value }}` writes with autoescaping: markup as it is, anything else escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def card_markup(card: dict[str, Any], words: dict[str, Any], clear: bool) -> str:
    """`diary/_insight_card.html` written in one pass, for the insights page's cards (an include
    per card cost the page a sixth of its time). The template stays for the practitioner's view
    of the same cards; a test holds the two to the same markup."""
    parts = [
        f"\n    <h3>{_h(card['heading'])}</h3>"
        f'\n    <p class="insight-sentence">{_h(card["sentence"])}</p>\n    '
    ]
    if card.get("why"):
        parts.append(f'<p class="insight-why">{_h(card["why"])}</p>')
    parts.append("\n    ")
    if clear:
        parts.append(f'<p class="muted">{_h(words["note"])}</p>')
    parts.append("\n    ")
    by = card.get("by")
    if by:
        summary = _h(card["by_summary"])
        parts.append(
            f'<details class="more"><summary>{summary}</summary>'
            f'\n      <p class="chart-axis-title">{_h(words["axis"])}</p>'
            f'\n      <ul class="insights-bars" aria-hidden="true">{_h(by["bars"])}</ul>'
            f'\n      <div class="table-scroll" tabindex="0" role="region" aria-label="{summary}">'
            f"\n      <table><caption>{_h(card['by_caption'])}</caption>"
            f'\n        <thead><tr><th scope="col">{_h(card["by_name"])}</th>'
            f'<th scope="col" class="num">{_h(words["pain"])}</th>'
            f'<th scope="col" class="num">{_h(words["days"])}</th></tr></thead>'
            f"\n        <tbody>{_h(by['rows'])}</tbody>"
            "\n      </table></div>\n    </details>"
        )
    parts.append("\n    ")
    if card.get("numbers"):
        parts.append(
            f'<details class="more"><summary>{_h(words["more"])}</summary>'
            f'\n      <ul class="insight-numbers">{_h(card["numbers"])}</ul>'
            f'\n      <p class="muted">{_h(card["method"])}</p>\n    </details>'
        )
    parts.append("\n")
    return "".join(parts)


def _cards_markup(cards: list[dict[str, Any]], words: dict[str, Any], clear: bool) -> SafeString:
    """The list items of `insights.html` around each card (what its loop and include wrote)."""
    kind = "insight-clear" if clear else "insight-unclear"
    return mark_safe(  # noqa: S308 - card_markup escapes what it writes
        "".join(
            f'<li class="card insight-card {kind}">\n    {card_markup(card, words, clear)}\n  </li>'
            for card in cards
        )
    )


def pain_by(groups: tuple[tuple[int, int, float], ...], name: str) -> dict[str, SafeString]:
    """Mean daily pain for each whole value (0-10) of sleep or stress: bars (decorative, the
    numbers beside them) and the rows of their table, as markup (no template loop)."""
    bars, rows = [], []
    for value, days, mean in groups:
        pain = _n(mean)
        bars.append(
            f'<li class="insights-bar"><span>{escape(name)} {value}</span>'
            f"{charts.bar(mean, maximum=10, label=str(value))}"
            f'<span class="num">{pain}</span></li>'
        )
        rows.append(
            f'<tr><th scope="row">{value}</th><td class="num">{pain}</td>'
            f'<td class="num">{days}</td></tr>'
        )
    return {
        "bars": mark_safe("".join(bars)),  # noqa: S308 - names escaped, the rest numbers
        "rows": mark_safe("".join(rows)),  # noqa: S308 - numbers only
    }


def trend_numbers(trend: core.Trend, words: dict[date, tuple[str, str]]) -> list[str]:
    if not trend.enough_data or trend.first_from is None or trend.last_from is None:
        return []

    def day(d: date | None) -> str:
        return words[d][1] if d is not None else ""

    lines = [
        _("Eerste twee weken (%(from)s tot en met %(to)s): gemiddeld %(mean)s, op %(n)s dagen")
        % {
            "from": day(trend.first_from),
            "to": day(trend.first_to),
            "mean": _n(trend.first_mean),
            "n": trend.n_first,
        },
        _("Laatste twee weken (%(from)s tot en met %(to)s): gemiddeld %(mean)s, op %(n)s dagen")
        % {
            "from": day(trend.last_from),
            "to": day(trend.last_to),
            "mean": _n(trend.last_mean),
            "n": trend.n_last,
        },
    ]
    if trend.change is not None:
        if trend.percent_change is not None:
            lines.append(
                _("Verandering: %(change)s punt (%(percent)s%%)")
                % {"change": _signed(trend.change), "percent": _signed(trend.percent_change, 0)}
            )
        else:
            lines.append(_("Verandering: %(change)s punt") % {"change": _signed(trend.change)})
    return lines


def _signed(value: float, digits: int = 1) -> str:
    text = _n(value, digits)
    return text if text.startswith("-") else "+" + text


def page_context(user: Any, today: date) -> dict[str, Any]:
    """The insights page: the cached insights, in words, charts and tables in this language.

    One card per finding: the clear ones first, the biggest difference in pain first (then the
    links over all days, which have no size in points), then what is not clear yet, with what
    would make it clearer. The numbers, intervals and methods are in a disclosure on each card.
    """
    result = computed.insights(user, today)
    names = computed.tag_names({int(e.tag) for e in result.tag_effects if e.kind == "tag"})
    low_sleep_name = _("Na een nacht met een %(low)s of lager") % {"low": _n(core.LOW_SLEEP, 0)}

    def name(effect: core.TagEffect) -> str:
        return names.get(int(effect.tag), "") if effect.kind == "tag" else low_sleep_name

    series = result.points(last=90)
    trend = result.trend
    words = day_words(
        {p.day for p in series}
        | {d for d in (trend.first_from, trend.first_to, trend.last_from, trend.last_to) if d}
    )
    sep = formats.get_format("DECIMAL_SEPARATOR")

    def n(value: float | None) -> str:
        return _n(value, separator=sep)

    trend_chart = (
        charts.line(
            [(p.day.toordinal(), p.pain, p.rolling) for p in series],
            title=_("Je pijn per dag, de laatste %(count)s dagen met pijn")
            % {"count": len(series)},
            description=_(
                "Grafiek van je pijn per dag van %(first)s tot en met %(last)s, op een schaal van 0 tot 10: punten zijn dagen, de lijn is het gemiddelde over 7 dagen. De cijfers staan in de tabel eronder."
            )
            % {"first": words[series[0].day][1], "last": words[series[-1].day][1]},
            first_label=words[series[0].day][1],
            last_label=words[series[-1].day][1],
            y_title=_("Pijn (0 = geen, 10 = ergste)"),
            x_title=_("Dag"),
            dots_name=_("Je pijn die dag"),
            line_name=_("Gemiddelde over 7 dagen"),
            chart_id="trend-chart",
        )
        if len(series) >= 2
        else None
    )

    effects = result.tag_effects
    tested = sum(1 for e in effects if e.enough_data and e.p_value is not None)
    clear = sorted(
        (e for e in effects if e.clear and e.difference is not None and e.ci_low is not None),
        key=lambda e: -abs(e.difference or 0),
    )
    low_sleep = next((e for e in effects if e.kind == "low_sleep"), None)
    sleep = next((c for c in result.correlations if c.variable == "sleep"), None)
    why_card, why = sleep_why(low_sleep, sleep)

    method = effect_method()
    headings = {id(e): effect_heading(e, name(e)) for e in clear}
    cards_clear: list[dict[str, Any]] = []
    for e in clear:
        cards_clear.append(
            {
                "heading": headings[id(e)],
                "sentence": effect_sentence(e, name(e)),
                "why": why if e.kind == "low_sleep" and why_card == "low_sleep" else "",
                "numbers": _lines(effect_numbers(e, tested)),
                "method": method,
            }
        )
    cards_unclear: list[dict[str, Any]] = []
    for c in result.correlations:
        label = _("Slaap vannacht") if c.variable == "sleep" else _("Stress")
        card = {
            "heading": correlation_heading(c),
            "sentence": correlation_sentence(c),
            "why": why if c.variable == "sleep" and why_card == "sleep" else "",
            "numbers": _lines(correlation_numbers(c)) if c.rho is not None else "",
            "method": correlation_method(c) if c.rho is not None else "",
            "by": pain_by(result.pain_by[c.variable], label)
            if result.pain_by[c.variable]
            else None,
            "by_name": label,
            "by_summary": _("Je pijn per score voor slaap")
            if c.variable == "sleep"
            else _("Je pijn per score voor stress"),
            "by_caption": _("Gemiddelde pijn per score voor %(name)s (0 tot 10)") % {"name": label},
        }
        (cards_clear if c.clear else cards_unclear).append(card)

    # Tags (and poor nights) with no clear pattern at either lag, once each, most days first.
    clear_keys = {(e.kind, e.tag) for e in clear}
    seen: set[tuple[str, str]] = set()
    unclear: list[tuple[str, str]] = []
    for e in sorted(effects, key=lambda e: (e.lag, -e.n_with)):
        key = (e.kind, e.tag)
        if key in clear_keys or key in seen:
            continue
        seen.add(key)
        unclear.append((name(e), unclear_text(e)))
    unclear_items = mark_safe(  # noqa: S308 - every text escaped
        "".join(
            f"<li><strong>{escape(label)}</strong>: {escape(text)}</li>" for label, text in unclear
        )
    )

    interval_chart = (
        charts.intervals(
            [
                (
                    headings[id(e)],
                    e.difference or 0.0,
                    e.ci_low or 0.0,
                    e.ci_high or 0.0,
                    interval_words(e),
                )
                for e in clear
            ],
            title=_("De duidelijke patronen naast elkaar"),
            legend_dot=_("Het verschil in je pijn"),
            legend_line=_("Waar het verschil waarschijnlijk ligt"),
            axis_title=_("Verschil in pijn, in punten (schaal 0 tot 10)"),
            lower_end=_("minder pijn"),
            upper_end=_("meer pijn"),
            number=lambda v: _n(v, 0),
        )
        if clear
        else None
    )
    label = {0: _("zelfde dag"), 1: _("dag erna")}
    yes, no = _("ja"), _("nee")
    enough = [e for e in effects if e.enough_data and e.ci_low is not None]
    table = mark_safe(  # noqa: S308 - the names escaped, the rest numbers and our own words
        "".join(
            f'<tr><th scope="row">{escape(name(e))}</th><td>{label[e.lag]}</td>'
            f'<td class="num">{e.n_with}</td><td class="num">{e.n_without}</td>'
            f'<td class="num">{n(e.difference)}</td><td>{n(e.ci_low)} – {n(e.ci_high)}</td>'
            f'<td class="num">{_p_cell(e.p_value)}</td><td class="num">{_p_cell(e.q_value)}</td>'
            f"<td>{yes if e.clear else no}</td></tr>"
            for e in enough
        )
    )
    # the words every card repeats, translated once a page rather than once a card
    card_words = {
        "note": pattern_note(),
        "more": _("De cijfers en hoe dit berekend is"),
        "axis": _("Gemiddelde pijn (0 tot 10)"),
        "pain": _("Gemiddelde pijn"),
        "days": _("Dagen"),
    }
    return {
        "words": card_words,
        # the cards as markup (no include per card)
        "clear_cards": _cards_markup(cards_clear, card_words, clear=True),
        "unclear_cards": _cards_markup(cards_unclear, card_words, clear=False),
        "days": result.days,
        "trend": trend,
        "trend_sentence": trend_sentence(trend),
        "trend_numbers": _lines(trend_numbers(trend, words)),
        "trend_chart": trend_chart,
        # the table's rows as markup (90 rows: no template loop over them)
        "trend_rows": mark_safe(  # noqa: S308 - dates in our own words and numbers
            "".join(
                f'<tr><td>{escape(words[p.day][0])}</td><td class="num">{n(p.pain)}</td>'
                f'<td class="num">{n(p.rolling)}</td></tr>'
                for p in series
            )
        ),
        "clear": cards_clear,
        "unclear": cards_unclear,
        "unclear_items": unclear_items,
        "interval_chart": interval_chart,
        "table": table,
        "tested": tested,
        "flare": flare_context(result.flare_up),
        # pain meaningfully worse (2 points or 30%): the safety net under the trend
        "trend_safety_net": safety_net_line()
        if trend.meaningful and trend.direction == "worse"
        else "",
    }


def interval_words(effect: core.TagEffect) -> str:
    """A row of the interval chart in words (its text alternative)."""
    higher = (effect.difference or 0) > 0
    low, high = (
        (effect.ci_low, effect.ci_high) if higher else (_neg(effect.ci_high), _neg(effect.ci_low))
    )
    values = {"diff": _n(abs(effect.difference or 0)), "low": _n(low), "high": _n(high)}
    return (
        _("%(diff)s punt meer pijn, waarschijnlijk tussen %(low)s en %(high)s")
        if higher
        else _("%(diff)s punt minder pijn, waarschijnlijk tussen %(low)s en %(high)s")
    ) % values
