# ruff: noqa: F811 (fixtures imported from booking's conftest are used by name)
"""Fixtures of the writing tests: "Fysio De Brug" with Pieter (owner), Lotte (practitioner, may
write once the owner says so) and Aafke (assistant); Rita owns "Praktijk Elders"; Anna is a
client. Uploaded cover images go to a folder of the test's own."""

from io import BytesIO

import pytest
from PIL import Image

# the people (pieter, rita, anna and their browsers) come from the accounts helpers' plugin
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
