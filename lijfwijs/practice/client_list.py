"""The practitioner's client list (`/praktijk/`): every consenting client at a glance, a page at
a time, with search, filters and sorting as a GET form (the rows come from `overview`)."""

from datetime import date, datetime
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


def _sparkline(weeks: tuple[float | None, ...]) -> SafeString:
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
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="#c9c4b9" '
        'stroke-width="1"/>'
        + (
            f'<path d="{"".join(path)}" fill="none" stroke="#1f5f5b" stroke-width="2" '
            'stroke-linejoin="round"/>'
            if len(path) > 1
            else ""
        )
        + (
            f'<path d="{dots}" fill="none" stroke="#1f5f5b" stroke-width="5" '
            'stroke-linecap="round"/>'
            if dots
            else ""
        )
        + "</svg>"
    )


def _ago(days: int | None) -> str:
    if days is None:
        return _("nog geen check-in")
    if days == 0:
        return _("vandaag")
    if days == 1:
        return _("gisteren")
    return ngettext("%(days)s dag geleden", "%(days)s dagen geleden", days) % {"days": days}


def _present(
    row: overview.ClientRow, words: dict[date, tuple[str, str]], zone: Any, client_url: str
) -> dict[str, Any]:
    """What the template shows of a row, written once here rather than in template filters."""
    none = _("geen")
    numbers = " · ".join(
        none if v is None else formats.number_format(v, 1) for v in row.weekly_pain
    )
    contact = "–"
    if row.last_contact is not None:
        day = words[_local_day(row.last_contact, zone)][1]
        contact = {
            "note": _("notitie, %(day)s"),
            "alert": _("melding afgehandeld, %(day)s"),
            "access": _("toegang gegeven, %(day)s"),
        }[row.last_contact_kind] % {"day": day}
    alerts = ""
    if row.open_alerts:
        alerts = ngettext("%(count)s open melding", "%(count)s open meldingen", row.open_alerts) % {
            "count": row.open_alerts
        }
    return {
        "href": client_url.replace(URL_ID, str(row.id)),
        "name": row.name,
        "email": row.email,
        "ago": _ago(row.days_silent),
        "checkin_iso": row.last_checkin.isoformat() if row.last_checkin else "",
        "checkin_day": words[row.last_checkin][1] if row.last_checkin else "",
        "silent": row.days_silent is not None and row.days_silent > overview.SILENT_AFTER_DAYS,
        "sparkline": _sparkline(row.weekly_pain),
        "pain_numbers": numbers,
        "direction": str(DIRECTION_WORDS[row.direction]),
        "step": row.step or "–",
        "alerts_text": alerts,
        "contact": contact,
    }


def _local_day(moment: datetime, zone: Any) -> date:
    return moment.astimezone(zone).date()


@practitioner_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The client list. Each client on the page shown is one access-log row (kind client list)."""
    page_no = page_number(request)
    form = ClientFilterForm(request.GET)
    valid = form.is_valid()  # an invalid field is left out of the search, and said why
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
    zone = zone_of(request.user)
    days = {r.last_checkin for r in rows if r.last_checkin}
    days |= {_local_day(r.last_contact, zone) for r in rows if r.last_contact}
    words = day_words(days)
    params = {k: ("" if v is None else v) for k, v in chosen.items()}
    filtered = bool(chosen["q"] or chosen["flag"] or chosen["step"])
    client_url = reverse("practice:client", kwargs={"client_id": int(URL_ID)})
    count = page.paginator.count
    count_text = ngettext("%(count)s cliënt", "%(count)s cliënten", count) % {"count": count}
    if page.paginator.num_pages > 1:
        count_text = _("%(clients)s, pagina %(page)s van %(pages)s") % {
            "clients": count_text,
            "page": page.number,
            "pages": page.paginator.num_pages,
        }
    context = {
        "form": form,
        "rows": [_present(r, words, zone, client_url) for r in rows],
        "count_text": count_text,
        "page": page,
        "sort_links": _sort_links(params, chosen["sort"]),
        "newer": _query(params, pagina=page.previous_page_number()) if page.has_previous() else "",
        "older": _query(params, pagina=page.next_page_number()) if page.has_next() else "",
        "filtered": filtered,
        # no rows and no filter: no clients at all; with a filter, ask only then
        "has_clients": bool(rows) or (filtered and clients_of(request.user).exists()),
    }
    return render(request, "practice/home.html", context, status=200 if valid else 422)


urlpatterns = [
    path("", home, name="home"),
]
