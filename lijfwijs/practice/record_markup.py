"""The overview tab of a client's record written in Python, in one pass: the client's details,
"in het kort" with its four weeks, the alerts with their acknowledge forms and the program with
its controls.

The templates these replace (`client.html`'s blocks as they were, `_client_alerts.html` with
`alerts_entry.html`, `_client_program.html`, `_client_trend_table.html`) cost the overview some
6,000 Python calls a request in tags, filters, includes and two Django forms; this writes the same
markup with every value escaped (tests hold it to those templates in both languages). Per process
only the addresses (reversed once per language and script prefix, with a stand-in id) and the
words of the acknowledge form's field are kept; everything about the client is read and written
per request.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from . import dates
from .alert_views import NOTE_MAX, AcknowledgeForm, describe
from .models import Alert
from .program_controls import OverrideForm
from .timeline import decimal_separator

URL_ID = "2147483647"  # the stand-in id of the addresses reversed once
RESPONSE_ID = "R3SP0NS3-ST4ND-1N"  # the stand-in of a Pijntest result's id


@lru_cache(maxsize=16)
def _urls(language: str | None, prefix: str) -> dict[str, str]:
    """The overview's addresses for the stand-in ids, per language and script prefix."""
    client = {"client_id": int(URL_ID)}
    return {
        "messages": reverse("messaging:client_conversation", kwargs=client),
        "exports": reverse("exports:client", args=[int(URL_ID)]),
        "report": reverse("practice:client_report", kwargs={**client, "response_id": RESPONSE_ID}),
        "acknowledge": reverse("practice:acknowledge_alert", kwargs={"alert_id": int(URL_ID)}),
        "alerts": reverse("practice:alerts"),
        "program": reverse("practice:client_program", kwargs=client),
    }


def urls() -> dict[str, str]:
    return _urls(get_language(), get_script_prefix())


@lru_cache(maxsize=4)
def _note_words(language: str | None) -> tuple[str, str]:
    """The acknowledge form's note field's label and help, escaped (fixed words)."""
    field = AcknowledgeForm.base_fields["note"]
    return escape(str(field.label)), escape(str(field.help_text))


class Words(dict[Any, str]):
    """The overview's fixed words in one language, translated once per process and language:
    `tr` as `{% translate %}` (escaped), `blk` as `{% blocktranslate with ... %}` (the
    translation with its values escaped, not itself)."""

    def tr(self, msgid: str) -> str:
        try:
            return self[msgid]
        except KeyError:
            text = self[msgid] = escape(_(msgid))
            return text

    def blk(self, msgid: str, **values: Any) -> str:
        key = ("blk", msgid)
        try:
            text = self[key]
        except KeyError:
            text = self[key] = _(msgid)
        return text % {k: escape(str(v)) for k, v in values.items()}


@lru_cache(maxsize=4)
def _words(language: str | None) -> Words:
    return Words()


def words() -> Words:
    return _words(get_language())


def one_decimal(value: Any, separator: str) -> str:
    """`value|floatformat:1` (rounded half up, as Django's filter does)."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:f}".replace(".", separator)


def _local_iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def overview(
    request: Any,
    client: Any,
    context: dict[str, Any],
    alerts_read: list[Alert],
    form: OverrideForm | None,
) -> dict[str, SafeString]:
    """The overview's two parts, `facts_html` (in the header) and `tab_html` (the tab's
    sections), from what `client_page._client_page` read."""
    from django.middleware.csrf import get_token

    from .alert_views import client_lists

    csrf = get_token(request)
    sep = decimal_separator(get_language())
    open_alerts, done = client_lists(alerts_read)
    facts_html = facts(
        client,
        context["granted_at"],
        context["glance"],
        context["open_alerts"],
        context["shares_notes"],
    )
    tab_html = "\n\n".join(
        (
            glance(
                client.pk,
                context["glance"],
                context["trend_weeks"],
                context["meaningful_peg"],
                sep,
            ),
            alerts(open_alerts, done, request.get_full_path(), csrf),
            program(client.pk, context["program"], form, csrf),
        )
    )
    return {
        "facts_html": mark_safe(facts_html),  # noqa: S308 - every value is escaped
        "tab_html": mark_safe(tab_html),  # noqa: S308 - every value is escaped
        # the layout's forms take the same token (the template's csrf_token would mask another)
        "csrf_token": csrf,
    }


# --- the details (the header's facts) ---------------------------------------------------------


def facts(
    client: Any, granted_at: Any, glance: dict[str, Any], open_alerts: int, shares: bool
) -> str:
    w = words()
    u = urls()
    email = escape(client.email)
    granted = ""
    if granted_at:
        granted = (
            f"<dt>{w.tr('Toegang sinds')}</dt>"
            f"<dd>{escape(dates.formatter()(timezone.localtime(granted_at)))}</dd>"
        )
    program = glance["program"]
    if program:
        step = w.blk("stap %(number)s: %(name)s", number=program["step"], name=program["name"])
    else:
        step = w.tr("nog niet begonnen")
    alerts = f"<strong>{open_alerts}</strong>" if open_alerts else w.tr("geen")
    notes = w.tr("gedeeld met jou") if shares else w.tr("niet gedeeld")
    pk = str(client.pk)
    return (
        '  <dl class="facts">\n'
        f'    <dt>{w.tr("E-mail")}</dt><dd><a href="mailto:{email}">{email}</a></dd>\n'
        f"    {granted}\n"
        f"    <dt>{w.tr('Programma')}</dt><dd>{step}</dd>\n"
        f"    <dt>{w.tr('Open meldingen')}</dt><dd>{alerts}</dd>\n"
        f"    <dt>{w.tr('Dagboeknotities')}</dt><dd>{notes}</dd>\n"
        "  </dl>\n"
        f'  <p><a href="{u["messages"].replace(URL_ID, pk)}">{w.tr("Berichten")}</a></p>\n'
        f'  <p><a href="{u["exports"].replace(URL_ID, pk)}">'
        + w.tr(
            "Downloads: een overzicht voor de huisarts (PDF), het dagboek en oefenlogboek "
            "(CSV), FHIR"
        )
        + "</a></p>\n"
    )


# --- "in het kort" ----------------------------------------------------------------------------


def _compared(change: dict[str, Any], same: str, worse: str, better: str, sep: str) -> str:
    """The change's words: `same`, or `worse`/`better` with its points, and whether it is
    noticeable (the template's `change` span, without its tags)."""
    w = words()
    if change["direction"] == "same":
        text = w.tr(same)
    elif change["direction"] == "worse":
        text = w.blk(worse, points=one_decimal(change["change"], sep))
    else:
        text = w.blk(better, points=one_decimal(change["change"], sep).replace("-", ""))
    if change["meaningful"]:
        text += " · " + w.tr("merkbaar")
    elif change["direction"] != "same":
        text += " · " + w.tr("niet merkbaar")
    return text


def glance(
    client_id: int,
    glance: dict[str, Any],
    trend_weeks: list[dict[str, Any]],
    meaningful_peg: str,
    sep: str,
) -> str:
    """The section "In het kort": the last Pijntest, the diary's fortnights, what calms and the
    four weeks' table."""
    w = words()
    pijntest = glance["pijntest"]
    if pijntest:
        change = pijntest["change"]
        compared = (
            '<span class="stat-label">'
            + _compared(
                change,
                gettext_noop("gelijk aan de vorige keer"),
                gettext_noop("%(points)s punt hoger dan de vorige keer"),
                gettext_noop("%(points)s punt lager dan de vorige keer"),
                sep,
            )
            + "</span>"
            if change
            else ""
        )
        report = (
            urls()["report"]
            .replace(URL_ID, str(client_id))
            .replace(RESPONSE_ID, escape(str(pijntest["id"])))
        )
        first = (
            f'<span class="stat-value">{one_decimal(pijntest["peg"], sep)}</span>\n'
            f'      <span class="stat-label">'
            f"{w.tr('PEG bij de laatste Pijntest (0 tot 10)')}</span>\n"
            f"      {compared}\n"
            f'      <a href="{report}">{w.tr("Laatste uitslag bekijken")}</a>\n      '
        )
    else:
        first = (
            '<span class="stat-value">–</span><span class="stat-label">'
            f"{w.tr('Nog geen Pijntest')}</span>"
        )
    diary = glance["diary"]
    if diary["last_two_weeks_mean"] is not None:
        compared = ""
        if diary["change"] is not None:
            compared = (
                '<span class="stat-label">'
                + _compared(
                    diary,
                    gettext_noop("gelijk aan de 2 weken ervoor"),
                    gettext_noop("%(points)s punt hoger dan de 2 weken ervoor"),
                    gettext_noop("%(points)s punt lager dan de 2 weken ervoor"),
                    sep,
                )
                + "</span>"
            )
        label = w.tr("Pijn in het dagboek, gemiddeld over de laatste 2 weken (0 tot 10)")
        second = (
            f'<span class="stat-value">{one_decimal(diary["last_two_weeks_mean"], sep)}</span>\n'
            f'      <span class="stat-label">{label}</span>\n'
            f"      {compared}\n      "
        )
    else:
        second = (
            '<span class="stat-value">–</span><span class="stat-label">'
            f"{w.tr('Geen check-ins in de laatste 2 weken')}</span>"
        )
    calms = glance["what_calms_me"]
    if calms:
        calm_text = f"<strong>{w.tr('Wat het meest rust geeft:')}</strong> " + ", ".join(
            w.blk(
                "%(name)s (%(points)s punt minder spanning)",
                name=c["name"],
                points=one_decimal(c["mean_drop"], sep),
            )
            for c in calms
        )
    else:
        calm_text = w.tr("Nog geen oefening met een duidelijke daling in spanning.")
    note = w.blk(
        "Een merkbare verandering: ongeveer %(peg)s punt op de PEG (Reed 2023); 2 punten of "
        "30%% op de pijnschaal van het dagboek (Ostelo 2008).",
        peg=meaningful_peg,
    )
    return (
        '<section aria-labelledby="glance-heading">\n'
        f'  <h2 id="glance-heading">{w.tr("In het kort")}</h2>\n'
        '  <ul class="stats">\n'
        f'    <li class="stat">{first}</li>\n'
        f'    <li class="stat">{second}</li>\n'
        "  </ul>\n"
        f"  <p>{calm_text}</p>\n"
        f"  {trend_table(trend_weeks)}\n"
        f'  <p class="muted">{note}</p>\n'
        "</section>"
    )


def trend_table(weeks: list[dict[str, Any]]) -> str:
    """`_client_trend_table.html`: the four weeks' check-ins and mean pain."""
    w = words()
    if not weeks:
        return ""
    rows = "".join(
        f'<tr><td>{escape(w["start_text"])}</td><td class="num">{w["checkins"]}</td>'
        f'<td class="num">{escape(w["pain_text"])}</td></tr>'
        for w in weeks
    )
    return (
        '<div class="table-scroll" tabindex="0" role="region" aria-labelledby="trend4-caption">\n'
        '<table class="trend-weeks">\n'
        '  <caption id="trend4-caption">'
        f"{w.tr('Gemiddelde pijn per week in het dagboek, de laatste 4 weken')}</caption>\n"
        f'  <thead><tr><th scope="col">{w.tr("Week van")}</th>'
        f'<th scope="col" class="num">{w.tr("Check-ins")}</th>'
        f'<th scope="col" class="num">{w.tr("Pijn")}</th></tr></thead>\n'
        f"  <tbody>{rows}</tbody>\n"
        "</table></div>"
    )


# --- the alerts -------------------------------------------------------------------------------


def _alert(alert: Alert, csrf: str, next_url: str, when: Any, urls_: dict[str, str]) -> str:
    """`alerts_entry.html` for one alert on the client's page (no client named); an open one
    with its empty acknowledge form (the page's forms are never sent back to it)."""
    w = words()
    created = alert.created_at
    head = (
        '\n<li class="card stack">\n'
        f'  <p><span class="tag">{escape(str(alert.get_kind_display()))}</span></p>\n'
        f'  <p>{escape(capfirst(describe(alert)))} · <span class="muted">'
        f'{w.tr("gemeld")} <time datetime="{_local_iso(created)}">'
        f"{escape(when(timezone.localtime(created)))}</time></span></p>\n  "
    )
    if alert.acknowledged_at is None:
        pk = str(alert.pk)
        name = f"ack-{pk}-note"
        label, hint = _note_words(get_language())
        return (
            head + f'<form method="post" action="{urls_["acknowledge"].replace(URL_ID, pk)}" '
            f'novalidate class="stack"><input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(csrf)}">\n'
            f'    <input type="hidden" name="next" value="{escape(next_url)}">\n'
            f'    <div class="field">\n  <label for="id_{name}">{label}</label>'
            f'<p class="field-hint" id="id_{name}_helptext">{hint}</p>'
            f'<textarea name="{name}" cols="40" rows="2" maxlength="{NOTE_MAX}" '
            f'aria-describedby="id_{name}_helptext" id="id_{name}">\n</textarea>\n</div>\n'
            '    <div class="form-actions"><button type="submit" class="button-secondary">'
            f"{w.tr('Markeer als gezien')}</button></div>\n  </form>\n</li>"
        )
    who = alert.acknowledged_by or w.blk("een behandelaar")
    seen = alert.acknowledged_at
    note = alert.acknowledged_note
    quote = f"<blockquote>{linebreaksbr(note, autoescape=True)}</blockquote>" if note else ""
    return (
        head + f'<p class="muted">{w.blk("Gezien door %(who)s", who=who)}, '
        f'<time datetime="{_local_iso(seen)}">{escape(when(timezone.localtime(seen)))}</time>'
        f"</p>\n  {quote}\n</li>"
    )


def alerts(open_alerts: list[Alert], done: list[Alert], next_url: str, csrf: str) -> str:
    """`_client_alerts.html`: the open alerts with their forms, the last ones seen."""
    w = words()
    when = dates.formatter("DATETIME_FORMAT")
    u = urls()
    if open_alerts:
        items = "".join(_alert(a, csrf, next_url, when, u) for a in open_alerts)
        shown = f'<ul class="card-list">{items}</ul>'
    else:
        shown = f"<p>{w.tr('Geen open meldingen over deze cliënt.')}</p>"
    earlier = ""
    if done:
        items = "".join(_alert(a, csrf, next_url, when, u) for a in done)
        earlier = (
            f'<details class="more">\n    <summary>{w.tr("Eerder gezien")}</summary>\n'
            f'    <ul class="card-list">{items}</ul>\n  </details>'
        )
    return (
        '<section aria-labelledby="client-alerts">\n'
        f'  <h2 id="client-alerts">{w.tr("Meldingen")}</h2>\n'
        f"  {shown}\n  {earlier}\n"
        f'  <p><a href="{u["alerts"]}">{w.tr("Alle meldingen")}</a></p>\n'
        "</section>"
    )


# --- the program ------------------------------------------------------------------------------


def program(
    client_id: int, program: dict[str, Any] | None, form: OverrideForm | None, csrf: str
) -> str:
    """`_client_program.html`: the client's step and the controls (`form`: one sent back with
    mistakes, None for the empty one, which is not built)."""
    w = words()
    if program:
        status = program["status"]
        day_text = dates.formatter()
        if status.reflection_done:
            reflection = w.tr("beantwoord")
        else:
            reflection = w.blk(
                "%(answered)s van %(total)s vragen beantwoord",
                answered=len(status.answered),
                total=len(status.prompts),
            )
        if program["is_last"]:
            following = w.tr("dit is de laatste stap")
        elif status.may_advance:
            following = w.tr("open")
        else:
            following = w.tr("nog niet open")
        changed = ""
        if program["override"]:
            what = (
                w.tr("volgende stap vrijgegeven")
                if program["override"] == "unlock"
                else w.tr("stap vastgehouden")
            )
            if program["override_by"]:
                at = program["override_at"]
                what += " " + w.blk(
                    "door %(who)s op %(when)s",
                    who=program["override_by"],
                    when=day_text(timezone.localtime(at)) if at else "",
                )
            changed = f"<dt>{w.tr('Aangepast')}</dt><dd>{what}</dd>"
        title = w.blk(
            "Stap %(number)s van %(last)s: %(name)s",
            number=program["number"],
            last=program["last_step"],
            name=program["name"],
        )
        days = w.blk(
            "%(done)s van %(required)s", done=status.days_done, required=status.required_days
        )
        started = program["started"]
        about = (
            f"<p><strong>{title}</strong> — {escape(str(program['goal']))}</p>\n"
            '  <dl class="facts">\n'
            f"    <dt>{w.tr('In deze stap sinds')}</dt>"
            f"<dd>{escape(day_text(timezone.localtime(started))) if started else ''}</dd>\n"
            f"    <dt>{w.tr('Dagen met oefening')}</dt><dd>{days}</dd>\n"
            f"    <dt>{w.tr('Reflectie')}</dt><dd>{reflection}</dd>\n"
            f"    <dt>{w.tr('Volgende stap')}</dt><dd>{following}</dd>\n"
            f"    {changed}\n"
            "  </dl>\n"
            '  <p class="muted">'
            + w.tr(
                "De antwoorden op de reflectievragen zijn alleen voor je cliënt; je ziet "
                "alleen of ze zijn beantwoord."
            )
            + "</p>\n  "
        )
    else:
        about = f"<p>{w.tr('Deze cliënt is nog niet met het programma begonnen.')}</p>\n  "
    summary = field_errors = ""
    fieldset = "<fieldset>"
    if form is not None:
        general = form.non_field_errors()
        if general:
            items = "".join(f"<li>{escape(str(e))}</li>" for e in general)
            summary = (
                f'<div class="error-summary" role="alert" tabindex="-1"><ul>{items}</ul></div>'
            )
        errors = form["action"].errors
        if errors:
            fieldset = '<fieldset class="has-error" aria-describedby="program-action-error">'
            field_errors = "".join(
                f'<p class="field-error" id="program-action-error">{escape(str(e))}</p>'
                for e in errors
            )
    unlock = (
        f'<button type="submit" name="action" value="unlock">'
        f"{w.tr('Volgende stap nu openen')}</button>"
        if not program or not program["is_last"]
        else ""
    )
    clear = (
        '<button type="submit" name="action" value="clear" class="secondary">'
        f"{w.tr('Weer de gewone regel laten gelden')}</button>"
        if program and program["override"]
        else ""
    )
    action = urls()["program"].replace(URL_ID, str(client_id))
    legend = escape(str(OverrideForm.base_fields["action"].label))
    return (
        '<section aria-labelledby="program-heading">\n'
        f'  <h2 id="program-heading">{w.tr("Het 5-stappenprogramma")}</h2>\n  '
        f"{about}"
        f'<form method="post" action="{action}" novalidate>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf)}">\n'
        f"    {summary}\n    {fieldset}\n      <legend>{legend}</legend>\n"
        f"      {field_errors}\n"
        '      <div class="form-actions">\n'
        f"        {unlock}\n"
        '        <button type="submit" name="action" value="hold" class="secondary">'
        f"{w.tr('Deze stap vasthouden')}</button>\n"
        f"        {clear}\n"
        "      </div>\n    </fieldset>\n  </form>\n</section>"
    )


# --- the insights tab -------------------------------------------------------------------------


def _value(value: Any) -> str:
    """`{{ value }}`: markup as it is (SafeString), anything else escaped."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape(str(value))


def insights(c: dict[str, Any]) -> SafeString:
    """`_client_insights.html`: the client's insights as they see them, from
    `diary.presenting.page_context` (its cards already written by `presenting.card_markup`)."""
    w = words()
    days = c["days"]
    counted = ngettext(
        "Uit %(counter)s dag met check-ins. Patronen in de eigen gegevens van je cliënt, geen "
        "bewijs van een oorzaak en geen diagnose.",
        "Uit %(counter)s dagen met check-ins. Patronen in de eigen gegevens van je cliënt, geen "
        "bewijs van een oorzaak en geen diagnose.",
        days,
    ) % {"counter": escape(str(days))}
    flare = c.get("flare")
    flare_html = (
        f'<div class="notice notice-warning"><h3>{w.tr("Een opvlamming")}</h3>'
        f"<p>{_value(flare['text'])}</p></div>"
        if flare
        else ""
    )
    safety = c.get("trend_safety_net")
    safety_html = (
        '<p class="notice notice-warning">'
        f"{w.tr('De pijn is merkbaar toegenomen. Je cliënt ziet hier deze regel:')} "
        f"<strong>{_value(safety)}</strong></p>"
        if safety
        else ""
    )
    chart = c.get("trend_chart")
    numbers, rows = c.get("trend_numbers"), c.get("trend_rows")
    figures = ""
    if numbers or rows:
        listed = f'<ul class="insight-numbers">{_value(numbers)}</ul>' if numbers else ""
        table = ""
        if rows:
            table = (
                '<div class="table-scroll" tabindex="0" role="region" '
                'aria-labelledby="trend-table-caption">\n      <table><caption '
                f'id="trend-table-caption">{w.tr("Pijn per dag en het gemiddelde over 7 dagen")}'
                f'</caption>\n        <thead><tr><th scope="col">{w.tr("Dag")}</th>'
                f'<th scope="col" class="num">{w.tr("Pijn")}</th>'
                f'<th scope="col" class="num">{w.tr("Gemiddelde 7 dagen")}</th></tr></thead>\n'
                f"        <tbody>{_value(rows)}</tbody>\n      </table></div>"
            )
        figures = (
            f'<details class="more">\n      <summary>{w.tr("De cijfers per dag")}</summary>\n'
            f"      {listed}\n      {table}\n    </details>"
        )
    if c.get("clear"):
        interval = c.get("interval_chart")
        patterns = (
            f'<ol class="insight-list" aria-label="{w.tr("Duidelijke patronen")}">\n'
            f"  {_value(c['clear_cards'])}\n  </ol>\n  "
            + (f'<div class="card insight-overview">{_value(interval)}</div>' if interval else "")
        )
    else:
        patterns = f"<p>{w.tr('Nog geen duidelijke patronen.')}</p>"
    unclear, items = c.get("unclear"), c.get("unclear_items")
    later = ""
    if unclear or items:
        later = (
            f'<details class="more">\n    <summary>{w.tr("Nog niet duidelijk")}</summary>\n    '
            + (f'<ul class="insight-list">{_value(c["unclear_cards"])}</ul>' if unclear else "")
            + "\n    "
            + (f'<ul class="insight-unclear-list">{_value(items)}</ul>' if items else "")
            + "\n  </details>"
        )
    return mark_safe(  # noqa: S308 - every value is escaped or already markup
        '<section class="insights" aria-labelledby="insights-heading">\n'
        f'  <h2 id="insights-heading">{w.tr("Inzichten, zoals je cliënt ze ziet")}</h2>\n'
        f'  <p class="muted">{counted}</p>\n'
        f"  {flare_html}\n"
        '  <div class="card">\n'
        f"    <h3>{w.tr('Het verloop van de pijn')}</h3>\n"
        f'    <p class="insight-sentence">{_value(c["trend_sentence"])}</p>\n'
        f"    {safety_html}\n"
        f"    {_value(chart) if chart else ''}\n"
        f"    {figures}\n"
        "  </div>\n"
        f"  {patterns}\n"
        f"  {later}\n"
        "</section>"
    )
