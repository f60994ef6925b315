"""Dates and times in the active language's formats, written without Django's per-call format
machinery: the record's timeline writes some forty dates a request, and `formats.date_format`
looks up the format and walks it character by character for each.

`formatter(name)` gives, once per request, a function that writes a date or datetime as
`formats.date_format(value, name)` does. Per process and language only the format string and the
translated month names are kept (fixed words); a format with a character this module does not
write is left to Django. A test holds it to `formats.date_format` in both languages.
"""

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from django.utils import dateformat, formats
from django.utils.translation import get_language

Format = Callable[[Any], str]

# the format characters written here, as str.format fields of the value ({0}) and of its month's
# name ({1}: the language's, translated once per process and language)
_FIELDS = {
    "j": "{0.day}",
    "d": "{0.day:02d}",
    "n": "{0.month}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "G": "{0.hour}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}
_MONTHS = ("N", "M", "F", "b")  # month names


def formatter(name: str = "DATE_FORMAT") -> Format:
    """A function writing a date (or a datetime, as given: no change of zone) in the active
    language's format `name`, as `django.utils.formats.date_format(value, name)`."""
    return _formatter(get_language(), name)


@cache
def _formatter(language: str | None, name: str) -> Format:
    pattern = str(formats.get_format(name, language))
    template, month = [], ""
    for char in pattern:
        if char in _FIELDS:
            template.append(_FIELDS[char])
        elif char in _MONTHS and not month:
            template.append("{1}")
            month = char
        elif (char.isascii() and char.isalpha()) or char == "\\":
            return lambda value: formats.date_format(value, name)  # not written here
        else:
            template.append(char.replace("{", "{{").replace("}", "}}"))
    text = "".join(template)
    if not month:
        return text.format
    names = ("", *(dateformat.format(date(2000, n, 1), month) for n in range(1, 13)))
    return lambda value: text.format(value, names[value.month])
