# ruff: noqa: F811 (fixtures imported from the accounts and booking helpers are used by name)
"""Fixtures of the writing tests: "Fysio De Brug" with Pieter (owner), Lotte (practitioner, may
write once the owner says so) and Aafke (assistant); Rita owns "Praktijk Elders"; Anna is a
client. Uploaded cover images go to a folder of the test's own."""

from io import BytesIO

import pytest
from PIL import Image

from lijfwijs.accounts.tests.helpers import (  # noqa: F401 (fixtures)
    anna,
    anna_browser,
    pieter,
    pieter_browser,
    rita,
    rita_browser,
)
from lijfwijs.booking.tests.conftest import (  # noqa: F401 (fixtures)
    assistant,
    assistant_browser,
    lotte,
    lotte_browser,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (1600, 900), exif: bool = False
) -> bytes:
    """An image file of `size` in `fmt`; with `exif`, one that says where it was taken."""
    image = Image.new("RGB", size, (200, 120, 80))
    out = BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Telefoonmerk"  # Make
        data[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0)}  # GPS
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()
