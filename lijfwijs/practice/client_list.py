"""The practitioner's client list (`/praktijk/`): every consenting client at a glance, a page at
a time, with search, filters and sorting as a GET form (the rows come from `overview`)."""

from functools import cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import get_script_prefix, path, reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.models import AccessLog
from lijfwijs.core.paging import day_words, page_number

from . import overview
from .access import practitioner_required

PER_PAGE = 25
URL_ID = "2147483647"  # a client's address is reversed with this id, then split around it


class ClientFilterForm(forms.Form):
    """Search, filters and order of the client list (all optional; a GET form)."""

    q = forms.CharField(
        label=gettext_lazy("Zoek op naam of e-mailadres"),
        required=False,
        max_length=100,
        widget=forms.SearchInput,
    )
    flag = forms.ChoiceField(
        label=gettext_lazy("Toon"),
        required=False,
        choices=[
            ("", gettext_lazy("alle cliënten")),
            ("alerts", gettext_lazy("met open meldingen")),
            ("silent", gettext_lazy("langer dan 7 dagen geen check-in")),
        ],
    )
    step = forms.TypedChoiceField(
        label=gettext_lazy("Programmastap"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("alle stappen"))] + [(str(n), str(n)) for n in range(1, 6)],
    )
    sort = forms.ChoiceField(
        required=False, widget=forms.HiddenInput, choices=[(s, s) for s in overview.SORTS]
    )


# The column each order belongs to, and the direction a first click on it sorts in.
COLUMNS = {"name": "name", "checkin": "checkin", "alerts": "alerts", "trend": "trend"}
# "trend" (rising first) and "alerts" (most first) read as descending; "checkin" is by date.
DESCENDING = {"-name", "-checkin", "alerts", "trend"}

DIRECTION_WORDS = {
    "rising": gettext_lazy("stijgend"),
    "falling": gettext_lazy("dalend"),
    "steady": gettext_lazy("gelijk"),
    "unknown": gettext_lazy("te weinig check-ins"),
}


def _query(params: dict[str, Any], **changes: Any) -> str:
    """The list's address with these parameters (empty ones left out)."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in ("", None, "name" if k == "sort" else "")}
    return "?" + urlencode(kept) if kept else "?"


def _sort_links(params: dict[str, Any], sort: str) -> dict[str, dict[str, str]]:
    """Per column: the link that sorts by it (the other way round when it is the order now) and
    its aria-sort value ("" when the list is not sorted by it). The search is encoded once, as
    `_query` would each time; an order is a word of SORTS, which urlencode leaves as it is."""
    kept = [(k, v) for k, v in params.items() if k != "sort" and v not in ("", None)]
    search = urlencode(kept)
    links = {}
    for column, first in COLUMNS.items():
        if sort.lstrip("-") == column:
            target = sort[1:] if sort.startswith("-") else f"-{sort}"
            aria = "descending" if sort in DESCENDING else "ascending"
        else:
            target, aria = first, ""
        if target == "name":
            href = f"?{search}"
        else:
            href = f"?{search}&sort={target}" if search else f"?sort={target}"
        links[column] = {"href": href, "aria": aria}
    return links


# The sparkline's drawing: 64 x 24 with 3 of padding, the weeks spread over its width.
WIDTH, HEIGHT, PAD = 64, 24, 3
_STEP = (WIDTH - 2 * PAD) / max(overview.WEEKS - 1, 1)
_XS = tuple(f"{PAD + i * _STEP:.1f}" for i in range(overview.WEEKS))
_SPARK_START = (
    f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
    f'height="{HEIGHT}" aria-hidden="true" focusable="false" '
    'xmlns="http://www.w3.org/2000/svg">'
    f'<line x1="0" y1="{HEIGHT - PAD}" x2="{WIDTH}" y2="{HEIGHT - PAD}" stroke="#c9c4b9" '
    'stroke-width="1"/>'
)


class _PerPage(dict):
    """Values a page works out once, on a key's first use (a day's words, a count's)."""

    def __init__(self, make: Any) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


def _y(value: float) -> str:
    """The sparkline's height of a weekly mean pain (0-10)."""
    return f"{PAD + (HEIGHT - 2 * PAD) * (1 - value / 10):.1f}"


class _Tenths(dict):
    """A number written for every weekly mean there is (0.0 to 10.0 by tenths: the rows round
    them so), once; a value outside those is written when asked. A table of numbers, not of
    anyone's data."""

    def __init__(self, write: Any) -> None:
        super().__init__((k / 10, write(k / 10)) for k in range(101))
        self.write = write

    def __missing__(self, value: float) -> str:
        return self.write(value)


_HEIGHTS = _Tenths(_y)


def _sparkline(weeks: tuple[float | None, ...]) -> str:
    """The weekly means as a small line (decorative: the numbers are in the text beside it),
    a line between the weeks next to each other and a dot on each. Only numbers go into the
    markup."""
    line = dots = ""
    pen, points = False, 0
    for x, value in zip(_XS, weeks):  # noqa: B905 - WEEKS of each
        if value is None:
            pen = False
            continue
        point = f"{x},{_HEIGHTS[value]}"
        line += ("L" if pen else "M") + point
        dots += f"M{point}h0"
        pen = True
        points += 1
    if points > 1:
        line = (
            f'<path d="{line}" fill="none" stroke="#1f5f5b" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
    elif points:
        line = ""
    else:
        return _SPARK_START + "</svg>"
    return (
        f'{_SPARK_START}{line}<path d="{dots}" fill="none" stroke="#1f5f5b" stroke-width="5" '
        'stroke-linecap="round"/></svg>'
    )


@cache
def _words(language: str) -> dict[str, Any]:
    """The rows' fixed words, escaped, translated once per process and language, and the
    weekly means written with the language's decimal separator ("geen" for a week without)."""
    decimal = escape(formats.get_format("DECIMAL_SEPARATOR"))
    numbers = _Tenths(lambda value: f"{value:.1f}".replace(".", decimal))
    numbers[None] = escape(_("geen"))
    return {
        "none": escape(_("geen")),
        "no_checkin": f'<span class="muted">{escape(_("nog geen check-in"))}</span>',
        "ago": {0: escape(_("vandaag")), 1: escape(_("gisteren"))},
        "silent": f' <span class="tag silent-tag">{escape(_("stil"))}</span>',
        "weeks": escape(_("pijn per week, oudste eerst:")),
        "direction": {k: escape(str(v)) for k, v in DIRECTION_WORDS.items()},
        "contact": {
            "note": escape(_("notitie, %(day)s")),
            "alert": escape(_("melding afgehandeld, %(day)s")),
            "access": escape(_("toegang gegeven, %(day)s")),
        },
        "numbers": numbers,
    }


@cache
def _client_href(language: str, prefix: str) -> tuple[str, str]:
    """A client's address before and after the id, reversed once per process, language and
    script prefix."""
    before, after = reverse("practice:client", kwargs={"client_id": int(URL_ID)}).split(URL_ID)
    return before, after


def _rows_markup(rows: list[overview.ClientRow], zone: Any) -> SafeString:
    """The table's rows as escaped markup in one pass: the template engine spends far more on a
    loop of tags and filters than this does (the diary's list is written the same way). What
    repeats between rows (a day's words, a count's words) is worked out once a page."""
    language = get_language()
    words = _words(language)
    before, after = _client_href(language, get_script_prefix())
    none, numbers, silent, weeks_words = (
        words["none"],
        words["numbers"],
        words["silent"],
        words["weeks"],
    )
    direction, contact_words = words["direction"], words["contact"]
    shown_days = _PerPage(lambda day: escape(day_words({day})[day][1]))

    def ago(days: int) -> str:
        return escape(
            ngettext("%(days)s dag geleden", "%(days)s dagen geleden", days) % {"days": days}
        )

    def open_alerts(count: int) -> str:
        return escape(
            ngettext("%(count)s open melding", "%(count)s open meldingen", count) % {"count": count}
        )

    agos = _PerPage(ago)
    agos.update(words["ago"])
    counts = _PerPage(open_alerts)
    parts = []
    for row in rows:
        href = f"{before}{row.id}{after}"
        day = row.last_checkin
        if day is None:
            checkin = words["no_checkin"]
        else:
            checkin = (
                f'<time datetime="{day.isoformat()}" title="{shown_days[day]}">'
                f"{agos[row.days_silent]}</time>"
            )
            if row.days_silent > overview.SILENT_AFTER_DAYS:
                checkin += silent
        if row.open_alerts:
            alerts = f'<a class="alert-count" href="{href}">{counts[row.open_alerts]}</a>'
        else:
            alerts = f'<span class="muted">{none}</span>'
        if row.last_contact is None:
            contact = "–"
        else:
            contact = contact_words[row.last_contact_kind] % {
                "day": shown_days[row.last_contact.astimezone(zone).date()]
            }
        weeks = row.weekly_pain
        parts.append(
            f'<tr><th scope="row"><a href="{href}">{escape(row.name)}</a><br>'
            f'<span class="muted small">{escape(row.email)}</span></th>'
            f"<td>{checkin}</td>"
            f'<td><span class="trend">{_sparkline(weeks)}<span class="trend-text">'
            f'<span class="visually-hidden">{weeks_words} </span>'
            f"{' · '.join(map(numbers.__getitem__, weeks))} "
            f'<span class="trend-word"><span class="visually-hidden">— </span>'
            f"{direction[row.direction]}</span></span></span>"
            "</td>"
            f'<td class="num">{row.step or "–"}</td>'
            f"<td>{alerts}</td>"
            f'<td class="contact-cell">{contact}</td></tr>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@cache
def _page_words(language: str, prefix: str) -> dict[str, str]:
    """The page's fixed words, the invitations' address and its stylesheet's link, once per
    process, language and script prefix (a translated literal is written as `{% translate %}`
    writes it: as is)."""
    return {
        "title": _("Mijn cliënten"),
        "lead": _(
            "Je ziet alleen cliënten die jou zelf toegang hebben gegeven. Elke keer dat je "
            "gegevens van een cliënt bekijkt, wordt dat vastgelegd en kan de cliënt dat zien."
        ),
        "search": _("Cliënten zoeken"),
        "submit": _("Zoeken"),
        "all": _("Alle cliënten tonen"),
        "invite": _("Cliënt uitnodigen"),
        "invitations": escape(reverse("practice:invitations")),
        "hint": _("(kies een kolomkop om anders te sorteren)"),
        "caption": _("Je cliënten"),
        "name": _("Naam"),
        "checkin": _("Laatste check-in"),
        "trend": _("Pijn per week (4 weken)"),
        "step": _("Stap"),
        "alerts": _("Open meldingen"),
        "contact": _("Laatste contact"),
        "more": _("Meer cliënten"),
        "newer": _("Vorige pagina"),
        "older": _("Volgende pagina"),
        "none_found": _("Geen cliënten gevonden"),
        "no_match": _("Geen van je cliënten past bij deze zoekopdracht of filters."),
        "none_yet": _("Nog geen cliënten"),
        "appear": _(
            "Een cliënt verschijnt hier zodra die jou toegang geeft, bijvoorbeeld door jouw "
            "uitnodiging te accepteren."
        ),
        "invite_first": _("Nodig een cliënt uit"),
        "head": f'<link rel="stylesheet" href="{escape(static("practice/clients.css"))}">',
    }


def _content(
    *,
    has_clients: bool,
    fields: str,
    filtered: bool,
    rows: str,
    count_text: str,
    sort_links: dict[str, dict[str, str]],
    newer: str,
    older: str,
) -> SafeString:
    """The page's content in one pass, as its template wrote it (kept as
    tests/client_list_reference.html, which a test holds it to): some 40 tags, conditions and
    variables a request less. `fields` and `rows` are markup, the rest is escaped here."""
    w = _page_words(get_language(), get_script_prefix())
    parts = [
        f'\n\n<div class="page-header">\n  <h1>{w["title"]}</h1>\n  <p class="lead">{w["lead"]}'
        "</p>\n</div>\n"
    ]
    if has_clients:
        all_link = f'<a href="?">{w["all"]}</a>' if filtered else ""
        parts.append(
            '\n<form method="get" action="" class="client-filters" role="search" '
            f'aria-label="{w["search"]}" novalidate>\n  {fields}\n  <div class="form-actions">\n'
            f'    <button type="submit" class="button">{w["submit"]}</button>\n    {all_link}\n'
            f'    <a class="button button-secondary" href="{w["invitations"]}">{w["invite"]}</a>'
            "\n  </div>\n</form>\n"
        )
    parts.append("\n")
    if rows:

        def head(column: str) -> str:
            link = sort_links[column]
            aria = f' aria-sort="{link["aria"]}"' if link["aria"] else ""
            return f'<th scope="col"{aria}><a href="{escape(link["href"])}">{w[column]}</a></th>'

        parts.append(
            f'\n<p class="muted" id="clients-count">{escape(count_text)} '
            f'<span class="small">{w["hint"]}</span></p>\n'
            '<div class="table-scroll table-wide client-table" role="region" '
            'aria-labelledby="clients-caption" tabindex="0">\n<table>\n'
            f'  <caption id="clients-caption">{w["caption"]}</caption>\n  <thead><tr>\n'
            f"    {head('name')}\n    {head('checkin')}\n    {head('trend')}\n"
            f'    <th scope="col" class="num">{w["step"]}</th>\n    {head("alerts")}\n'
            f'    <th scope="col">{w["contact"]}</th>\n  </tr></thead>\n  <tbody>\n'
            f"{rows}  </tbody>\n</table>\n</div>\n"
        )
        if older or newer:
            prev = (
                '<a class="button button-secondary button-small" '
                f'href="{escape(newer)}" rel="prev">{w["newer"]}</a>'
                if newer
                else ""
            )
            next_ = (
                '<a class="button button-secondary button-small" '
                f'href="{escape(older)}" rel="next">{w["older"]}</a>'
                if older
                else ""
            )
            parts.append(f'<nav class="pager" aria-label="{w["more"]}"><p>{prev}{next_}</p></nav>')
        parts.append("\n")
    elif has_clients:
        parts.append(
            f'<div class="empty-state">\n  <h2>{w["none_found"]}</h2>\n  <p>{w["no_match"]}</p>'
            f'\n  <a class="button button-secondary" href="?">{w["all"]}</a>\n</div>\n'
        )
    else:
        parts.append(
            f'<div class="empty-state">\n  <h2>{w["none_yet"]}</h2>\n  <p>{w["appear"]}</p>\n'
            f'  <a class="button" href="{w["invitations"]}">{w["invite_first"]}</a>\n</div>'
        )
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped or markup


STEPS = {str(n): n for n in range(1, 6)}


def _asked(query: Any) -> dict[str, Any] | None:
    """The search, filters and order asked for, as `ClientFilterForm` cleans them (the last
    value of a parameter given twice, the search without spaces around it), without building
    the form: its fields are deep-copied for each instance. None when a field is not valid:
    then the form says why."""
    q, flag, step = query.get("q"), query.get("flag") or "", query.get("step") or ""
    q = "" if q is None else q.strip()
    if (
        len(q) > 100
        or "\x00" in q
        or flag not in ("", *overview.FLAGS)
        or (step and step not in STEPS)
    ):  # noqa: PLR2004
        return None
    sort = query.get("sort")
    return {
        "q": q,
        "flag": flag,
        "step": STEPS.get(step),
        "sort": sort if sort in overview.SORTS else "name",
    }


@cache
def _form_words(language: str) -> dict[str, Any]:
    """The search form's labels, its selects' options for each value chosen and its message
    heading, escaped, from the form's fields once per process and language."""
    fields = ClientFilterForm.base_fields
    options = {}
    for name in ("flag", "step"):
        choices = [
            (str(v), escape(str(v)), escape(str(label))) for v, label in fields[name].choices
        ]
        options[name] = {
            current: "".join(
                f'<option value="{value}"{" selected" if v == current else ""}>{label}</option>'
                for v, value, label in choices
            )
            for current, _value, _label in choices
        }
    return {
        "labels": {name: escape(str(fields[name].label)) for name in ("q", "flag", "step")},
        "options": options,
        "check": escape(_("Kijk dit nog even na")),
    }


def _filter_fields(q: str, chosen: dict[str, Any], errors: dict[str, list[str]]) -> SafeString:
    """The search form's fields as markup in one pass, like core/_form_fields.html writes them
    (label, message under it, what was typed), without a template per widget: the widgets'
    templates cost more than the rest of the page's template together. `q` is the search as
    typed, `errors` the form's messages (none when the search was valid)."""
    words = _form_words(get_language())
    labels = words["labels"]
    parts = []
    if errors:
        items = "".join(
            f'<li><a href="#id_{name}">{labels[name]}</a>: {escape(messages[0])}</li>'
            for name, messages in errors.items()
            if name in labels
        )
        parts.append(
            '<div class="error-summary" role="alert" tabindex="-1" '
            'aria-labelledby="form-error-heading">'
            f'<h2 id="form-error-heading">{words["check"]}</h2>'
            f"<ul>{items}</ul></div>"
        )
    sort = chosen["sort"]
    if sort != "name":
        parts.append(f'<input type="hidden" name="sort" value="{escape(sort)}" id="id_sort">')
    for name in ("q", "flag", "step"):
        messages = errors.get(name)
        described = f' aria-invalid="true" aria-describedby="id_{name}_error"' if messages else ""
        if name == "q":
            control = (
                f'<input type="search" name="q" id="id_q" maxlength="100" '
                f'value="{escape(q)}"{described}>'
            )
        else:
            current = "" if chosen[name] is None else str(chosen[name])
            options = words["options"][name][current]
            control = f'<select name="{name}" id="id_{name}"{described}>{options}</select>'
        if messages:
            parts.append(
                f'<div class="field has-error"><label for="id_{name}">{labels[name]}</label>'
                f'<div id="id_{name}_error"><p class="field-error">{escape(messages[0])}</p>'
                f"</div>{control}</div>"
            )
        else:
            parts.append(
                f'<div class="field"><label for="id_{name}">{labels[name]}</label>{control}</div>'
            )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@practitioner_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The client list. Each client on the page shown is one access-log row (kind client list)."""
    page_no = page_number(request)
    chosen = _asked(request.GET)
    errors: dict[str, list[str]] = {}
    if chosen is None:  # a field is not valid: the form says why
        form = ClientFilterForm(request.GET)
        form.is_valid()  # an invalid field is left out of the search, and said why
        # an order that is not one (a link edited by hand) is the default order, no message
        form.errors.pop("sort", None)
        errors = dict(form.errors)
        chosen = {
            "q": form.cleaned_data.get("q") or "",
            "flag": form.cleaned_data.get("flag") or "",
            "step": form.cleaned_data.get("step"),
            "sort": form.cleaned_data.get("sort") or "name",
        }
    valid = not errors
    try:
        page = overview.client_rows(request.user, page=page_no, per_page=PER_PAGE, **chosen)
    except InvalidPage:
        raise Http404("no such page") from None
    rows: list[overview.ClientRow] = list(page.object_list)
    log_access(
        request.user, [r.id for r in rows], AccessLog.Kind.CLIENT_LIST, AccessLog.Action.LIST
    )
    params = {k: ("" if v is None else v) for k, v in chosen.items()}
    filtered = bool(chosen["q"] or chosen["flag"] or chosen["step"])
    count = page.paginator.count
    count_text = ngettext("%(count)s cliënt", "%(count)s cliënten", count) % {"count": count}
    if page.paginator.num_pages > 1:
        count_text = _("%(clients)s, pagina %(page)s van %(pages)s") % {
            "clients": count_text,
            "page": page.number,
            "pages": page.paginator.num_pages,
        }
    content = _content(
        has_clients=(
            # no rows and no filter: no clients at all; with a filter, ask only then (and
            # keep the form where it has a message to show)
            bool(rows) or not valid or (filtered and clients_of(request.user).exists())
        ),
        fields=_filter_fields(request.GET.get("q", ""), chosen, errors),
        filtered=filtered,
        rows=_rows_markup(rows, zone_of(request.user)) if rows else "",
        count_text=count_text,
        sort_links=_sort_links(params, chosen["sort"]),
        newer=_query(params, pagina=page.previous_page_number()) if page.has_previous() else "",
        older=_query(params, pagina=page.next_page_number()) if page.has_next() else "",
    )
    head = mark_safe(_page_words(get_language(), get_script_prefix())["head"])  # noqa: S308
    return render(
        request,
        "practice/home.html",
        {"head": head, "content": content},
        status=200 if valid else 422,
    )


urlpatterns = [
    path("", home, name="home"),
]
