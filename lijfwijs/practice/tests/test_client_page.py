"""A client's record for their practitioner, as tabs: the overview (details and summary), the
timeline week by week, the client's insights and "what calms me", and the notes and
assignments; and a Pijntest report as the practitioner's view; who may see each, the one
access-log row per look, and queries that do not grow with the data."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import AccessLog, PractitionerAccess, User
from lijfwijs.accounts.tests.helpers import (
    access_log_rows,
    give_access,
    make_client_user,
    make_practitioner,
    pijntest_result,
    signed_in_browser,
)
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises.tests.log_factories import practise
from lijfwijs.practice import timeline
from lijfwijs.practice.models import Alert, Assignment, ClientNote

pytestmark = pytest.mark.django_db

SECRET = "Mijn baas zat me weer op de huid"


def page(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/"


def timeline_tab(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/tijdlijn/"


def insights_tab(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/inzichten/"


def care_tab(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/notities-en-opdrachten/"


def tabs(client_user) -> list[str]:
    return [page(client_user), timeline_tab(client_user), insights_tab(client_user)] + [
        care_tab(client_user)
    ]


def report(client_user, result) -> str:
    return f"/praktijk/clienten/{client_user.pk}/uitslagen/{result.pk}/"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def monday(day):
    return day - timedelta(days=day.weekday())


def checkin(user, day, pain, *tags, note=""):
    made = CheckIn.objects.create(user=user, day=day, pain=pain, note=note)
    made.tags.add(*tags)
    User.objects.data_changed(user)
    return made


@pytest.fixture
def annas(anna, pieter):
    give_access(anna, pieter)
    return anna


# --- The header -------------------------------------------------------------------------------


def test_the_header_names_the_client_with_a_way_back(annas, pieter, pieter_browser):
    html = text(pieter_browser.get(page(annas)))
    assert "<h1>Anna</h1>" in html
    assert "anna@example.org" in html
    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter)
    assert "Toegang sinds" in html and access.granted_at.strftime("%-d") in html
    assert "nog niet begonnen" in html  # the program
    assert "Open meldingen</dt><dd>geen</dd>" in html
    assert html.count('href="/praktijk/">← Terug naar je cliënten') == 2
    assert "Nog geen Pijntest" in html
    assert "Niets vastgelegd in deze week." not in html  # the timeline is a tab of its own
    assert (
        text(pieter_browser.get(timeline_tab(annas))).count("Niets vastgelegd in deze week.") == 12
    )  # twelve silent weeks


def test_every_tab_names_the_client_and_marks_itself_in_the_tabs(annas, pieter_browser):
    names = ["Overzicht", "Tijdlijn", "Inzichten", "Notities en opdrachten"]
    for n, url in enumerate(tabs(annas)):
        html = text(pieter_browser.get(url))
        assert "<h1>Anna</h1>" in html and html.count('href="/praktijk/">← Terug') == 2
        nav = html[html.index('<nav class="client-tabs"') :]
        nav = nav[: nav.index("</nav>")]
        assert 'aria-label="Dossier van de cliënt"' in nav
        for m, (name, link) in enumerate(zip(names, tabs(annas), strict=True)):
            current = ' aria-current="page"' if m == n else ""
            assert f'<a href="{link}"{current}>{name}</a>' in nav
    english = text(pieter_browser.get(f"/en{timeline_tab(annas)}"))
    assert f'<a href="/en{timeline_tab(annas)}" aria-current="page">Timeline</a>' in english


def test_open_alerts_are_counted_in_the_header(annas, pieter, pieter_browser, rita):
    Alert.objects.create(client=annas, practitioner=pieter, kind="silence", cause="silence:1")
    Alert.objects.create(client=annas, practitioner=pieter, kind="pain_rising", cause="flare:1")
    Alert.objects.create(
        client=annas,
        practitioner=pieter,
        kind="silence",
        cause="silence:2",
        acknowledged_at=timezone.now(),
        acknowledged_by=pieter,
    )
    Alert.objects.create(client=annas, practitioner=rita, kind="silence", cause="silence:1")
    html = text(pieter_browser.get(page(annas)))
    assert "Open meldingen</dt><dd><strong>2</strong></dd>" in html


# --- The timeline -----------------------------------------------------------------------------


def test_pijntests_with_their_change_against_the_meaningful_change(annas, pieter_browser):
    first = pijntest_result(annas, peg=3)
    second = pijntest_result(annas, peg=5)  # 2 points worse: meaningful
    third = pijntest_result(annas, peg=5, **{"peg.activity": 4})  # 4.7: 0.3 lower, not
    html = text(pieter_browser.get(timeline_tab(annas)))
    assert "PEG 3,0 (van 0 tot 10)" in html
    assert "2,0 punt hoger dan de vorige keer" in html
    assert "een verandering die mensen merken (1,0 punt of meer)." in html
    assert "0,3 punt lager dan de vorige keer" in html
    assert "minder dan een merkbare verandering (1,0 punt)." in html
    for result in (first, second, third):
        assert f'href="{report(annas, result)}"' in html
    assert "/pijntest/uitslag/" not in html  # never the client's own page
    # newest first in the week
    assert html.index("PEG 4,7") < html.index("PEG 5,0") < html.index("PEG 3,0")
    # the summary: the latest PEG and its change
    html = text(pieter_browser.get(page(annas)))
    assert "0,3 punt lager dan de vorige keer · niet merkbaar" in html
    assert f'href="{report(annas, third)}">Laatste uitslag bekijken' in html


def test_the_domains_and_safety_in_words_never_codes(annas, pieter_browser):
    pijntest_result(annas, peg=5, **{"redflag.fever": "yes"})
    html = text(pieter_browser.get(timeline_tab(annas)))
    assert "Veiligheid: rode vlag: vandaag naar de huisarts" in html
    assert "Weegt nu het zwaarst: " in html
    for code in ("same_day", "stress,", "breathing", "movement", "nutrition", ">sleep"):
        assert code not in html, code
    assert "is-warning" in html


def test_a_diary_summary_per_week(annas, pieter_browser):
    today = local_today(annas)
    this_week, last_week = monday(today), monday(today) - timedelta(weeks=1)
    werkdruk, slecht = Tag.objects.get(key="werkdruk"), Tag.objects.exclude(key="werkdruk")[0]
    checkin(annas, last_week, 4, werkdruk)
    checkin(annas, last_week, 6, werkdruk, slecht)
    checkin(annas, last_week + timedelta(days=2), 5, werkdruk)
    checkin(annas, this_week, 2)
    html = text(pieter_browser.get(timeline_tab(annas)))
    assert "3 check-ins, op 2 van de 7 dagen; pijn gemiddeld 5,0 (laagste 4, hoogste 6)." in html
    assert f"Vaakst: {werkdruk.name_nl} (3×), {slecht.name_nl} (1×)" in html
    assert "1 check-in, op 1 van de 7 dagen; pijn gemiddeld 2,0 (laagste 2, hoogste 2)." in html
    # this week first, then last week
    assert html.index("1 check-in, op 1") < html.index("3 check-ins, op 2")


def test_practice_sessions_per_week(annas, pieter_browser):
    practise(annas, "schudden", 6, 3, seconds=600)
    practise(annas, "schudden", 5, 3, seconds=300)
    practise(annas, "schudden", seconds=180)
    html = text(pieter_browser.get(timeline_tab(annas)))
    assert (
        "3 keer geoefend, 18 minuten. Spanning gemiddeld 2,5 punt lager na afloop "
        "(2 keer gemeten)." in html
    )


def test_alerts_notes_assignments_and_program_changes_are_marked(
    annas, pieter, pieter_browser, content
):
    from lijfwijs.exercises.models import Exercise

    Alert.objects.create(
        client=annas,
        practitioner=pieter,
        kind="silence",
        cause="silence:1",
        acknowledged_at=timezone.now(),
        acknowledged_by=pieter,
        acknowledged_note="Gebeld, gaat beter",
    )
    ClientNote.objects.create(
        client=annas,
        author=pieter,
        author_name="Pieter",
        practice=pieter.practice,
        body="Vertrouwelijke notitie over de rug",
    )
    exercise = Exercise.objects.get(slug="schudden")
    today = local_today(annas)
    Assignment.objects.create(
        client=annas,
        practitioner=pieter,
        practitioner_name="Pieter",
        kind="exercise",
        exercise=exercise,
        times_per_week=3,
        starts_on=today,
        ends_on=today + timedelta(days=13),
        message="Rustig aan",
    )
    assert pieter_browser.post(f"{page(annas)}programma/", {"action": "unlock"}).status_code == 302
    page_html = text(pieter_browser.get(timeline_tab(annas)))
    start = page_html.index('id="timeline-heading"')
    html = page_html[start : page_html.index("</section>", start)]
    assert "Melding: geen check-in" in html and "Gezien door Pieter op" in html
    assert "Notitie van Pieter" in html
    assert "Vertrouwelijke notitie" not in html  # the timeline marks a note, never its body
    assert f"Opdracht: {exercise.name_nl}" in html and "3 keer per week, van" in html
    assert "Volgende stap vrijgegeven" in html and "door Pieter" in html


def test_notes_of_another_practice_are_not_marked(annas, pieter_browser, rita):
    give_access(annas, rita)
    ClientNote.objects.create(
        client=annas, author=rita, author_name="Rita", practice=rita.practice, body="x"
    )
    assert "Notitie van Rita" not in text(pieter_browser.get(timeline_tab(annas)))


# --- The diary's free text: only when the client shares it ------------------------------------


def test_note_text_only_when_the_client_shares_it(annas, anna_browser, pieter, pieter_browser):
    today = local_today(annas)
    checkin(annas, today, 5, note=SECRET)
    checkin(annas, today - timedelta(days=40), 5, note="Heel oude notitie")
    assert SECRET not in text(pieter_browser.get(timeline_tab(annas)))

    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter)
    settings_page = text(anna_browser.get("/account/"))
    assert "Deze behandelaar ziet je check-ins, maar niet wat je erbij schrijft." in settings_page
    assert f'action="/account/toegang/{access.pk}/notities/"' in settings_page

    before = AccessLog.objects.count()
    response = anna_browser.post(f"/account/toegang/{access.pk}/notities/", {"share": "1"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert AccessLog.objects.count() == before  # her own act: no row
    access.refresh_from_db()
    assert access.share_notes
    assert "Mijn dagboeknotities niet meer delen" in text(anna_browser.get("/account/"))

    html = text(pieter_browser.get(timeline_tab(annas)))
    assert SECRET in html
    assert "gedeeld met jou" in text(pieter_browser.get(page(annas)))
    assert "Heel oude notitie" not in html  # the last four weeks only

    anna_browser.post(f"/account/toegang/{access.pk}/notities/", {"share": "0"})
    access.refresh_from_db()
    assert not access.share_notes
    assert SECRET not in text(pieter_browser.get(timeline_tab(annas)))


def test_a_shared_note_is_shown_escaped_with_its_line_breaks(annas, pieter, pieter_browser):
    today = local_today(annas)
    checkin(annas, today, 5, note='<b>Zwaar</b> & "moe"\ntweede regel')
    PractitionerAccess.objects.filter(client=annas, practitioner=pieter).update(share_notes=True)
    html = pieter_browser.get(timeline_tab(annas)).content.decode()
    timeline_html = html[html.index('id="timeline-heading"') :]
    assert "&lt;b&gt;Zwaar&lt;/b&gt; &amp; &quot;moe&quot;<br>tweede regel" in timeline_html
    assert "<b>Zwaar</b>" not in html
    assert "1 gedeelde notitie</summary>" in timeline_html


def test_sharing_with_one_practitioner_is_not_sharing_with_another(
    annas, anna_browser, pieter, rita, rita_browser
):
    checkin(annas, local_today(annas), 5, note=SECRET)
    give_access(annas, rita)
    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter)
    anna_browser.post(f"/account/toegang/{access.pk}/notities/", {"share": "1"})
    assert SECRET not in text(rita_browser.get(timeline_tab(annas)))


def test_only_the_client_can_change_what_she_shares(
    annas, pieter, bram_browser, pieter_browser, client
):
    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter)
    url = f"/account/toegang/{access.pk}/notities/"
    assert bram_browser.post(url, {"share": "1"}).status_code == 404
    assert pieter_browser.post(url, {"share": "1"}).status_code == 404
    assert client.post(url, {"share": "1"}).status_code == 302  # to the login page
    assert bram_browser.get(url).status_code == 405
    access.refresh_from_db()
    assert not access.share_notes


# --- Insights and "what calms me" as the client sees them -------------------------------------


def test_the_clients_insights_and_what_calms_her(annas, pieter_browser):
    today = local_today(annas)
    for n in range(30):
        checkin(annas, today - timedelta(days=n), 3 + n % 4)
    for _ in range(3):
        practise(annas, "schudden", 7, 4)
    html = text(pieter_browser.get(insights_tab(annas)))
    assert "Inzichten, zoals je cliënt ze ziet" in html
    assert "Pijn per dag en het gemiddelde over 7 dagen" in html  # the chart's table
    assert 'id="trend-chart' in html
    calm = html[html.index('id="calm-heading"') :]
    assert "Schudden" in calm and "Gemiddeld 3,0 punt minder spanning" in calm
    html = text(pieter_browser.get(page(annas)))  # the overview names the best one
    assert "Wat het meest rust geeft:</strong> Schudden (3,0 punt minder spanning)" in html


# --- The report as the practitioner's view ----------------------------------------------------


def test_the_report_names_the_client_and_leads_back(annas, pieter, pieter_browser):
    result = pijntest_result(annas, peg=6)
    response = pieter_browser.get(report(annas, result))
    html = text(response)
    date = timezone.localtime(result.completed_at)
    assert f"<h1>Pijntest-uitslag van Anna, {date.day} " in html
    assert "Jouw Pijntest-uitslag" not in html
    assert f'href="{page(annas)}">← Terug naar Anna</a>' in html
    assert "data-print" in html and "practice/print.js" in html and "practice/print.css" in html
    assert "Bewaar deze uitslag" not in html
    assert "no-store" in response["Cache-Control"]
    rows = access_log_rows(annas)
    assert [(r.kind, r.action, r.object_ref) for r in rows] == [
        ("pijntest", "view", f"response:{result.pk}")
    ]
    assert rows[0].actor_id == pieter.pk


def test_a_red_flag_report_is_shown_whole_with_its_advice_first(annas, pieter_browser):
    result = pijntest_result(annas, peg=6, **{"redflag.bladder": "yes"})
    html = text(pieter_browser.get(report(annas, result)))
    assert html.index('id="safety-heading"') < html.index("<h1>Pijntest-uitslag van Anna")
    assert "Wat je zenuwstelsel belast" in html  # not the client's "come back later" page


def test_another_clients_result_is_a_404(annas, bram, pieter, pieter_browser):
    give_access(bram, pieter)
    brams = pijntest_result(bram, peg=4)
    annas_result = pijntest_result(annas, peg=4)
    assert pieter_browser.get(report(annas, brams)).status_code == 404
    assert pieter_browser.get(report(bram, annas_result)).status_code == 404
    assert pieter_browser.get(f"{page(annas)}uitslagen/Zz9nEverExisted0/").status_code == 404
    assert pieter_browser.get(f"{page(annas)}uitslagen/{'a' * 40}/").status_code == 404
    assert access_log_rows(annas) == [] and access_log_rows(bram) == []


def test_who_else_gets_nothing(annas, pieter, rita_browser, anna_browser, bram_browser):
    result = pijntest_result(annas, peg=4)
    for url in (*tabs(annas), report(annas, result)):
        assert rita_browser.get(url).status_code == 404  # another practice
        assert anna_browser.get(url).status_code == 403  # a client, even her own
        assert bram_browser.get(url).status_code == 403
    colleague = make_practitioner("collega@example.org")  # Pieter's practice, no grant
    assistant = User.objects.create_user(
        "assistent@example.org", "lange zin van vijf woorden", role=User.Role.ASSISTANT
    )
    from lijfwijs.accounts.services import join_practice

    join_practice(assistant, pieter.practice, "assistant")
    colleague_browser, assistant_browser = (
        signed_in_browser(colleague),
        signed_in_browser(assistant),
    )
    for url in (*tabs(annas), report(annas, result)):
        assert colleague_browser.get(url).status_code == 404
        assert assistant_browser.get(url).status_code == 403
    assert access_log_rows(annas) == []


def test_after_revoking_the_practitioner_gets_a_404(annas, anna_browser, pieter, pieter_browser):
    result = pijntest_result(annas, peg=4)
    assert pieter_browser.get(page(annas)).status_code == 200
    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter)
    anna_browser.post(f"/account/toegang/{access.pk}/intrekken/")
    for url in (*tabs(annas), report(annas, result)):
        assert pieter_browser.get(url).status_code == 404
    assert len(access_log_rows(annas)) == 1


# --- One access-log row per look --------------------------------------------------------------


def test_one_row_per_look_whatever_the_page_shows(annas, pieter, pieter_browser):
    pijntest_result(annas, peg=4)
    checkin(annas, local_today(annas), 5)
    practise(annas, "schudden", 6, 3)
    Alert.objects.create(client=annas, practitioner=pieter, kind="silence", cause="silence:1")
    for url in tabs(annas):
        assert pieter_browser.get(url).status_code == 200
    pieter_browser.get(page(annas))
    rows = access_log_rows(annas)
    kinds = ["summary", "timeline", "insights", "notes", "summary"]
    assert sorted((r.kind, r.action, r.object_ref) for r in rows) == sorted(
        (kind, "view", "") for kind in kinds
    )
    assert rows[0].actor_name == "Pieter" and rows[0].on_behalf_of == "Fysio De Brug"
    # a rejected program form shows the overview again: one more row
    assert pieter_browser.post(f"{page(annas)}programma/", {}).status_code == 422
    assert len(access_log_rows(annas)) == 6


# --- Queries do not grow with the data --------------------------------------------------------


def _data(client_user, practitioner, n, today):
    """`n` of each kind of data, spread over the twelve weeks of the timeline."""
    from lijfwijs.exercises.models import Exercise

    tags = list(Tag.objects.filter(user__isnull=True)[:3])
    exercise = Exercise.objects.get(slug="schudden")
    for i in range(n):
        day = today - timedelta(days=(i * 5) % 80)
        checkin(client_user, day, i % 11, *tags[: 1 + i % 3], note=f"notitie {i}")
        practise(client_user, "schudden", 6, 3, ago=timedelta(days=(i * 3) % 80, hours=1))
        pijntest_result(client_user, peg=i % 10)
        Alert.objects.create(
            client=client_user, practitioner=practitioner, kind="silence", cause=f"s:{n}:{i}"
        )
        ClientNote.objects.create(
            client=client_user,
            author=practitioner,
            author_name="Pieter",
            practice=practitioner.practice,
            body="b",
        )
        Assignment.objects.create(
            client=client_user,
            practitioner=practitioner,
            practitioner_name="Pieter",
            kind="exercise",
            exercise=exercise,
            times_per_week=2,
            starts_on=day,
            ends_on=day + timedelta(days=7),
        )
    User.objects.data_changed(client_user)


@pytest.mark.parametrize("tab", [page, timeline_tab, insights_tab, care_tab])
def test_queries_do_not_grow_with_the_data(tab, pieter, pieter_browser, django_assert_num_queries):
    small, large = make_client_user("klein@example.org"), make_client_user("groot@example.org")
    for person in (small, large):
        give_access(person, pieter)
        access = PractitionerAccess.objects.get(client=person, practitioner=pieter)
        access.share_notes = True
        access.save()
    today = local_today(small)
    _data(small, pieter, 3, today)
    _data(large, pieter, 25, today)
    pieter_browser.get(tab(small))  # what is kept per process (the report's words, content)
    # Both measured with nothing computed yet (the cache holds the insights and "what calms
    # me" per data version): the most a look can cost.
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert pieter_browser.get(tab(small)).status_code == 200
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        html = text(pieter_browser.get(tab(large)))
    if tab is timeline_tab:  # it shows more
        assert "notitie 16" in html and html.count("Notitie van Pieter") >= 25


# --- The service --------------------------------------------------------------------------------


def test_summary_is_plain_json(annas, pieter):
    import json

    today = local_today(annas)
    pijntest_result(annas, peg=3)
    pijntest_result(annas, peg=5)
    for n in range(28):
        checkin(annas, today - timedelta(days=n), 6 if n < 14 else 3)
    for _ in range(3):
        practise(annas, "schudden", 7, 4)
    data = timeline.summary(annas, today)
    assert json.loads(json.dumps(data)) == data
    assert data["pijntest"]["peg"] == 5
    assert data["pijntest"]["change"] == {
        "before": 3,
        "change": 2,
        "meaningful": True,
        "direction": "worse",
    }
    diary = data["diary"]
    assert (diary["last_two_weeks_mean"], diary["previous_two_weeks_mean"]) == (6, 3)
    assert diary["meaningful"] and diary["direction"] == "worse"
    assert (
        len(diary["weeks"]) == 4 and diary["weeks"][-1]["week_start"] == monday(today).isoformat()
    )
    assert data["what_calms_me"] == [
        {"slug": "schudden", "name": "Schudden", "mean_drop": 3.0, "sessions": 3}
    ]
    assert data["program"] is None


def test_timeline_weeks_are_monday_to_sunday_newest_first(annas, pieter):
    today = local_today(annas)
    weeks = timeline.timeline(annas, pieter, weeks=3, today=today)
    assert [w.start for w in weeks] == [monday(today) - timedelta(weeks=n) for n in range(3)]
    assert all(w.end - w.start == timedelta(days=6) and w.is_empty for w in weeks)


def test_the_page_finds_exactly_the_clients_clients_of_finds(annas, bram, pieter, rita):
    """client_with_access repeats clients_of's rule for one id (with the grant's details): a
    client with a grant, not one without, not after a revoke, not an inactive account, not a
    practitioner, not for another practitioner."""
    from django.http import Http404
    from django.test import RequestFactory

    from lijfwijs.accounts.access import clients_of
    from lijfwijs.accounts.services import revoke_access
    from lijfwijs.practice.client_page import client_with_access

    carla = make_client_user("carla@example.org")
    revoke_access(carla, give_access(carla, pieter).pk)
    dirk = make_client_user("dirk@example.org")
    give_access(dirk, pieter)
    User.objects.filter(pk=dirk.pk).update(is_active=False)
    PractitionerAccess.objects.filter(client=annas, practitioner=pieter).update(share_notes=True)

    def found(practitioner, person):
        request = RequestFactory().get("/")
        request.user = practitioner
        try:
            return client_with_access(request, person.pk)
        except Http404:
            return None

    for practitioner in (pieter, rita):
        for person in (annas, bram, carla, dirk, rita, pieter):
            allowed = clients_of(practitioner).filter(pk=person.pk).exists()
            assert (found(practitioner, person) is not None) == allowed, (practitioner, person)
    client, grant = found(pieter, annas)
    access = PractitionerAccess.objects.get(client=annas, practitioner=pieter, status="active")
    assert client == annas and client.email == annas.email
    stored = User.objects.get(pk=annas.pk)  # every field as the ORM reads it, with its type
    for f in User._meta.concrete_fields:
        assert getattr(client, f.attname) == getattr(stored, f.attname), f.name
        assert type(getattr(client, f.attname)) is type(getattr(stored, f.attname)), f.name
    assert not client._state.adding and client._state.db == stored._state.db
    assert grant == {"granted_at": access.granted_at, "share_notes": True}


def test_what_the_page_reads_once_gives_the_summary_and_timeline_they_read_themselves(
    annas, pieter
):
    """The client's page reads the check-ins and Pijntests once for the summary and the
    timeline: the same summary and weeks as when each reads its own, with Pijntests before the
    timeline's weeks, in them and today, and check-ins over five weeks."""
    from datetime import datetime

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.assessments.models import Response

    today = local_today(annas)
    for days, peg in ((200, 7), (120, 6), (30, 4), (0, 5)):
        made = pijntest_result(annas, peg=peg)
        Response.objects.filter(pk=made.pk).update(
            completed_at=timezone.now() - timedelta(days=days)
        )
    for n in range(40):
        checkin(annas, today - timedelta(days=n), n % 11)
    first = timeline.first_day(today)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone_of(annas))
    checkins = timeline.read_checkins(annas, first)
    pijntests = timeline.read_pijntests(annas, since)
    assert len(pijntests) == 4  # two in the weeks, the two before
    assert timeline.summary(annas, today, checkins=checkins, pijntests=pijntests) == (
        timeline.summary(annas, today)
    )
    read_once = timeline.timeline(
        annas, pieter, today=today, checkins=checkins, pijntests=pijntests
    )
    assert read_once == timeline.timeline(annas, pieter, today=today)
    assert any(e.kind == "pijntest" for w in read_once for e in w.events)


def test_appointments_at_the_practice_are_on_the_timeline(annas, pieter, pieter_browser, rita):
    """The client's appointments at this practice (booking), with who gives them and what became
    of them, linked to the agenda; another practice's appointments and visitors' holds are not."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from lijfwijs.booking import services as booking
    from lijfwijs.booking.models import AppointmentType, Booking, WeeklyHours

    def offer(practitioner, name):
        kind = AppointmentType.objects.create(
            practice=practitioner.practice, name=name, duration_minutes=30, min_notice_hours=0
        )
        kind.practitioners.add(practitioner)
        for weekday in range(7):
            WeeklyHours.objects.create(
                practice=practitioner.practice,
                practitioner=practitioner,
                weekday=weekday,
                start=time(8),
                end=time(18),
            )
        return kind

    zone = ZoneInfo("Europe/Amsterdam")
    this_monday = monday(local_today(annas))
    at = datetime.combine(this_monday, time(10), tzinfo=zone)
    last_week = at - timedelta(weeks=1)
    earlier = at - timedelta(weeks=3)
    session = offer(pieter, "Behandeling")
    elsewhere = offer(rita, "Elders-consult")
    who = booking.Who(client=annas)
    kept = booking.book(session, at, who, origin="client", now=earlier)
    missed = booking.book(session, last_week, who, origin="client", now=earlier)
    booking.mark(missed, Booking.Status.NO_SHOW, now=last_week + timedelta(hours=1))
    booking.book(elsewhere, at + timedelta(hours=2), who, origin="client", now=earlier)
    booking.book(
        session,
        at + timedelta(hours=3),
        booking.Who(name="Iemand", email="iemand@example.org"),
        origin="visitor",
        now=earlier,
    )
    page_html = text(pieter_browser.get(timeline_tab(annas)))
    start = page_html.index('id="timeline-heading"')
    html = page_html[start : page_html.index("</section>", start)]
    assert html.count("Afspraak: Behandeling") == 2 and "met Pieter" in html
    assert f'href="/praktijk/agenda/afspraken/{kept.pk}/"' in html
    assert "niet verschenen" in html and "is-warning" in html
    assert "Elders-consult" not in html and "Iemand" not in html


def test_the_note_marks_are_the_notes_the_timeline_reads_itself(annas, pieter, rita):
    """notes.note_marks repeats notes_of's rule for one client from a moment on, without the
    body: the timeline's weeks are the same as when it reads the notes itself (own notes, the
    practice's, an addendum; not another practice's, not those before the weeks)."""
    from datetime import datetime

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.practice import notes

    give_access(annas, rita)
    colleague = make_practitioner("collega@example.org")  # Pieter's practice
    old = ClientNote.objects.create(
        client=annas, author=pieter, author_name="Pieter", practice=pieter.practice, body="o"
    )
    ClientNote.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(weeks=20))
    own = ClientNote.objects.create(
        client=annas, author=pieter, author_name="Pieter", practice=pieter.practice, body="a"
    )
    ClientNote.objects.create(
        client=annas,
        author=colleague,
        author_name="Collega",
        practice=pieter.practice,
        body="b",
        addendum_to=own,
    )
    ClientNote.objects.create(
        client=annas, author=rita, author_name="Rita", practice=rita.practice, body="c"
    )
    today = local_today(annas)
    since = datetime.combine(timeline.first_day(today), datetime.min.time(), zone_of(annas))
    marks = notes.note_marks(pieter, annas, since)
    assert sorted(author for _at, author, _to in marks) == ["Collega", "Pieter"]
    read = timeline.timeline(annas, pieter, today=today, note_marks=marks)
    assert read == timeline.timeline(annas, pieter, today=today)
    assert notes.note_marks(rita, annas, since) == [
        (n.created_at, "Rita", None) for n in ClientNote.objects.filter(author=rita)
    ]
