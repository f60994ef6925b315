"""Content stored in both languages: `name_nl` / `name_en` columns read as `name`."""

from typing import Any

from django.utils.translation import get_language


def current_language() -> str:
    lang = (get_language() or "nl")[:2]
    return lang if lang in ("nl", "en") else "nl"


class Translated:
    """Descriptor: `name = Translated()` reads `name_<language>`, falling back to Dutch."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj, f"{self.name}_{current_language()}", None)
        return value if value else getattr(obj, f"{self.name}_nl")


def pick(texts: dict[str, Any] | str | None, lang: str | None = None) -> Any:
    """Pick one language from a {"nl": …, "en": …} mapping (Dutch when missing)."""
    if texts is None or isinstance(texts, str):
        return texts or ""
    lang = lang or current_language()
    return texts.get(lang) or texts.get("nl") or ""
