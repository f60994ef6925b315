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
    assert CheckIn.objects.filter(user=anna).values("day").distinct().count() == 120
    browser = Client()
    browser.force_login(anna, backend="django.contrib.auth.backends.ModelBackend")
    html = browser.get("/dagboek/inzichten/").content.decode()
    assert "Een patroon, geen bewijs van een oorzaak." in html and "Werkdruk" in html
