"""The client list's markup written in Python, held to what it replaced: the page's content to
its template (kept as client_list_reference.html), the search form's fields to Django's
rendering of ClientFilterForm through core/_form_fields.html, the search read from the query to
the form's cleaning, and the rows to the markup the page wrote before (both languages, values
that need escaping)."""

from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from lijfwijs.practice import client_list
from lijfwijs.practice.client_list import ClientFilterForm
from lijfwijs.practice.overview import ClientRow

LANGUAGES = ("nl", "en")
REFERENCE = Path(__file__).with_name("client_list_reference.html")


def _chosen_by_form(query: QueryDict) -> tuple[dict, dict]:
    """What the view took from the form before: the chosen values and the messages."""
    form = ClientFilterForm(query)
    form.is_valid()
    form.errors.pop("sort", None)
    chosen = {
        "q": form.cleaned_data.get("q") or "",
        "flag": form.cleaned_data.get("flag") or "",
        "step": form.cleaned_data.get("step"),
        "sort": form.cleaned_data.get("sort") or "name",
    }
    return chosen, dict(form.errors)


# --- the search read from the query ----------------------------------------------------------

VALUES = {
    "q": st.one_of(
        st.sampled_from(["", " ", "  anna ", "a" * 100, " " + "b" * 100 + " ", "c" * 101, "x\x00"]),
        st.text(max_size=8),
    ),
    "flag": st.sampled_from(["", "alerts", "silent", "Alerts", " silent", "x"]),
    "step": st.sampled_from(["", "1", "3", "5", "0", "6", " 2", "2.0", "x"]),
    "sort": st.sampled_from(["", "name", "-name", "trend", "-alerts", "leeftijd", "-"]),
}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(VALUES)), st.data()),
        max_size=6,
    )
)
def test_the_search_is_read_as_the_form_cleans_it(pairs):
    query = QueryDict(mutable=True)
    for name, data in pairs:
        query.appendlist(name, data.draw(VALUES[name]))
    chosen, errors = _chosen_by_form(query)
    asked = client_list._asked(query)
    if errors:
        assert asked is None
    else:
        assert asked == chosen


# --- the search form's fields ----------------------------------------------------------------


class _Tokens(HTMLParser):
    """Markup as tags with their attributes in order of name, and text without spaces around."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(sorted(attrs))))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("text", data.strip()))


def _tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(html)
    return parser.tokens


def _as_the_page_writes_it(tokens: list[tuple], chosen: dict) -> list[tuple]:
    """Django's rendering with the page's deliberate differences: the order's hidden field only
    for an order other than the default one (with the order used), the search box's value
    always written, and the empty choice selected when the value sent is none of the choices."""
    out, in_select, selected = [], None, False
    for token in tokens:
        kind, tag = token[0], token[1]
        attrs = dict(token[2]) if kind == "start" else {}
        if kind == "start" and tag == "input" and attrs.get("name") == "sort":
            if chosen["sort"] != "name":
                attrs["value"] = chosen["sort"]
                out.append(("start", "input", tuple(sorted(attrs.items()))))
            continue
        if kind == "start" and tag == "input" and attrs.get("name") == "q":
            attrs.setdefault("value", "")
            token = ("start", "input", tuple(sorted(attrs.items())))
        if kind == "start" and tag == "select":
            in_select, selected = len(out), False
        if kind == "start" and tag == "option" and "selected" in attrs:
            selected = True
        if kind == "end" and tag == "select" and not selected:
            first = in_select + 1
            attrs = dict(out[first][2])
            attrs["selected"] = None
            out[first] = ("start", "option", tuple(sorted(attrs.items())))
        out.append(token)
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=Bakker&flag=silent&step=4&sort=-name",
        "q=%3Cb%3E%22%26%27&sort=trend",
        "q=++anna++&flag=alerts&sort=leeftijd",
        "step=9&q=Bram",
        "flag=x&step=0&sort=-alerts",
        "q=" + "a" * 101 + "&flag=alerts",
        "q=%22%3E%3Cscript%3E&step=x&sort=%22%3E",
    ],
)
def test_the_fields_are_the_forms_rendering(language, query):
    data = QueryDict(query)
    with translation.override(language):
        chosen, errors = _chosen_by_form(data)
        asked = client_list._asked(data)
        assert (asked is None) == bool(errors)
        form = ClientFilterForm(data)
        form.is_valid()
        form.errors.pop("sort", None)
        django_html = render_to_string("core/_form_fields.html", {"form": form})
        ours = client_list._filter_fields(data.get("q", ""), chosen, errors)
    assert _tokens(ours) == _as_the_page_writes_it(_tokens(django_html), chosen)


# --- the page's content ----------------------------------------------------------------------


def _states() -> list[dict]:
    params = {"q": 'a&b "c"', "flag": "alerts", "step": 2, "sort": "-trend"}
    links = client_list._sort_links(params, "-trend")
    base = {
        "fields": mark_safe('<div class="field">fields &amp; <b>markup</b></div>'),
        "rows": mark_safe("<tr><td>a row</td></tr>\n"),
        "count_text": '3 <cliënten> & "meer"',
        "sort_links": links,
        "newer": client_list._query(params, pagina=1),
        "older": client_list._query(params, pagina=3),
        "filtered": True,
        "has_clients": True,
    }
    return [
        base,
        {**base, "newer": "", "filtered": False},
        {**base, "older": ""},
        {**base, "newer": "", "older": ""},
        {**base, "rows": "", "newer": "", "older": ""},
        {**base, "rows": "", "filtered": False, "newer": "", "older": ""},
        {**base, "rows": "", "has_clients": False, "filtered": False, "newer": "", "older": ""},
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("state", range(len(_states())))
def test_the_content_is_its_templates(language, state):
    context = _states()[state]
    template = engines["django"].from_string(REFERENCE.read_text())
    with translation.override(language):
        expected = template.render(dict(context))
        ours = client_list._content(**context)
    assert str(ours) == expected


# --- the rows --------------------------------------------------------------------------------

ROWS = [
    ClientRow(
        7,
        "<b>Vet</b> \"&' Ω",
        "x&y@example.org",
        None,
        None,
        (None,) * 4,
        "unknown",
        None,
        0,
        None,
        "",
    ),
    ClientRow(
        8,
        "Émile",
        "emile@example.org",
        date(2026, 3, 2),
        10,
        (3.5, None, 7.0, None),
        "rising",
        3,
        2,
        datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        "alert",
    ),
    ClientRow(
        9,
        "Noor",
        "noor@example.org",
        date(2026, 3, 12),
        0,
        (None, None, None, 4.0),
        "unknown",
        1,
        1,
        datetime(2026, 3, 10, 12, 0, tzinfo=UTC),
        "note",
    ),
    ClientRow(
        10,
        "Piet",
        "piet@example.org",
        date(2026, 3, 11),
        1,
        (2.0, 2.5, 3.0, 10.0),
        "steady",
        5,
        0,
        datetime(2025, 12, 31, 23, 59, tzinfo=UTC),
        "access",
    ),
    ClientRow(
        11,
        "Ria",
        "ria@example.org",
        date(2026, 3, 5),
        7,
        (0.0, 9.9, 0.1, 6.3),
        "falling",
        None,
        12,
        None,
        "",
    ),
]
SVG = (
    '<svg class="sparkline" viewBox="0 0 64 24" width="64" height="24" aria-hidden="true" '
    'focusable="false" xmlns="http://www.w3.org/2000/svg"><line x1="0" y1="21" x2="64" '
    'y2="21" stroke="#c9c4b9" stroke-width="1"/>'
)
# What the page wrote before its rows were worked out once a page (each escaped per row, the
# sparkline drawn from its points): every branch of a row, a name that needs escaping.
EXPECTED_ROWS = {
    "nl": [
        '<tr><th scope="row"><a href="/praktijk/clienten/7/">&lt;b&gt;Vet&lt;/b&gt; &quot;&amp;&#x27; Ω</a><br><span class="muted small">x&amp;y@example.org</span></th><td><span class="muted">nog geen check-in</span></td><td><span class="trend">'
        + SVG
        + '</svg><span class="trend-text"><span class="visually-hidden">pijn per week, oudste eerst: </span>geen · geen · geen · geen <span class="trend-word"><span class="visually-hidden">— </span>te weinig check-ins</span></span></span></td><td class="num">–</td><td><span class="muted">geen</span></td><td class="contact-cell">–</td></tr>\n',
        '<tr><th scope="row"><a href="/praktijk/clienten/8/">Émile</a><br><span class="muted small">emile@example.org</span></th><td><time datetime="2026-03-02" title="2 mrt.">10 dagen geleden</time> <span class="tag silent-tag">stil</span></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,14.7M41.7,8.4" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,14.7h0M41.7,8.4h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pijn per week, oudste eerst: </span>3,5 · geen · 7,0 · geen <span class="trend-word"><span class="visually-hidden">— </span>stijgend</span></span></span></td><td class="num">3</td><td><a class="alert-count" href="/praktijk/clienten/8/">2 open meldingen</a></td><td class="contact-cell">melding afgehandeld, 2 mrt.</td></tr>\n',
        '<tr><th scope="row"><a href="/praktijk/clienten/9/">Noor</a><br><span class="muted small">noor@example.org</span></th><td><time datetime="2026-03-12" title="12 mrt.">vandaag</time></td><td><span class="trend">'
        + SVG
        + '<path d="M61.0,13.8h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pijn per week, oudste eerst: </span>geen · geen · geen · 4,0 <span class="trend-word"><span class="visually-hidden">— </span>te weinig check-ins</span></span></span></td><td class="num">1</td><td><a class="alert-count" href="/praktijk/clienten/9/">1 open melding</a></td><td class="contact-cell">notitie, 10 mrt.</td></tr>\n',
        '<tr><th scope="row"><a href="/praktijk/clienten/10/">Piet</a><br><span class="muted small">piet@example.org</span></th><td><time datetime="2026-03-11" title="11 mrt.">gisteren</time></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,17.4L22.3,16.5L41.7,15.6L61.0,3.0" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,17.4h0M22.3,16.5h0M41.7,15.6h0M61.0,3.0h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pijn per week, oudste eerst: </span>2,0 · 2,5 · 3,0 · 10,0 <span class="trend-word"><span class="visually-hidden">— </span>gelijk</span></span></span></td><td class="num">5</td><td><span class="muted">geen</span></td><td class="contact-cell">toegang gegeven, 1 jan.</td></tr>\n',
        '<tr><th scope="row"><a href="/praktijk/clienten/11/">Ria</a><br><span class="muted small">ria@example.org</span></th><td><time datetime="2026-03-05" title="5 mrt.">7 dagen geleden</time></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,21.0L22.3,3.2L41.7,20.8L61.0,9.7" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,21.0h0M22.3,3.2h0M41.7,20.8h0M61.0,9.7h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pijn per week, oudste eerst: </span>0,0 · 9,9 · 0,1 · 6,3 <span class="trend-word"><span class="visually-hidden">— </span>dalend</span></span></span></td><td class="num">–</td><td><a class="alert-count" href="/praktijk/clienten/11/">12 open meldingen</a></td><td class="contact-cell">–</td></tr>\n',
    ],
    "en": [
        '<tr><th scope="row"><a href="/en/praktijk/clienten/7/">&lt;b&gt;Vet&lt;/b&gt; &quot;&amp;&#x27; Ω</a><br><span class="muted small">x&amp;y@example.org</span></th><td><span class="muted">no check-in yet</span></td><td><span class="trend">'
        + SVG
        + '</svg><span class="trend-text"><span class="visually-hidden">pain per week, oldest first: </span>none · none · none · none <span class="trend-word"><span class="visually-hidden">— </span>too few check-ins</span></span></span></td><td class="num">–</td><td><span class="muted">none</span></td><td class="contact-cell">–</td></tr>\n',
        '<tr><th scope="row"><a href="/en/praktijk/clienten/8/">Émile</a><br><span class="muted small">emile@example.org</span></th><td><time datetime="2026-03-02" title="2 Mar">10 days ago</time> <span class="tag silent-tag">silent</span></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,14.7M41.7,8.4" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,14.7h0M41.7,8.4h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pain per week, oldest first: </span>3.5 · none · 7.0 · none <span class="trend-word"><span class="visually-hidden">— </span>rising</span></span></span></td><td class="num">3</td><td><a class="alert-count" href="/en/praktijk/clienten/8/">2 open alerts</a></td><td class="contact-cell">alert dealt with, 2 Mar</td></tr>\n',
        '<tr><th scope="row"><a href="/en/praktijk/clienten/9/">Noor</a><br><span class="muted small">noor@example.org</span></th><td><time datetime="2026-03-12" title="12 Mar">today</time></td><td><span class="trend">'
        + SVG
        + '<path d="M61.0,13.8h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pain per week, oldest first: </span>none · none · none · 4.0 <span class="trend-word"><span class="visually-hidden">— </span>too few check-ins</span></span></span></td><td class="num">1</td><td><a class="alert-count" href="/en/praktijk/clienten/9/">1 open alert</a></td><td class="contact-cell">note, 10 Mar</td></tr>\n',
        '<tr><th scope="row"><a href="/en/praktijk/clienten/10/">Piet</a><br><span class="muted small">piet@example.org</span></th><td><time datetime="2026-03-11" title="11 Mar">yesterday</time></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,17.4L22.3,16.5L41.7,15.6L61.0,3.0" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,17.4h0M22.3,16.5h0M41.7,15.6h0M61.0,3.0h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pain per week, oldest first: </span>2.0 · 2.5 · 3.0 · 10.0 <span class="trend-word"><span class="visually-hidden">— </span>steady</span></span></span></td><td class="num">5</td><td><span class="muted">none</span></td><td class="contact-cell">access granted, 1 Jan</td></tr>\n',
        '<tr><th scope="row"><a href="/en/praktijk/clienten/11/">Ria</a><br><span class="muted small">ria@example.org</span></th><td><time datetime="2026-03-05" title="5 Mar">7 days ago</time></td><td><span class="trend">'
        + SVG
        + '<path d="M3.0,21.0L22.3,3.2L41.7,20.8L61.0,9.7" fill="none" stroke="#1f5f5b" stroke-width="2" stroke-linejoin="round"/><path d="M3.0,21.0h0M22.3,3.2h0M41.7,20.8h0M61.0,9.7h0" fill="none" stroke="#1f5f5b" stroke-width="5" stroke-linecap="round"/></svg><span class="trend-text"><span class="visually-hidden">pain per week, oldest first: </span>0.0 · 9.9 · 0.1 · 6.3 <span class="trend-word"><span class="visually-hidden">— </span>falling</span></span></span></td><td class="num">–</td><td><a class="alert-count" href="/en/praktijk/clienten/11/">12 open alerts</a></td><td class="contact-cell">–</td></tr>\n',
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rows_are_written_as_before(language):
    with translation.override(language):
        html = client_list._rows_markup(ROWS, ZoneInfo("Europe/Amsterdam"))
    assert html == "".join(EXPECTED_ROWS[language])


@pytest.mark.parametrize("sort", client_list.overview.SORTS)
@pytest.mark.parametrize(
    "params",
    [
        {"q": "", "flag": "", "step": "", "sort": ""},
        {"q": 'a&b "c" ë', "flag": "alerts", "step": 2, "sort": ""},
        {"q": "", "flag": "silent", "step": "", "sort": ""},
    ],
)
def test_the_sort_links_are_the_addresses_of_query(params, sort):
    links = client_list._sort_links({**params, "sort": sort}, sort)
    for column, link in links.items():
        target = link["href"].partition("sort=")[2] or "name"
        assert target.lstrip("-") == column
        assert link["href"] == client_list._query({**params, "sort": sort}, sort=target, pagina="")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_tables_of_numbers_write_every_value_as_asked(language):
    """Every weekly mean the rows can hold is in the tables; another value is written anyway."""
    with translation.override(language):
        numbers = client_list._words(language)["numbers"]
        decimal = "," if language == "nl" else "."
        for value in [round(k / 10, 1) for k in range(101)] + [0.05, 3.25, 11.0]:
            assert numbers[value] == f"{value:.1f}".replace(".", decimal)
            assert client_list._HEIGHTS[value] == f"{3 + 18 * (1 - value / 10):.1f}"
        assert numbers[None] == ("geen" if language == "nl" else "none")
