"""Load the starter tag vocabulary (diary/tags.toml) idempotently."""

import tomllib
from pathlib import Path

from .models import Tag

FILE = Path(__file__).resolve().parent / "tags.toml"


def load() -> int:
    data = tomllib.loads(FILE.read_text())["tags"]
    keys = []
    for n, tag in enumerate(data):
        Tag.objects.update_or_create(
            user=None,
            key=tag["key"],
            defaults={
                "kind": tag["kind"],
                "name_nl": tag["nl"],
                "name_en": tag["en"],
                "sort_order": n,
                "is_active": True,
            },
        )
        keys.append(tag["key"])
    Tag.objects.filter(user__isnull=True).exclude(key__in=keys).update(is_active=False)
    return len(keys)
