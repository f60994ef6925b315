"""The practice's page in a real browser, on a phone (390 px): the owner signs in with the second
factor, corrects a wrong KvK number typed with the keyboard (the message next to the field),
uploads a logo that shows, adds a colleague with a long address and makes her an assistant; the
assistant starts on a panel that leads to the practice and reads it without any form. Nothing
scrolls sideways and axe finds no serious or critical violation."""

from io import BytesIO

import pytest

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin voor de praktijk"  # noqa: S105 - a test account
LONG = "een.heel.lang.adres.van.een.nieuwe.collega@voorbeeld-fysiotherapie-praktijk.example.org"


@pytest.fixture
def owner(content, settings, tmp_path):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice

    settings.MEDIA_ROOT = str(tmp_path)
    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    return pieter


def png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (240, 80), (20, 110, 90)).save(out, format="PNG")
    return out.getvalue()


def test_the_owner_manages_the_practice_on_a_phone(open_tab, owner):
    from lijfwijs.accounts.models import Membership, Practice, User

    tab = open_tab(PHONE)
    signed_in(tab, owner)
    page = tab.page
    assert page.goto(tab.url("/")).status == 200
    with page.expect_navigation():
        page.get_by_role("link", name="Praktijk en collega’s").click()
    assert page.url.endswith("/praktijk/praktijk/")
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the practice's page of its owner")

    # the details: a KvK number of 7 digits, typed and sent with the keyboard
    with page.expect_navigation():
        page.get_by_role("link", name="Gegevens wijzigen").click()
    page.get_by_label("Adres", exact=True).fill("Brugstraat 4\n3511 AB Utrecht")
    field = page.get_by_label("KvK-nummer")
    field.focus()
    page.keyboard.type("1234 567")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 422
    assert page.locator("#id_kvk_number_error").is_visible()
    assert page.get_by_label("KvK-nummer").input_value() == "1234 567"
    assert page.get_by_label("Adres", exact=True).input_value() == "Brugstraat 4\n3511 AB Utrecht"
    assert_fits_the_screen(page)
    assert_accessible(page, "the details form with a wrong KvK number")

    page.get_by_label("KvK-nummer").fill("1234 5678")
    page.get_by_label("Nieuw logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png()}]
    )
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Opslaan").click()
    assert nav.value.status == 200 and page.url.endswith("/praktijk/praktijk/")
    assert Practice.objects.get().kvk_number == "12345678"
    logo = page.get_by_role("img", name="Logo van Fysio De Brug")
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 240
    assert logo.evaluate("img => img.getBoundingClientRect().width") <= PHONE["width"]

    # a colleague with a long address, then made an assistant
    page.locator("main").get_by_label("E-mailadres").fill(LONG)
    page.get_by_label("Naam", exact=True).fill("Sanne")
    with page.expect_navigation():
        page.get_by_role("button", name="Toevoegen").click()
    assert page.get_by_text("is toegevoegd en krijgt een e-mail").is_visible()
    assert_fits_the_screen(page)  # the long address wraps inside its card
    sanne = User.objects.get(email=LONG)
    card = page.locator(f"#member-{Membership.objects.get(user=sanne).pk}")
    card.get_by_label("Rol", exact=True).select_option("assistant")
    with page.expect_navigation():
        card.get_by_role("button", name="Opslaan").click()
    assert Membership.objects.get(user=sanne).role == Membership.Role.ASSISTANT
    page.reload()
    assert_accessible(page, "the practice's page with two members")
    assert_stays_on_the_server(tab)


def test_an_assistant_reads_the_practice_on_a_phone(open_tab, owner):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice

    sanne = User.objects.create_user(
        "sanne@praktijk.example", PASSWORD, role=User.Role.ASSISTANT, display_name="Sanne"
    )
    join_practice(sanne, Practice.objects.get(), Membership.Role.ASSISTANT)
    tab = open_tab(PHONE)
    signed_in(tab, sanne)
    page = tab.page
    assert page.goto(tab.url("/")).status == 200
    assert_accessible(page, "the assistant's start page")
    with page.expect_navigation():
        page.get_by_role("link", name="Naar de praktijk").click()
    assert page.get_by_role("heading", name="Fysio De Brug", level=1).is_visible()
    assert page.locator("main form").count() == 0  # read only
    assert page.get_by_text("pieter@praktijk.example").is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "the practice's page of an assistant")
    assert_stays_on_the_server(tab)
