"""The signed-in start page is made of app panels; their HTML is cached per person, language and day.

Apps whose data a panel shows call `forget(user_id)` when that data changes.
"""

from django.conf import settings
from django.core.cache import cache


def keys(user_id: int) -> list[str]:
    return [f"home-panels:{user_id}:{lang}" for lang, _name in settings.LANGUAGES]


def forget(user_id: int | None) -> None:
    if user_id:
        cache.delete_many(keys(user_id))
