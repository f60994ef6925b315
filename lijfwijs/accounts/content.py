"""Load the versioned consent texts (accounts/consents/*.toml); a new version is a new row."""

import tomllib
from pathlib import Path

from .models import ConsentText

FOLDER = Path(__file__).resolve().parent / "consents"


def load() -> int:
    count = 0
    for path in sorted(FOLDER.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        ConsentText.objects.update_or_create(
            kind=data["kind"],
            version=data["version"],
            defaults={
                "title_nl": data["title"]["nl"],
                "title_en": data["title"]["en"],
                "text_nl": data["text"]["nl"].strip(),
                "text_en": data["text"]["en"].strip(),
            },
        )
        count += 1
    return count
