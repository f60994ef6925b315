"""The demo practice of `make run`: idempotent, with results and a diary that shows real insights."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.assessments.models import Response
from lijfwijs.diary.models import CheckIn

pytestmark = pytest.mark.django_db


def test_demo_refuses_without_debug():
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_demo_practice_is_complete_and_idempotent():
    call_command("load_demo", force=True, verbosity=0)
    call_command("load_demo", force=True, verbosity=0)
    anna = User.objects.get(email="anna@demo.lijfwijs.local")
    practitioner = User.objects.get(email="behandelaar@demo.lijfwijs.local")
    assert (
        PractitionerAccess.objects.active().filter(client=anna, practitioner=practitioner).exists()
    )
    assert Response.objects.filter(user=anna).count() == 3
    # 120 days of check-ins, today's only those timed before now (none before 8 in the morning)
    assert CheckIn.objects.filter(user=anna).values("day").distinct().count() in (119, 120)
    browser = Client()
    browser.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    html = browser.get("/dagboek/inzichten/").content.decode()
    assert "Een patroon, geen bewijs van een oorzaak." in html and "Werkdruk" in html


@pytest.mark.parametrize(
    "local",
    ["2026-12-02 07:00", "2026-12-02 23:30", "2026-07-01 08:05", "2026-03-29 13:00"],
)
def test_demo_data_is_never_in_the_future(local):
    """Made at any time of day (here in Europe/Amsterdam, winter and summer time), nothing of the
    demo is timed later than the moment it was made."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from freezegun import freeze_time

    from lijfwijs.exercises.models import PracticeSession
    from lijfwijs.program.models import ProgramProgress

    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    with freeze_time(moment):
        call_command("load_demo", force=True, verbosity=0)
    clients = User.objects.filter(email__endswith="@demo.lijfwijs.local", role="client")
    assert clients.count() >= 2
    for client in clients:
        zone = ZoneInfo(client.time_zone)
        today = moment.astimezone(zone).date()
        checkins = CheckIn.objects.filter(user=client)
        assert checkins.exists()
        for at, day in checkins.values_list("at", "day"):
            assert at <= moment and day <= today
            assert at.astimezone(zone).date() == day
        # every day up to yesterday has its check-ins; today only those already past
        days = set(checkins.values_list("day", flat=True))
        assert len(days) >= 119 and max(days) >= today - timedelta(days=1)
        sessions = PracticeSession.objects.filter(user=client)
        assert all(at <= moment for at in sessions.values_list("started_at", flat=True))
        assert all(day <= today for day in sessions.values_list("day", flat=True))
        for created, completed in Response.objects.filter(user=client).values_list(
            "created_at", "completed_at"
        ):
            assert created <= moment and (completed is None or completed <= moment)
        progress = ProgramProgress.objects.filter(user=client).first()
        assert progress is None or progress.step_started_at <= moment
