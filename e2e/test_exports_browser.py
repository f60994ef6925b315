"""Asking for the overview for the GP in a real browser on a phone (390 px), and downloading it.

Eva has a month of diary and a Pijntest with a red flag (fever). From her account's export page
she follows the link to her downloads, chooses the PDF and types a wrong password first: the error
is next to the field, the choice she made is kept. With the right password the file is made at
once (a small account), the page says so and offers the download; the PDF holds her name and the
safety finding. Then she asks for her diary as a Dutch spreadsheet and downloads that too. Every
page fits the phone and axe-core finds nothing serious or critical.
"""

import io

import pytest
from pypdf import PdfReader

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "eva@voorbeeld.nl"
PASSWORD = "een overzicht voor mijn huisarts"  # noqa: S105 - a test account


@pytest.fixture
def eva(content):
    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.exports.tests.history import make_history

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Eva")
    give_health_consent(user)
    make_history(user, days=30, last=local_today(user), red_flag=True)
    return user


def test_a_client_asks_for_the_pdf_and_downloads_it(open_tab, eva):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/account/export/")).status == 200
    with page.expect_navigation():
        page.get_by_role("link", name="Naar je downloads").click()
    assert page.url.endswith("/account/downloads/")
    assert_fits_the_screen(page)
    assert_accessible(page, "the downloads page")

    page.get_by_label("Overzicht voor de huisarts of therapeut (PDF)").check()
    page.get_by_label("Je wachtwoord").fill("niet mijn wachtwoord")
    with page.expect_navigation():
        page.get_by_role("button", name="Maak het bestand").click()
    error = page.locator("#id_password_error")
    assert "Dit wachtwoord klopt niet." in error.inner_text()
    assert page.get_by_label("Overzicht voor de huisarts of therapeut (PDF)").is_checked()
    assert "niet mijn wachtwoord" not in page.content()
    assert_fits_the_screen(page)
    assert_accessible(page, "the downloads page with an error")

    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Maak het bestand").click()
    assert "Je bestand is klaar." in page.content()
    assert_fits_the_screen(page)
    assert_accessible(page, "the downloads page with a file")
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="Download Overzicht voor de huisarts of therapeut (PDF)"
        ).click()
    assert download.value.suggested_filename == "lijfwijs-overzicht.pdf"
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Overzicht uit Lijfwijs: Eva" in text
    assert "koorts of je erg ziek voelen" in text

    page.get_by_label("Dagboek (CSV)").check()
    page.get_by_label("Nederlandse spreadsheet (puntkomma, decimale komma)").check()
    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Maak het bestand").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Dagboek (CSV)").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert data.startswith("\ufeff".encode()) and b"id;tijdstip;datum;" in data
