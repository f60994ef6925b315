"""The practitioner's client list (`/praktijk/`): every consenting client at a glance, a page at
a time, with search, filters and sorting as a GET form (the rows come from `overview`)."""

from datetime import date
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.models import AccessLog
from lijfwijs.core.paging import day_words, page_number

from . import overview
from .access import practitioner_required

PER_PAGE = 25
URL_ID = "2147483647"  # a client's address is reversed once a page, with this id replaced


class ClientFilterForm(forms.Form):
    """Search, filters and order of the client list (all optional; a GET form)."""

    q = forms.CharField(
        label=gettext_lazy("Zoek op naam of e-mailadres"), required=False, max_length=100
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
    its aria-sort value ("" when the list is not sorted by it)."""
    links = {}
    for column, first in COLUMNS.items():
        current = sort.lstrip("-") == column
        if current:
            target = sort[1:] if sort.startswith("-") else f"-{sort}"
            aria = "descending" if sort in DESCENDING else "ascending"
        else:
            target, aria = first, ""
        links[column] = {"href": _query(params, sort=target, pagina=""), "aria": aria}
    return links


def _sparkline(weeks: tuple[float | None, ...]) -> str:
    """The weekly means as a small line (decorative: the numbers are in the text beside it).
    Only numbers go into the markup."""
    width, height, pad = 64, 24, 3
    step = (width - 2 * pad) / max(len(weeks) - 1, 1)
    points = [
        None if v is None else (pad + i * step, pad + (height - 2 * pad) * (1 - v / 10))
        for i, v in enumerate(weeks)
    ]
    path, pen = [], False
    for p in points:
        if p is None:
            pen = False
            continue
        path.append(f"{'L' if pen else 'M'}{p[0]:.1f},{p[1]:.1f}")
        pen = True
    dots = "".join(f"M{p[0]:.1f},{p[1]:.1f}h0" for p in points if p is not None)
    line = (
        f'<path d="{"".join(path)}" fill="none" stroke="#1f5f5b" stroke-width="2" '
        'stroke-linejoin="round"/>'
        if len(path) > 1
        else ""
    )
    marks = (
        f'<path d="{dots}" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/>'
        if dots
        else ""
    )
    return (
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="#c9c4b9" '
        f'stroke-width="1"/>{line}{marks}</svg>'
    )


def _words() -> dict[str, Any]:
    """The words of the rows, translated once a page (not once a row)."""
    return {
        "none": _("geen"),
        "no_checkin": escape(_("nog geen check-in")),
        "today": escape(_("vandaag")),
        "yesterday": escape(_("gisteren")),
        "silent": escape(_("stil")),
        "weeks": escape(_("pijn per week, oudste eerst:")),
        "direction": {k: escape(str(v)) for k, v in DIRECTION_WORDS.items()},
        "contact": {
            "note": _("notitie, %(day)s"),
            "alert": _("melding afgehandeld, %(day)s"),
            "access": _("toegang gegeven, %(day)s"),
        },
        "decimal": formats.get_format("DECIMAL_SEPARATOR"),
    }


def _ago(days: int | None, words: dict[str, Any]) -> str:
    if days is None:
        return words["no_checkin"]
    if days == 0:
        return words["today"]
    if days == 1:
        return words["yesterday"]
    return escape(ngettext("%(days)s dag geleden", "%(days)s dagen geleden", days) % {"days": days})


def _row_markup(
    row: overview.ClientRow,
    words: dict[str, Any],
    days: dict[date, tuple[str, str]],
    zone: Any,
    href: str,
) -> str:
    """One row of the table as escaped markup: the template engine spends far more on a loop of
    tags and filters than this does (the diary's list is written the same way)."""
    none, decimal = words["none"], words["decimal"]
    numbers = " · ".join(
        none if v is None else f"{v:.1f}".replace(".", decimal) for v in row.weekly_pain
    )
    if row.last_checkin is None:
        checkin = f'<span class="muted">{words["no_checkin"]}</span>'
    else:
        checkin = (
            f'<time datetime="{row.last_checkin.isoformat()}" '
            f'title="{escape(days[row.last_checkin][1])}">{_ago(row.days_silent, words)}</time>'
        )
        if row.days_silent is not None and row.days_silent > overview.SILENT_AFTER_DAYS:
            checkin += f' <span class="tag silent-tag">{words["silent"]}</span>'
    if row.open_alerts:
        count = ngettext("%(count)s open melding", "%(count)s open meldingen", row.open_alerts) % {
            "count": row.open_alerts
        }
        alerts = f'<a class="alert-count" href="{href}">{escape(count)}</a>'
    else:
        alerts = f'<span class="muted">{escape(none)}</span>'
    contact = "–"
    if row.last_contact is not None:
        day = days[row.last_contact.astimezone(zone).date()][1]
        contact = escape(words["contact"][row.last_contact_kind] % {"day": day})
    return (
        f'<tr><th scope="row"><a href="{href}">{escape(row.name)}</a><br>'
        f'<span class="muted small">{escape(row.email)}</span></th>'
        f"<td>{checkin}</td>"
        f'<td><span class="trend">{_sparkline(row.weekly_pain)}<span class="trend-text">'
        f'<span class="visually-hidden">{words["weeks"]} </span>{escape(numbers)} '
        f'<span class="trend-word"><span class="visually-hidden">— </span>'
        f"{words['direction'][row.direction]}</span></span></span>"
        "</td>"
        f'<td class="num">{row.step or "–"}</td>'
        f"<td>{alerts}</td>"
        f'<td class="contact-cell">{contact}</td></tr>\n'
    )


def _rows_markup(rows: list[overview.ClientRow], zone: Any) -> SafeString:
    """The table's rows, every value escaped; the client's address reversed once a page."""
    client_url = reverse("practice:client", kwargs={"client_id": int(URL_ID)})
    days = {r.last_checkin for r in rows if r.last_checkin}
    days |= {r.last_contact.astimezone(zone).date() for r in rows if r.last_contact}
    words, day_names = _words(), day_words(days)
    return mark_safe(  # noqa: S308 - every value is escaped in _row_markup
        "".join(
            _row_markup(r, words, day_names, zone, client_url.replace(URL_ID, str(r.id)))
            for r in rows
        )
    )


def _filter_fields(form: ClientFilterForm, chosen: dict[str, Any]) -> SafeString:
    """The search form's fields as markup in one pass, like core/_form_fields.html writes them
    (label, message under it, what was typed), without a template per widget: the widgets'
    templates cost more than the rest of the page's template together."""
    parts = []
    if form.errors:
        items = "".join(
            f'<li><a href="#id_{name}">{escape(form.fields[name].label)}</a>: '
            f"{escape(errors[0])}</li>"
            for name, errors in form.errors.items()
            if name in form.fields and form.fields[name].label
        )
        parts.append(
            '<div class="error-summary" role="alert" tabindex="-1" '
            'aria-labelledby="form-error-heading">'
            f'<h2 id="form-error-heading">{escape(_("Kijk dit nog even na"))}</h2>'
            f"<ul>{items}</ul></div>"
        )
    sort = chosen["sort"]
    if sort != "name":
        parts.append(f'<input type="hidden" name="sort" value="{escape(sort)}" id="id_sort">')
    for name in ("q", "flag", "step"):
        field = form.fields[name]
        errors = form.errors.get(name)
        described = f' aria-invalid="true" aria-describedby="id_{name}_error"' if errors else ""
        if name == "q":
            value = form.data.get("q", "")
            control = (
                f'<input type="search" name="q" id="id_q" maxlength="100" '
                f'value="{escape(value)}"{described}>'
            )
        else:
            current = "" if chosen[name] is None else str(chosen[name])
            options = "".join(
                f'<option value="{escape(v)}"{" selected" if str(v) == current else ""}>'
                f"{escape(label)}</option>"
                for v, label in field.choices
            )
            control = f'<select name="{name}" id="id_{name}"{described}>{options}</select>'
        error = (
            f'<div id="id_{name}_error"><p class="field-error">{escape(errors[0])}</p></div>'
            if errors
            else ""
        )
        parts.append(
            f'<div class="field{" has-error" if errors else ""}">'
            f'<label for="id_{name}">{escape(field.label)}</label>{error}{control}</div>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@practitioner_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The client list. Each client on the page shown is one access-log row (kind client list)."""
    page_no = page_number(request)
    form = ClientFilterForm(request.GET)
    form.is_valid()  # an invalid field is left out of the search, and said why
    # an order that is not one (a link edited by hand) is the default order, without a message
    form.errors.pop("sort", None)
    valid = not form.errors
    chosen = {
        "q": form.cleaned_data.get("q") or "",
        "flag": form.cleaned_data.get("flag") or "",
        "step": form.cleaned_data.get("step"),
        "sort": form.cleaned_data.get("sort") or "name",
    }
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
    context = {
        "fields": _filter_fields(form, chosen),
        "rows": _rows_markup(rows, zone_of(request.user)) if rows else "",
        "count_text": count_text,
        "page": page,
        "sort_links": _sort_links(params, chosen["sort"]),
        "newer": _query(params, pagina=page.previous_page_number()) if page.has_previous() else "",
        "older": _query(params, pagina=page.next_page_number()) if page.has_next() else "",
        "filtered": filtered,
        # no rows and no filter: no clients at all; with a filter, ask only then (and keep
        # the form where it has a message to show)
        "has_clients": bool(rows) or not valid or (filtered and clients_of(request.user).exists()),
    }
    return render(request, "practice/home.html", context, status=200 if valid else 422)


urlpatterns = [
    path("", home, name="home"),
]
