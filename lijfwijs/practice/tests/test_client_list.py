"""The client list `/praktijk/`: every client who grants the practitioner access, with last
check-in, pain per week (numbers in text), step, open alerts and last contact; search, filters,
sorting and pages; one access-log row per client shown; queries constant in clients and data."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import AccessLog, Membership, PractitionerAccess, User
from lijfwijs.accounts.services import join_practice, revoke_access
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.diary.models import CheckIn
from lijfwijs.practice import overview
from lijfwijs.practice.access import alerts_of
from lijfwijs.practice.models import Alert, ClientNote
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db

LIST = "/praktijk/"


def checkins(user, pains_by_days_ago: dict[int, list[int]]) -> None:
    """Check-ins `days ago` (the client's local date) with these pains."""
    today, zone = local_today(user), zone_of(user)
    rows = []
    for ago, pains in pains_by_days_ago.items():
        day = today - timedelta(days=ago)
        for n, pain in enumerate(pains):
            at = datetime.combine(day, time(8 + n), tzinfo=zone)
            rows.append(CheckIn(user=user, day=day, at=at, pain=pain))
    CheckIn.objects.bulk_create(rows)


def alert(client, practitioner, n: int = 0, acknowledged=None) -> Alert:
    return Alert.objects.create(
        client=client,
        practitioner=practitioner,
        kind=Alert.Kind.SILENCE,
        cause=f"silence:test-{n}",
        acknowledged_at=acknowledged,
        acknowledged_by=practitioner if acknowledged else None,
    )


def names(html: str) -> list[str]:
    """The clients' names in the table, in order."""
    return re.findall(r'<th scope="row"><a href="/praktijk/clienten/\d+/">([^<]+)</a>', html)


def page(browser, query: str = "", status: int = 200) -> str:
    response = browser.get(LIST + query)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


@pytest.fixture
def clients(pieter):
    """Three of Pieter's clients: Anna (falling pain, step 2, an open alert), Bram (rising pain,
    silent for 10 days, step 4) and Cas (no check-ins, no step)."""
    anna = make_client_user("anna@client.example", display_name="Anna de Vries")
    bram = make_client_user("bram@client.example", display_name="Bram Bakker")
    cas = make_client_user("cas@client.example", display_name="cas Jansen")
    for c in (anna, bram, cas):
        give_access(c, pieter)
    PractitionerAccess.objects.update(granted_at=timezone.now() - timedelta(days=30))
    checkins(anna, {25: [7, 7], 18: [6], 12: [5], 3: [4, 3], 0: [4]})
    checkins(bram, {26: [2], 20: [3], 13: [5], 10: [6]})
    ProgramProgress.objects.create(user=anna, current_step=2)
    ProgramProgress.objects.create(user=bram, current_step=4)
    alert(anna, pieter)
    return {"anna": anna, "bram": bram, "cas": cas}


def revoke(client, practitioner) -> None:
    assert revoke_access(client, give_access(client, practitioner).pk)


# --- the pure part ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "direction"),
    [
        ((6.0, 5.5, 5.0, 4.0), "falling"),
        ((2.0, 3.0, 5.0, 6.0), "rising"),
        ((5.0, 5.2, 5.1, 5.3), "steady"),
        ((None, 5.0, None, 5.4), "steady"),  # 5.4 - 5.0 < 0.5
        ((None, 5.0, None, 5.5), "rising"),  # exactly 0.5: a change
        ((None, None, 4.0, 6.0), "unknown"),  # nothing in the first two weeks
        ((None, None, None, None), "unknown"),
    ],
)
def test_direction_from_the_weekly_means(weeks, direction):
    assert overview.pain_direction(weeks) == direction


weekly = st.lists(st.one_of(st.none(), st.floats(0, 10, allow_nan=False)), min_size=4, max_size=4)


@given(weekly)
def test_reversing_the_weeks_reverses_the_direction(weeks):
    opposite = {"rising": "falling", "falling": "rising", "steady": "steady", "unknown": "unknown"}
    forward, backward = overview.pain_change(weeks), overview.pain_change(weeks[::-1])
    if forward is not None and abs(abs(forward) - overview.STEADY_BELOW) > 1e-9:
        assert overview.pain_direction(weeks[::-1]) == opposite[overview.pain_direction(weeks)]
        assert backward == pytest.approx(-forward)


# --- the service -----------------------------------------------------------------------------


def test_the_rows_hold_what_the_list_shows(clients, pieter):
    anna, bram = clients["anna"], clients["bram"]
    note_at = timezone.now() - timedelta(days=2)
    ClientNote.objects.create(
        client=bram, author=pieter, author_name="Pieter", body="belde", created_at=note_at
    )
    rows = {r.name: r for r in overview.client_rows(pieter)}
    assert list(rows) == ["Anna de Vries", "Bram Bakker", "cas Jansen"]

    a = rows["Anna de Vries"]
    assert (a.email, a.step, a.open_alerts, a.days_silent) == ("anna@client.example", 2, 1, 0)
    assert a.last_checkin == local_today(anna)
    assert a.weekly_pain == (7.0, 6.0, 5.0, 3.7)  # oldest week first; (4 + 3 + 4) / 3
    assert a.direction == "falling"
    assert a.last_contact_kind == "access"  # no note, no acknowledged alert

    b = rows["Bram Bakker"]
    assert (b.days_silent, b.step, b.open_alerts) == (10, 4, 0)
    assert b.weekly_pain == (2.0, 3.0, 5.5, None) and b.direction == "rising"
    assert (b.last_contact, b.last_contact_kind) == (note_at, "note")

    c = rows["cas Jansen"]
    assert (c.last_checkin, c.days_silent, c.step) == (None, None, None)
    assert c.weekly_pain == (None,) * 4 and c.direction == "unknown"


def test_the_last_contact_is_the_latest_of_note_acknowledged_alert_and_grant(clients, pieter):
    anna = clients["anna"]
    ClientNote.objects.create(
        client=anna,
        author=pieter,
        author_name="Pieter",
        body="x",
        created_at=timezone.now() - timedelta(days=3),
    )
    acknowledged = timezone.now() - timedelta(hours=5)
    alert(anna, pieter, n=1, acknowledged=acknowledged)
    # another practitioner's note is not Pieter's contact
    other = make_practitioner("olga@example.org")
    ClientNote.objects.create(client=anna, author=other, author_name="Olga", body="y")
    [row] = [r for r in overview.client_rows(pieter) if r.id == anna.pk]
    assert (row.last_contact, row.last_contact_kind) == (acknowledged, "alert")
    assert row.open_alerts == 1  # the acknowledged one is not open


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"q": "BAKKER"}, ["Bram Bakker"]),
        ({"q": "cas@"}, ["cas Jansen"]),
        ({"q": "client.example"}, ["Anna de Vries", "Bram Bakker", "cas Jansen"]),
        ({"flag": "alerts"}, ["Anna de Vries"]),
        ({"flag": "silent"}, ["Bram Bakker", "cas Jansen"]),  # 10 days, and never
        ({"step": 4}, ["Bram Bakker"]),
        ({"step": 5}, []),
        ({"sort": "-name"}, ["cas Jansen", "Bram Bakker", "Anna de Vries"]),
        ({"sort": "checkin"}, ["cas Jansen", "Bram Bakker", "Anna de Vries"]),
        ({"sort": "-checkin"}, ["Anna de Vries", "Bram Bakker", "cas Jansen"]),
        ({"sort": "alerts"}, ["Anna de Vries", "Bram Bakker", "cas Jansen"]),
        ({"sort": "trend"}, ["Bram Bakker", "Anna de Vries", "cas Jansen"]),
        ({"sort": "-trend"}, ["Anna de Vries", "Bram Bakker", "cas Jansen"]),
        ({"q": "a", "flag": "silent", "step": 4}, ["Bram Bakker"]),
    ],
)
def test_search_filters_and_orders(clients, pieter, kwargs, expected):
    assert [r.name for r in overview.client_rows(pieter, **kwargs)] == expected


@pytest.mark.parametrize(
    "kwargs", [{"flag": "all"}, {"sort": "age"}, {"step": 6}, {"step": 0}, {"per_page": 0}]
)
def test_the_service_refuses_what_it_does_not_know(pieter, kwargs):
    with pytest.raises(ValueError):
        overview.client_rows(pieter, **kwargs)


def test_nobody_elses_clients(clients, pieter, rita):
    """Another practice's practitioner, a colleague without a grant, a client, and the
    practitioner after a revoke: none sees a client they have no grant of now."""
    colleague = make_practitioner("piet@example.org")  # Pieter's practice, no grant
    assert list(overview.client_rows(rita)) == []
    assert list(overview.client_rows(colleague)) == []
    assert list(overview.client_rows(clients["bram"])) == []
    revoke(clients["anna"], pieter)
    assert "Anna de Vries" not in [r.name for r in overview.client_rows(pieter)]
    clients["cas"].is_active = False
    clients["cas"].save()
    assert [r.name for r in overview.client_rows(pieter)] == ["Bram Bakker"]


# --- the page --------------------------------------------------------------------------------


def test_the_page_shows_each_client_with_numbers_in_text(clients, pieter_browser):
    html = page(pieter_browser)
    assert names(html) == ["Anna de Vries", "Bram Bakker", "cas Jansen"]
    anna_id = clients["anna"].pk
    row = html[html.index(f'href="/praktijk/clienten/{anna_id}/"') :].split("</tr>")[0]
    assert "vandaag" in row
    assert "pijn per week, oudste eerst:" in row
    assert "7,0 · 6,0 · 5,0 · 3,7" in row and "dalend" in row  # Dutch decimals, the direction
    assert '<svg class="sparkline"' in row and 'aria-hidden="true"' in row
    assert f'<a class="alert-count" href="/praktijk/clienten/{anna_id}/">1 open melding</a>' in row
    assert "toegang gegeven," in row
    bram_row = html[html.index(f"/praktijk/clienten/{clients['bram'].pk}/") :].split("</tr>")[0]
    assert "10 dagen geleden" in bram_row and "stijgend" in bram_row and "geen" in bram_row
    cas_row = html[html.index(f"/praktijk/clienten/{clients['cas'].pk}/") :].split("</tr>")[0]
    assert "nog geen check-in" in cas_row and "te weinig check-ins" in cas_row
    assert "3 cliënten" in html
    # no invitation form here any more; a link to the invitations page instead
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>")[0]
    assert re.search(r'href="[^"]*uitnodigingen/"', html)


def test_the_filter_form_and_sort_links(clients, pieter_browser):
    html = page(pieter_browser, "?flag=silent&sort=-name")
    assert names(html) == ["cas Jansen", "Bram Bakker"]
    assert '<option value="silent" selected>' in html
    assert '<input type="hidden" name="sort" value="-name"' in html  # kept by the search form
    # the sorted column says so, and its link turns the order round; others sort their own way
    assert re.search(r'aria-sort="descending"><a href="\?flag=silent">Naam', html)
    assert 'href="?flag=silent&amp;sort=checkin">Laatste check-in' in html
    assert html.count("aria-sort=") == 1
    html = page(pieter_browser, "?sort=alerts")
    assert re.search(r'aria-sort="descending"><a href="\?sort=-alerts">Open meldingen', html)
    html = page(pieter_browser, "?q=Bakker&step=4")
    assert names(html) == ["Bram Bakker"] and 'value="Bakker"' in html
    assert 'href="?">Alle cliënten tonen' in html


def test_no_match_and_no_clients_yet(clients, pieter_browser, rita_browser):
    html = page(pieter_browser, "?q=niemand")
    assert "Geen cliënten gevonden" in html and names(html) == []
    html = page(rita_browser)
    assert "Nog geen cliënten" in html and "Nodig een cliënt uit" in html
    assert 'role="search"' not in html  # nothing to search yet


def test_a_rejected_filter_answers_422_with_the_message_next_to_it(clients, pieter_browser):
    html = page(pieter_browser, "?step=9&q=Bram", status=422)
    assert 'id="id_step_error"' in html
    assert names(html) == ["Bram Bakker"]  # the valid part still applies
    assert 'value="Bram"' in html


def test_pages_of_25(pieter, pieter_browser):
    for n in range(30):
        give_access(
            make_client_user(f"c{n:02d}@example.org", display_name=f"Cliënt {n:02d}"), pieter
        )
    first = page(pieter_browser)
    assert names(first) == [f"Cliënt {n:02d}" for n in range(25)]
    assert "30 cliënten, pagina 1 van 2" in first
    assert 'href="?pagina=2" rel="next"' in first and 'rel="prev"' not in first
    second = page(pieter_browser, "?pagina=2")
    assert names(second) == [f"Cliënt {n:02d}" for n in range(25, 30)]
    assert 'href="?pagina=1" rel="prev"' in second
    sorted_second = page(pieter_browser, "?sort=-name&pagina=2")
    assert names(sorted_second) == [f"Cliënt {n:02d}" for n in range(4, -1, -1)]
    assert 'href="?sort=-name&amp;pagina=1" rel="prev"' in sorted_second
    page(pieter_browser, "?pagina=3", status=404)
    page(pieter_browser, "?pagina=nul", status=404)


def test_one_log_row_per_client_on_the_page_shown(pieter, pieter_browser):
    people = [
        make_client_user(f"c{n:02d}@example.org", display_name=f"C {n:02d}") for n in range(27)
    ]
    for c in people:
        give_access(c, pieter)
    page(pieter_browser)
    rows = AccessLog.objects.filter(actor_id=pieter.pk)
    assert rows.count() == 25
    assert set(rows.values_list("kind", "action").distinct()) == {("client_list", "list")}
    assert set(rows.values_list("client_id", flat=True)) == {c.pk for c in people[:25]}
    page(pieter_browser, "?pagina=2")
    assert set(
        AccessLog.objects.filter(actor_id=pieter.pk).values_list("client_id", flat=True)
    ) == {c.pk for c in people}
    assert AccessLog.objects.filter(actor_id=pieter.pk).count() == 27
    page(pieter_browser, "?q=geen-match")
    assert AccessLog.objects.filter(actor_id=pieter.pk).count() == 27


def test_others_never_see_a_client(clients, pieter, pieter_browser, rita_browser):
    assert names(page(rita_browser)) == []  # another practice
    colleague = make_practitioner("piet@example.org")  # same practice, no grant
    assert names(page(signed_in_browser(colleague))) == []
    assert signed_in_browser(clients["bram"]).get(LIST).status_code == 403  # a client
    revoke(clients["anna"], pieter)
    html = page(pieter_browser)
    assert "Anna de Vries" not in html and "anna@client.example" not in html
    assert not AccessLog.objects.filter(client_id=clients["anna"].pk, actor_id=pieter.pk).exists()


def test_the_assistant_is_refused(clients, pieter):
    assistant = User.objects.create_user(
        "assistent@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Assistent"
    )
    join_practice(assistant, pieter.practice, Membership.Role.ASSISTANT)
    assert signed_in_browser(assistant).get(LIST).status_code == 403
    assert list(overview.client_rows(assistant)) == []


def test_get_only(pieter_browser, anna_browser):
    assert pieter_browser.post(LIST, {"email": "x@example.org"}).status_code == 405
    assert pieter_browser.head(LIST).status_code == 200
    assert anna_browser.post(LIST).status_code == 403


# --- queries ---------------------------------------------------------------------------------


def many_clients(pieter, count: int, days: int) -> None:
    for n in range(count):
        c = make_client_user(f"q{count}-{n}@example.org", display_name=f"Q {n:02d}")
        give_access(c, pieter)
        checkins(c, {d: [n % 11, (n + d) % 11] for d in range(days)})
        if n % 2:
            ProgramProgress.objects.create(user=c, current_step=1 + n % 5)
            alert(c, pieter, n)
            ClientNote.objects.create(client=c, author=pieter, author_name="P", body="n")


@pytest.mark.parametrize(
    "query", ["", "?sort=checkin", "?sort=trend&flag=alerts", "?sort=alerts&step=2&q=q"]
)
def test_queries_do_not_grow_with_clients_or_check_ins(
    pieter, pieter_browser, django_assert_num_queries, query
):
    many_clients(pieter, 3, days=2)
    pieter_browser.get(LIST + query)  # the session's first writes
    with CaptureQueriesContext(connection) as small:
        assert pieter_browser.get(LIST + query).status_code == 200
    many_clients(pieter, 30, days=30)
    with django_assert_num_queries(len(small.captured_queries)):
        html = page(pieter_browser, query)
    if not query:
        assert len(names(html)) == 25


def test_the_details_sql_agrees_with_the_querysets(clients, pieter, rita):
    """`_details` repeats the rules of clients_of and alerts_of in SQL: it gives exactly the
    clients clients_of gives, with the counts and dates the ORM gives."""
    from django.db.models import Max

    anna, bram, cas = clients["anna"], clients["bram"], clients["cas"]
    alert(anna, pieter, n=1, acknowledged=timezone.now() - timedelta(hours=1))
    alert(anna, rita, n=2)  # Rita's alert about Anna is nothing to Pieter
    give_access(bram, rita)
    revoke(bram, pieter)  # no longer Pieter's client
    today = local_today(pieter)
    everyone = [anna.pk, bram.pk, cas.pk, rita.pk, pieter.pk]
    found = overview._details(pieter, everyone, today)
    assert set(found) == set(clients_of(pieter).values_list("pk", flat=True)) == {anna.pk, cas.pk}
    for pk, row in found.items():
        assert row["open_alerts"] == alerts_of(pieter).open().filter(client_id=pk).count()
        assert row["last_day"] == CheckIn.objects.filter(user_id=pk).aggregate(d=Max("day"))["d"]
        acked = alerts_of(pieter).filter(client_id=pk).aggregate(a=Max("acknowledged_at"))["a"]
        assert row["last_ack"] == acked
        granted = PractitionerAccess.objects.active().get(client_id=pk, practitioner=pieter)
        assert row["granted"] == granted.granted_at
    assert found[anna.pk]["open_alerts"] == 1 and found[anna.pk]["last_ack"] is not None
    assert overview._details(rita, everyone, today).keys() == {bram.pk}


def test_search_takes_percent_and_underscore_literally(pieter):
    for email, name in (("a_b@example.org", "Procent 100%"), ("ab@example.org", "")):
        give_access(make_client_user(email, display_name=name), pieter)
    assert [r.name for r in overview.client_rows(pieter, q="%")] == ["Procent 100%"]
    assert [r.email for r in overview.client_rows(pieter, q="a_b")] == ["a_b@example.org"]
    # without a name a client is listed (and sorted) by email address
    assert [r.name for r in overview.client_rows(pieter)] == ["ab@example.org", "Procent 100%"]


def test_a_grant_shows_nothing_to_someone_who_is_no_active_practitioner(clients, pieter):
    pieter.is_active = False
    pieter.save()
    assert list(overview.client_rows(pieter)) == []
    pieter.is_active, pieter.role = True, User.Role.ASSISTANT
    pieter.save()
    assert list(overview.client_rows(pieter)) == []


def test_a_rejected_filter_shows_its_message_without_clients_too(rita_browser):
    html = page(rita_browser, "?flag=iets", status=422)
    assert 'id="id_flag_error"' in html and 'role="search"' in html


def test_the_trend_order_is_the_change_the_rows_show(pieter):
    """The order "pain trend" (SQL) sorts by exactly pain_change() of the rows' weekly means."""
    import random

    rng = random.Random(12)
    for n in range(8):
        c = make_client_user(f"t{n}@example.org", display_name=f"T {n}")
        give_access(c, pieter)
        days = rng.sample(range(28), rng.randint(0, 12))
        checkins(c, {d: [rng.randint(0, 10) for _ in range(rng.randint(1, 3))] for d in days})
    rows = list(overview.client_rows(pieter))

    def key(r, sign):
        change = overview.pain_change(r.weekly_pain)
        return (change is None, 0 if change is None else sign * round(change, 6), r.name)

    for sort, sign in (("trend", -1), ("-trend", 1)):
        expected = [r.name for r in sorted(rows, key=lambda r, s=sign: key(r, s))]
        assert [r.name for r in overview.client_rows(pieter, sort=sort)] == expected, sort


def test_the_listing_sql_agrees_with_the_querysets(clients, pieter, rita):
    """The count and ids SQL repeat clients_of and alerts_of: the same clients, with the same
    open alerts, also after a revoke, for another practitioner's alert and an inactive client."""
    anna, bram, cas = clients["anna"], clients["bram"], clients["cas"]
    alert(bram, rita, n=3)  # Rita's alert, and no grant to her: nothing for anyone's list
    alert(cas, pieter, n=4, acknowledged=timezone.now())  # seen: not open
    revoke(anna, pieter)
    give_access(anna, pieter)  # granted again: a new grant, the revoked one stays
    cas.is_active = False
    cas.save()
    listed = overview.client_rows(pieter, per_page=100)
    assert {r.id for r in listed} == set(clients_of(pieter).values_list("pk", flat=True))
    assert listed.paginator.count == clients_of(pieter).count() == 2
    with_alerts = {r.id for r in overview.client_rows(pieter, flag="alerts", per_page=100)}
    assert with_alerts == set(alerts_of(pieter).open().values_list("client_id", flat=True))
    assert with_alerts == {anna.pk}


def test_the_count_read_with_a_page_is_the_count_of_its_own(pieter, django_assert_num_queries):
    """A page's statement also counts the matches; the count's own statement (for a page without
    rows) gives the same number, for filters and orders, on a full, a partial and an empty page."""
    many_clients(pieter, 7, 3)
    today = local_today(pieter)
    for q, flag, step, sort in (
        ("", "", None, "name"),
        ("q 0", "", None, "-name"),
        ("", "silent", None, "checkin"),
        ("", "", None, "-trend"),
        ("", "alerts", 1, "alerts"),
    ):
        expected = overview._listed(pieter, q, flag, step, sort, today).count()  # its own
        for page_number in (1, 2, 3):
            listed = overview._listed(pieter, q, flag, step, sort, today)
            listed.fetch((page_number - 1) * 3, 3)
            if listed[(page_number - 1) * 3 : page_number * 3]:
                with django_assert_num_queries(0):  # read with the page
                    assert listed.count() == expected, (q, flag, sort, page_number)
            else:
                assert listed.count() == expected, (q, flag, sort, page_number)
    with pytest.raises(EmptyPage):
        overview.client_rows(pieter, per_page=3, page=4)


def test_an_unknown_order_is_the_default_one(clients, pieter_browser):
    html = page(pieter_browser, "?sort=leeftijd")
    assert names(html) == ["Anna de Vries", "Bram Bakker", "cas Jansen"]
    assert "error-summary" not in html


def test_names_and_searches_are_escaped(pieter, pieter_browser):
    give_access(make_client_user("x@example.org", display_name='<b>Vet</b> "&'), pieter)
    html = page(pieter_browser, "?q=%3Cb%3E")
    assert "&lt;b&gt;Vet&lt;/b&gt; &quot;&amp;" in html and "<b>Vet</b>" not in html
    assert 'value="&lt;b&gt;"' in html  # what was typed, back in the field
