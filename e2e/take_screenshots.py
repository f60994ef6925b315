"""Screenshots of the main pages at 390 px and 1280 px, for people reading about Lijfwijs.

`make screenshots` runs this file with pytest (it is not part of the suite: its name does not
start with test_) against a live server with the demo practice of `make run`, and writes
`var/screenshots/<page>-<width>.png`. The README shows three of them, copied to `docs/screenshots/`.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from e2e.conftest import DESKTOP, PHONE, ROOT
from e2e.helpers import sign_in
from lijfwijs.assessments.models import Response
from lijfwijs.practice.management.commands import load_demo

OUT = ROOT / "var" / "screenshots"

VISITOR = [("home", "/"), ("pijntest", "/pijntest/"), ("exercises", "/oefeningen/")]
CLIENT = [
    ("start", "/"),
    ("checkin", "/dagboek/nieuw/"),
    ("insights", "/dagboek/inzichten/"),
    ("program", "/programma/"),
    ("player", "/oefeningen/rustig-ademen/oefenen/"),
]
PRACTITIONER = [("clients", "/praktijk/")]


def shoot(page, base: str, pages: list[tuple[str, str]], folder: Path) -> None:
    for name, path in pages:
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            response = page.goto(base + path)
            assert response and response.status == 200, f"{path}: {response and response.status}"
            page.screenshot(path=str(folder / f"{name}-{size['width']}.png"), full_page=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", force=True, verbosity=0)


def test_screenshots(open_tab, demo):
    OUT.mkdir(parents=True, exist_ok=True)
    visitor = open_tab(PHONE)
    shoot(visitor.page, visitor.base_url, VISITOR, OUT)

    client = open_tab(PHONE)
    sign_in(client, load_demo.CLIENTS[0]["email"], load_demo.PASSWORD)
    latest = Response.objects.filter(user__email=load_demo.CLIENTS[0]["email"]).latest(
        "completed_at"
    )
    report = [("report", f"/pijntest/uitslag/{latest.pk}/")]
    shoot(client.page, client.base_url, CLIENT + report, OUT)

    practitioner = open_tab(PHONE)
    sign_in(practitioner, load_demo.PRACTITIONER["email"], load_demo.PASSWORD)
    page = practitioner.page
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(load_demo.TOTP_KEY_HEX)):06d}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    shoot(page, practitioner.base_url, PRACTITIONER, OUT)
    print(f"screenshots in {OUT}")
