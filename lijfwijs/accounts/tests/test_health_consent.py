"""Withdrawing consent for health data is as easy as giving it, and stops the processing."""

import pytest

from lijfwijs.accounts.models import AccessLog, Consent, PractitionerAccess, User
from lijfwijs.accounts.services import grant_access
from lijfwijs.assessments.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return User.objects.create_user("anna-consent@example.org", "a-long-password-1", role="client")


def test_withdraw_erases_health_data_and_access_and_give_again(client, anna):
    from lijfwijs.accounts.services import give_health_consent

    give_health_consent(anna)
    practitioner = User.objects.create_user(
        "p-consent@example.org", "a-long-password-2", role="practitioner"
    )
    grant_access(anna, practitioner)
    client.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    # a result stored in the account while consent is given
    response = client.post("/pijntest/begin/")
    assert response.status_code == 302
    assert Response.objects.filter(user=anna).count() == 1

    page = client.get("/account/toestemming/")
    assert page.status_code == 200 and "Trek mijn toestemming in" in page.content.decode()
    assert client.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
    consent = Consent.objects.get(user=anna)
    assert consent.withdrawn_at is not None
    assert Response.objects.filter(user=anna).count() == 0
    assert not PractitionerAccess.objects.active().filter(client=anna).exists()

    # without consent nothing new is stored in the account
    client.post("/pijntest/begin/", {"restart": "1"})
    assert Response.objects.filter(user=anna).count() == 0

    assert client.post("/account/toestemming/", {"action": "give"}).status_code == 302
    assert Consent.objects.filter(user=anna, withdrawn_at__isnull=True).count() == 1
    assert Consent.objects.filter(user=anna).count() == 2  # the withdrawn record stays
    assert AccessLog.objects.count() == 0


def test_consent_page_needs_login(client):
    response = client.get("/account/toestemming/")
    assert response.status_code == 302 and "/account/inloggen/" in response["Location"]
