"""What a practice offers, through HTTP: appointment types (the owner creates, edits and switches
them off; others read), weekly hours (your own; the owner anyone's; overlaps merged) and
exceptions, with another practice's objects a 404."""

from datetime import date, time

import pytest

from lijfwijs.booking import services
from lijfwijs.booking.models import AppointmentType, AvailabilityException, WeeklyHours

from .conftest import TUESDAY


def type_form(practitioners, **fields):
    return {
        "name": "Intake",
        "description": "Een eerste afspraak.",
        "duration_minutes": "45",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "15",
        "slot_step_minutes": "15",
        "price_text": "€ 70",
        "location": "practice",
        "video_link": "",
        "audience": "anyone",
        "min_notice_hours": "12",
        "horizon_days": "60",
        "cancel_limit_hours": "24",
        "practitioners": [p.pk for p in practitioners],
        **fields,
    }


# --- appointment types --------------------------------------------------------------------------


def test_the_owner_creates_a_type(pieter, lotte, pieter_browser):
    done = pieter_browser.post("/praktijk/aanbod/nieuw/", type_form([pieter, lotte]), follow=True)
    assert "‘Intake’ is toegevoegd." in done.content.decode()
    created = AppointmentType.objects.get(name="Intake")
    assert created.practice == pieter.membership.practice
    assert (created.duration_minutes, created.buffer_after_minutes) == (45, 15)
    assert set(created.practitioners.all()) == {pieter, lotte}
    assert "Intake" in pieter_browser.get("/praktijk/aanbod/").content.decode()


def test_durations_are_multiples_of_five_minutes_and_what_was_typed_is_kept(pieter, pieter_browser):
    page = pieter_browser.post(
        "/praktijk/aanbod/nieuw/",
        type_form([pieter], name="Korte check", duration_minutes="7", buffer_after_minutes="3"),
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert text.count("Kies een veelvoud van 5 minuten.") >= 2
    assert 'value="Korte check"' in text
    assert not AppointmentType.objects.exists()


def test_practitioners_are_members_of_this_practice_who_give_appointments(
    pieter, assistant, rita, pieter_browser
):
    for outsider in (rita, assistant):
        page = pieter_browser.post("/praktijk/aanbod/nieuw/", type_form([pieter, outsider]))
        assert page.status_code == 422
        assert "Kies behandelaars van je eigen praktijk." in page.content.decode()
    page = pieter_browser.post("/praktijk/aanbod/nieuw/", type_form([]))
    assert page.status_code == 422
    assert "Kies minstens één behandelaar." in page.content.decode()
    # an id no row can have (past 64 bits): the same message, not a server error
    page = pieter_browser.post(
        "/praktijk/aanbod/nieuw/", {**type_form([]), "practitioners": [pieter.pk, str(2**64)]}
    )
    assert page.status_code == 422
    assert "Kies behandelaars van je eigen praktijk." in page.content.decode()
    assert not AppointmentType.objects.exists()


def test_the_owner_edits_and_switches_a_type_off_and_on(advice_type, frozen, pieter_browser):
    url = f"/praktijk/aanbod/{advice_type.pk}/"
    page = pieter_browser.get(url)
    assert page.status_code == 200 and 'value="Gratis adviesgesprek"' in page.content.decode()
    pieter_browser.post(
        url,
        type_form(
            advice_type.practitioners.all(),
            name="Adviesgesprek",
            duration_minutes="20",
            is_free="on",
            price_text="€ 10",
            location="video",
            video_link="https://video.example/brug",
        ),
    )
    advice_type.refresh_from_db()
    assert (advice_type.name, advice_type.duration_minutes) == ("Adviesgesprek", 20)
    assert advice_type.price_text == ""  # free: no price
    off = pieter_browser.post(f"{url}actief/", {"actief": "0"}, follow=True)
    assert "is niet meer te boeken" in off.content.decode()
    advice_type.refresh_from_db()
    assert not advice_type.is_active
    assert not services.may_book(advice_type, None)
    assert "niet te boeken" in pieter_browser.get("/praktijk/aanbod/").content.decode()
    pieter_browser.post(f"{url}actief/", {"actief": "1"})
    advice_type.refresh_from_db()
    assert advice_type.is_active


@pytest.mark.parametrize("who", ["lotte", "assistant"])
def test_others_read_the_offer_and_change_nothing(advice_type, who, request):
    from lijfwijs.accounts.tests.helpers import signed_in_browser

    browser = signed_in_browser(request.getfixturevalue(who))
    page = browser.get("/praktijk/aanbod/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Gratis adviesgesprek" in text and "Alleen de eigenaar" in text
    assert f"/praktijk/aanbod/{advice_type.pk}/" not in text
    assert browser.get("/praktijk/aanbod/nieuw/").status_code == 403
    assert browser.get(f"/praktijk/aanbod/{advice_type.pk}/").status_code == 403
    assert (
        browser.post(f"/praktijk/aanbod/{advice_type.pk}/actief/", {"actief": "0"}).status_code
        == 403
    )
    advice_type.refresh_from_db()
    assert advice_type.is_active


def test_another_practices_type_is_404(advice_type, rita_type, rita_browser, pieter_browser):
    assert rita_browser.get(f"/praktijk/aanbod/{advice_type.pk}/").status_code == 404
    assert (
        rita_browser.post(f"/praktijk/aanbod/{advice_type.pk}/actief/", {"actief": "0"}).status_code
        == 404
    )
    assert "Gratis adviesgesprek" not in rita_browser.get("/praktijk/aanbod/").content.decode()
    assert pieter_browser.get(f"/praktijk/aanbod/{rita_type.pk}/").status_code == 404


def test_clients_get_403(anna_browser):
    assert anna_browser.get("/praktijk/aanbod/").status_code == 403
    assert anna_browser.get("/praktijk/aanbod/uren/").status_code == 403


# --- weekly hours ---------------------------------------------------------------------------------


def blocks(practitioner, weekday):
    return list(
        WeeklyHours.objects.filter(practitioner=practitioner, weekday=weekday)
        .order_by("start")
        .values_list("start", "end")
    )


def test_a_practitioner_adds_hours_and_overlaps_are_merged(lotte, lotte_browser):
    done = lotte_browser.post(
        "/praktijk/aanbod/uren/", {"weekday": "5", "start": "10:00", "end": "12:00"}, follow=True
    )
    assert "Op zaterdag staat nu 10:00–12:00." in done.content.decode()
    merged = lotte_browser.post(
        "/praktijk/aanbod/uren/", {"weekday": "5", "start": "11:30", "end": "14:00"}, follow=True
    )
    assert "samengevoegd tot 10:00–14:00" in merged.content.decode()
    assert blocks(lotte, 5) == [(time(10), time(14))]
    # touching blocks become one; a separate block stays separate
    lotte_browser.post("/praktijk/aanbod/uren/", {"weekday": "5", "start": "14:00", "end": "15:00"})
    lotte_browser.post("/praktijk/aanbod/uren/", {"weekday": "5", "start": "16:00", "end": "17:00"})
    assert blocks(lotte, 5) == [(time(10), time(15)), (time(16), time(17))]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start": "12:00", "end": "10:00"}, "De eindtijd moet na de begintijd liggen."),
        ({"start": "10:03", "end": "12:00"}, "hele vijf minuten"),
        ({"start": "tien uur", "end": "12:00"}, "Vul een tijd in, zoals 09:30."),
        ({"weekday": "9"}, "Selecteer een geldige keuze"),
    ],
)
def test_hours_are_validated_and_kept(lotte, lotte_browser, fields, message):
    page = lotte_browser.post(
        "/praktijk/aanbod/uren/", {"weekday": "1", "start": "10:00", "end": "12:00", **fields}
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert message in text
    assert f'value="{fields.get("start", "10:00")}"' in text
    assert not WeeklyHours.objects.filter(practitioner=lotte).exists()


def test_the_owner_edits_anyones_hours_a_practitioner_only_their_own(
    hours, pieter, lotte, pieter_browser, lotte_browser
):
    own = WeeklyHours.objects.filter(practitioner=pieter).first()
    theirs = WeeklyHours.objects.filter(practitioner=lotte).first()
    # Lotte reads Pieter's hours but changes none of them
    page = lotte_browser.get("/praktijk/aanbod/uren/", {"behandelaar": pieter.pk})
    assert page.status_code == 200 and "kun je alleen bekijken" in page.content.decode()
    assert (
        lotte_browser.post(
            f"/praktijk/aanbod/uren/?behandelaar={pieter.pk}",
            {"weekday": "5", "start": "10:00", "end": "12:00"},
        ).status_code
        == 403
    )
    assert lotte_browser.post(f"/praktijk/aanbod/uren/{own.pk}/verwijderen/").status_code == 403
    # Pieter, the owner, adds to Lotte's and removes one of hers
    pieter_browser.post(
        f"/praktijk/aanbod/uren/?behandelaar={lotte.pk}",
        {"weekday": "5", "start": "10:00", "end": "12:00"},
    )
    assert blocks(lotte, 5) == [(time(10), time(12))]
    assert pieter_browser.post(f"/praktijk/aanbod/uren/{theirs.pk}/verwijderen/").status_code == 302
    assert not WeeklyHours.objects.filter(pk=theirs.pk).exists()
    assert WeeklyHours.objects.filter(pk=own.pk).exists()


def test_the_assistant_reads_hours_only(hours, pieter, assistant_browser):
    page = assistant_browser.get("/praktijk/aanbod/uren/", {"behandelaar": pieter.pk})
    assert page.status_code == 200 and "09:00–17:00" in page.content.decode()
    assert (
        assistant_browser.post(
            f"/praktijk/aanbod/uren/?behandelaar={pieter.pk}",
            {"weekday": "5", "start": "10:00", "end": "12:00"},
        ).status_code
        == 403
    )


def test_another_practices_hours_and_people_are_404(hours, pieter, rita, rita_browser):
    assert rita_browser.get("/praktijk/aanbod/uren/", {"behandelaar": pieter.pk}).status_code == 404
    row = WeeklyHours.objects.filter(practitioner=pieter).first()
    assert rita_browser.post(f"/praktijk/aanbod/uren/{row.pk}/verwijderen/").status_code == 404
    assert rita_browser.get("/praktijk/aanbod/uren/", {"behandelaar": "x"}).status_code == 404
    assert rita_browser.get("/praktijk/aanbod/uren/").status_code == 200  # her own


def test_removed_hours_offer_no_times_and_added_hours_do(
    frozen, advice_type, pieter, pieter_browser
):
    tuesday = WeeklyHours.objects.get(practitioner=pieter, weekday=1)
    pieter_browser.post(f"/praktijk/aanbod/uren/{tuesday.pk}/verwijderen/")
    assert not services.free_slots(advice_type, TUESDAY, TUESDAY, practitioner=pieter)
    pieter_browser.post(
        "/praktijk/aanbod/uren/", {"weekday": "1", "start": "13:00", "end": "14:00"}
    )
    found = services.free_slots(advice_type, TUESDAY, TUESDAY, practitioner=pieter)
    assert found and found[0].start.isoformat() == "2026-12-08T12:00:00+00:00"  # 13:00 local


# --- exceptions -------------------------------------------------------------------------------------


def test_days_off_hours_off_and_extra_hours(frozen, advice_type, pieter, pieter_browser):
    url = "/praktijk/aanbod/uitzonderingen/"
    done = pieter_browser.post(
        url,
        {"kind": "vrij", "first_day": "2026-12-24", "last_day": "2026-12-27", "note": "Kerst"},
        follow=True,
    )
    assert "De uitzondering is toegevoegd." in done.content.decode()
    assert "Kerst" in done.content.decode()
    pieter_browser.post(
        url, {"kind": "deels", "first_day": "2026-12-08", "start": "09:00", "end": "12:00"}
    )
    pieter_browser.post(
        url, {"kind": "extra", "first_day": "2026-12-12", "start": "10:00", "end": "12:00"}
    )
    rows = {
        (r.first_day, r.last_day, r.opens, r.start, r.end)
        for r in AvailabilityException.objects.filter(practitioner=pieter)
    }
    assert rows == {
        (date(2026, 12, 24), date(2026, 12, 27), False, None, None),
        (date(2026, 12, 8), date(2026, 12, 8), False, time(9), time(12)),
        (date(2026, 12, 12), date(2026, 12, 12), True, time(10), time(12)),
    }
    tuesday = services.free_slots(advice_type, TUESDAY, TUESDAY, practitioner=pieter)
    assert tuesday[0].start.isoformat() == "2026-12-08T11:00:00+00:00"  # 12:00 local
    saturday = date(2026, 12, 12)
    assert services.free_slots(advice_type, saturday, saturday, practitioner=pieter)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "deels", "start": "", "end": ""}, "Vul een begintijd in."),
        (
            {"kind": "extra", "start": "12:00", "end": "10:00"},
            "De eindtijd moet na de begintijd liggen.",
        ),
        ({"last_day": "2026-12-01"}, "De einddatum kan niet voor de begindatum liggen."),
        ({"kind": ""}, "Kies een soort uitzondering."),
    ],
)
def test_exceptions_are_validated_and_kept(lotte, lotte_browser, fields, message):
    page = lotte_browser.post(
        "/praktijk/aanbod/uitzonderingen/",
        {"kind": "vrij", "first_day": "2026-12-08", "note": "Cursus", **fields},
    )
    assert page.status_code == 422
    assert message in page.content.decode()
    assert 'value="Cursus"' in page.content.decode()
    assert not AvailabilityException.objects.exists()


def test_exceptions_are_removed_by_their_practitioner_or_the_owner(
    frozen, pieter, lotte, pieter_browser, lotte_browser, rita_browser
):
    practice = pieter.membership.practice
    day = date(2026, 12, 24)
    pieters = AvailabilityException.objects.create(
        practice=practice, practitioner=pieter, first_day=day, last_day=day
    )
    lottes = AvailabilityException.objects.create(
        practice=practice, practitioner=lotte, first_day=day, last_day=day
    )
    assert "24 december" in lotte_browser.get("/praktijk/aanbod/uitzonderingen/").content.decode()
    assert (
        rita_browser.post(f"/praktijk/aanbod/uitzonderingen/{lottes.pk}/verwijderen/").status_code
        == 404
    )
    assert (
        lotte_browser.post(f"/praktijk/aanbod/uitzonderingen/{pieters.pk}/verwijderen/").status_code
        == 403
    )
    assert (
        lotte_browser.post(f"/praktijk/aanbod/uitzonderingen/{lottes.pk}/verwijderen/").status_code
        == 302
    )
    assert (
        pieter_browser.post(
            f"/praktijk/aanbod/uitzonderingen/{pieters.pk}/verwijderen/"
        ).status_code
        == 302
    )
    assert not AvailabilityException.objects.exists()
