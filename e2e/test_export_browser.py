"""Downloading one's data in a real browser: a successful download leaves the page without an error
(and without the password in the field); a wrong password shows the error next to the field."""

import json

import pytest

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "export@voorbeeld.nl"
PASSWORD = "mijn gegevens wil ik zelf kunnen bewaren"  # noqa: S105 - a test account


@pytest.fixture
def person(content):
    from lijfwijs.accounts.models import User

    return User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Eva")


def test_a_download_leaves_no_error_and_a_wrong_password_shows_one(open_tab, person):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/account/export/")).status == 200

    page.get_by_label("Je wachtwoord").fill("niet mijn wachtwoord")
    with page.expect_navigation():
        page.get_by_role("button", name="Download").click()
    error = page.locator(".field .field-error")
    assert "Dit wachtwoord klopt niet." in error.inner_text()
    field = page.get_by_label("Je wachtwoord")
    assert field.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in (field.get_attribute("aria-describedby") or "")
    assert field.input_value() == ""  # nothing typed is sent back
    assert "niet mijn wachtwoord" not in page.content()
    assert_fits_the_screen(page)
    assert_accessible(page, "the export page with an error")

    field.fill(PASSWORD)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["profile"]["email"] == EMAIL
    # the page shows the download went well, not the earlier error, and keeps no password
    page.locator(".notice-success").wait_for()
    assert page.locator(".field-error").count() == 0
    assert "Dit wachtwoord klopt niet." not in page.content()
    assert page.get_by_label("Je wachtwoord").input_value() == ""
    assert_accessible(page, "the export page after a download")
