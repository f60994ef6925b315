"""The demo practice's program: Anna in step 2 with practice that shows what calms her, Bram in
step 1; made through the services, the same on every run."""

import pytest
from django.core.management import call_command
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.exercises import services
from lijfwijs.exercises.models import PracticeSession
from lijfwijs.program import services as program_services
from lijfwijs.program.models import ProgramProgress, Reflection

pytestmark = pytest.mark.django_db


def test_the_demo_clients_have_a_place_in_the_program():
    call_command("load_demo", force=True, verbosity=0)
    anna = User.objects.get(email="anna@demo.lijfwijs.local")
    bram = User.objects.get(email="bram@demo.lijfwijs.local")
    first = {
        u.email: (
            ProgramProgress.objects.get(user=u).current_step,
            PracticeSession.objects.filter(user=u).count(),
            Reflection.objects.filter(user=u).count(),
        )
        for u in (anna, bram)
    }
    call_command("load_demo", force=True, verbosity=0)  # idempotent
    assert first == {
        anna.email: (2, 14, 3),
        bram.email: (1, 2, 0),
    }
    assert PracticeSession.objects.filter(user=anna).count() == 14
    status = program_services.status_for(anna, ProgramProgress.objects.get(user=anna))
    assert status.missing == ("reflection",)  # she practised enough; her reflection is next
    calm = {c.slug: c for c in services.what_calms_me(anna)}
    assert calm["schudden"].claimed and calm["rustig-ademen"].claimed
    assert calm["rustig-ademen"].mean_drop > 0
    browser = Client()
    browser.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    html = browser.get("/programma/").content.decode()
    assert "Je bent in stap 2: Regulatie" in html
