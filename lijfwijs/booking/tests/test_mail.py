# ruff: noqa: F811 (pytest fixtures imported from mail_fixtures are parameters here)
"""The emails a booking's changes send: the visitor's confirm link, the confirmation with its
calendar file, a move, a cancellation, the practitioner's notice; queued on commit, in the
booking's language, text and HTML, never with the question or other health content."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from lijfwijs.booking import notifications, services
from lijfwijs.booking.models import Booking
from lijfwijs.core.mail import deliver_email, send_email

from .conftest import NOW, book_for
from .mail_fixtures import committed, urls_loaded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION = "Ik heb uitstralende pijn in mijn linkerbeen"
TUESDAY_9 = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
THURSDAY_14 = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Amsterdam


def calendar_parts(message) -> list:
    """The text/calendar attachments of a sent message, as the mail server receives them."""
    parsed = message_from_bytes(message.message().as_bytes())
    return [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]


def the_calendar(message) -> icalendar.Calendar:
    [part] = calendar_parts(message)
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def bodies(message) -> str:
    return message.subject + message.body + message.alternatives[0].content


def no_health_content(message) -> None:
    everything = bodies(message) + "".join(
        part.get_payload(decode=True).decode() for part in calendar_parts(message)
    )
    assert "linkerbeen" not in everything
    assert "uitstralende" not in everything


def test_a_visitor_gets_the_confirm_link_and_the_practitioner_nothing_yet(
    frozen, outbox, committed, advice_type
):
    with committed():
        booking = book_for(advice_type, TUESDAY_9, question=QUESTION)
    [message] = outbox
    assert message.to == ["vera@example.org"]
    assert "Bevestig je afspraak" in message.subject
    assert "dinsdag 8 december 2026, 09:00–09:30" in message.subject
    link = notifications.confirm_link(booking, "nl")
    assert f"/afspraak/beheer/{booking.token}/bevestigen/" in link
    assert link in message.body and link in message.alternatives[0].content
    assert "30 minuten" in message.body
    assert calendar_parts(message) == []  # nothing to put in a calendar until it is confirmed
    no_health_content(message)


def test_the_confirm_signature_is_valid_30_minutes_and_for_this_token_only(frozen, advice_type):
    booking = book_for(advice_type, TUESDAY_9)
    signature = notifications.confirm_signature(booking.token)
    notifications.check_confirm_signature(booking.token, signature)
    with pytest.raises(notifications.signing.BadSignature):
        notifications.check_confirm_signature("x" * 32, signature)
    with pytest.raises(notifications.signing.BadSignature):
        notifications.check_confirm_signature(booking.token, signature[:-2] + "AA")
    frozen.tick(timedelta(minutes=29))
    notifications.check_confirm_signature(booking.token, signature)
    frozen.tick(timedelta(minutes=2))
    with pytest.raises(notifications.signing.SignatureExpired):
        notifications.check_confirm_signature(booking.token, signature)


def test_confirmation_with_calendar_file_and_a_notice_to_the_practitioner(
    frozen, outbox, committed, advice_type, practice
):
    practice.phone = "020 123 45 67"
    practice.save()
    with committed():
        booking = book_for(advice_type, TUESDAY_9, question=QUESTION)
    outbox.clear()
    with committed():
        booking = services.confirm(booking)
    person, notice = sorted(outbox, key=lambda m: m.to[0] != "vera@example.org")

    assert person.to == ["vera@example.org"]
    assert "Je afspraak staat vast" in person.subject
    assert notifications.manage_link(booking, "nl") in person.body
    assert "020 123 45 67" in person.body
    assert person.alternatives[0].mimetype == "text/html"
    [part] = calendar_parts(person)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "afspraak.ics"
    parsed = the_calendar(person)
    [event] = parsed.walk("VEVENT")
    assert parsed["METHOD"] == "REQUEST"
    assert event.decoded("DTSTART") == TUESDAY_9.astimezone(AMSTERDAM)
    assert vobject.readOne(part.get_payload(decode=True).decode()).vevent.uid.value == str(
        event["UID"]
    )
    no_health_content(person)

    assert notice.to == [booking.practitioner.email]
    assert "Nieuwe afspraak" in notice.subject
    assert "Gratis adviesgesprek" in notice.body
    assert "Log in" in notice.body
    assert "Vera" not in bodies(notice) and "vera@example.org" not in bodies(notice)
    assert calendar_parts(notice) == []
    no_health_content(notice)


def test_a_client_booking_is_confirmed_at_once(frozen, outbox, committed, advice_type, anna_client):
    with committed():
        book_for(advice_type, TUESDAY_9, client=anna_client, question=QUESTION)
    assert sorted(m.to[0] for m in outbox) == sorted(
        [anna_client.email, Booking.objects.get().practitioner.email]
    )
    for message in outbox:
        no_health_content(message)


def test_a_move_sends_the_new_time_with_a_raised_sequence(
    frozen, outbox, committed, advice_type, anna_client
):
    with committed():
        booking = book_for(advice_type, TUESDAY_9, client=anna_client)
    first = the_calendar(next(m for m in outbox if m.to == [anna_client.email]))
    outbox.clear()
    with committed():
        services.reschedule(booking, THURSDAY_14, by="client")
    person = next(m for m in outbox if m.to == [anna_client.email])
    notice = next(m for m in outbox if m.to != [anna_client.email])
    assert "Je afspraak is verzet" in person.subject
    assert "donderdag 10 december 2026, 14:00–14:30" in person.body
    [old] = first.walk("VEVENT")
    [new] = the_calendar(person).walk("VEVENT")
    assert new["UID"] == old["UID"]
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (0, 1)
    assert new.decoded("DTSTART") == THURSDAY_14.astimezone(AMSTERDAM)
    assert "Afspraak verzet" in notice.subject


@pytest.mark.parametrize(
    ("by", "words"),
    [("client", "Je hebt je afspraak"), ("practice", "heeft je afspraak geannuleerd")],
)
def test_a_cancellation_sends_method_cancel(
    frozen, outbox, committed, advice_type, anna_client, by, words
):
    with committed():
        booking = book_for(advice_type, TUESDAY_9, client=anna_client)
    outbox.clear()
    with committed():
        services.cancel(booking, by=by)
    person = next(m for m in outbox if m.to == [anna_client.email])
    notice = next(m for m in outbox if m.to != [anna_client.email])
    assert "geannuleerd" in person.subject
    assert words in person.body
    [part] = calendar_parts(person)
    assert part.get_param("method") == "CANCEL"
    parsed = the_calendar(person)
    [event] = parsed.walk("VEVENT")
    assert parsed["METHOD"] == "CANCEL"
    assert event["SEQUENCE"] == 1
    assert "Afspraak geannuleerd" in notice.subject


def test_an_unconfirmed_booking_cancelled_sends_no_calendar_and_no_notice(
    frozen, outbox, committed, advice_type
):
    with committed():
        booking = book_for(advice_type, TUESDAY_9)
    outbox.clear()
    with committed():
        services.cancel(booking, by="client")
    [message] = outbox
    assert message.to == ["vera@example.org"]
    assert calendar_parts(message) == []


def test_blocked_time_sends_nothing(frozen, outbox, committed, pieter, hours):
    with committed():
        services.block_time(pieter, TUESDAY_9, TUESDAY_9 + timedelta(hours=2), note="Tandarts")
    assert outbox == []


def test_emails_are_queued_on_commit_and_not_at_all_on_rollback(
    frozen, advice_type, anna_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            book_for(advice_type, TUESDAY_9, client=anna_client)
            assert not DBTaskResult.objects.exists()
    tasks = list(DBTaskResult.objects.all())
    assert len(tasks) == 2
    person = next(t for t in tasks if t.args_kwargs["kwargs"]["to"] == anna_client.email)
    assert person.args_kwargs["kwargs"]["template"] == "booking/emails/confirmed"
    [attachment] = person.args_kwargs["kwargs"]["attachments"]
    assert attachment["mimetype"] == "text/calendar; method=REQUEST"
    assert "BEGIN:VCALENDAR" in attachment["content"]

    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            book_for(advice_type, THURSDAY_14, client=anna_client)
            transaction.set_rollback(True)
    assert not DBTaskResult.objects.exists()


def test_emails_are_in_the_bookings_language(frozen, outbox, committed, advice_type):
    with committed():
        book_for(advice_type, TUESDAY_9, language="en")
    [message] = outbox
    assert '<html lang="en">' in message.alternatives[0].content
    assert "/en/afspraak/beheer/" in message.body


def test_no_tracking_in_the_emails(frozen, outbox, committed, advice_type, anna_client):
    with committed():
        book_for(advice_type, TUESDAY_9, client=anna_client)
    for message in outbox:
        html = message.alternatives[0].content
        assert "<img" not in html
        assert "utm_" not in html


# --- the attachments of core.mail ---------------------------------------------------------------


def test_send_email_without_attachments_queues_what_it_did_before(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_email("a@example.org", "booking/emails/practitioner_notice", _notice(), "nl")
    [task] = DBTaskResult.objects.all()
    assert "attachments" not in task.args_kwargs["kwargs"]


def test_a_bad_attachment_fails_at_the_call():
    with pytest.raises(ValueError):
        send_email(
            "a@example.org",
            "booking/emails/practitioner_notice",
            _notice(),
            "nl",
            attachments=[{"filename": "x.bin", "content": "x", "mimetype": "image/png"}],
        )


def test_deliver_email_attaches_text_files_with_parameters(mailoutbox):
    deliver_email(
        "a@example.org",
        "booking/emails/practitioner_notice",
        _notice(),
        "nl",
        attachments=[
            {
                "filename": "afspraak.ics",
                "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                "mimetype": "text/calendar; method=CANCEL",
            }
        ],
    )
    [message] = mailoutbox
    [part] = calendar_parts(message)
    assert part.get_param("method") == "CANCEL"
    assert part.get_param("charset") == "utf-8"
    assert part.get_payload(decode=True).splitlines() == [b"BEGIN:VCALENDAR", b"END:VCALENDAR"]


def _notice() -> dict:
    return {
        "event": "confirmed",
        "type_name": "Gratis adviesgesprek",
        "when": "dinsdag 8 december 2026, 09:00–09:30",
        "by_practice": False,
        "link": "https://lijfwijs.example/praktijk/agenda/",
    }


def test_hold_expiry_clock(advice_type):
    """The confirm link lasts exactly as long as the hold (services.HOLD_MINUTES)."""
    assert notifications.CONFIRM_MAX_AGE == services.HOLD_MINUTES * 60
    with freeze_time(NOW):
        booking = book_for(advice_type, TUESDAY_9)
    assert booking.hold_expires_at == NOW + timedelta(seconds=notifications.CONFIRM_MAX_AGE)


def test_names_are_escaped_in_the_html_and_plain_in_the_text(
    frozen, outbox, committed, advice_type, anna_client
):
    advice_type.name = "Advies <b>& meer</b>"
    advice_type.save()
    with committed():
        book_for(advice_type, TUESDAY_9, client=anna_client)
    for message in outbox:
        assert "Advies <b>& meer</b>" in message.body
        html = message.alternatives[0].content
        assert "Advies &lt;b&gt;&amp; meer&lt;/b&gt;" in html
        assert "<b>&" not in html


def test_the_practitioners_notice_is_in_their_language(
    frozen, outbox, committed, advice_type, anna_client, pieter, lotte
):
    lotte.language = "en"
    lotte.save()
    pieter.language = "en"
    pieter.save()
    with committed():
        booking = book_for(advice_type, TUESDAY_9, client=anna_client)
    notice = next(m for m in outbox if m.to == [booking.practitioner.email])
    person = next(m for m in outbox if m.to == [anna_client.email])
    assert '<html lang="en">' in notice.alternatives[0].content
    assert "/en/praktijk/agenda/" in notice.body
    assert '<html lang="nl">' in person.alternatives[0].content
