"""Django's i18n template tags, with a quicker `{% translate "literal text" %}`.

Registered in the settings as the `i18n` library, so `{% load i18n %}` loads this module: every
tag and filter is Django's own, and makemessages reads the templates as before (it reads text,
not this module). Only the `translate` node differs, and only for its common form, a quoted
literal without `noop`, `context` or filters: Django makes a lazy translation object for it on
every render and then resolves, localizes and escape-checks that object; this node looks the
text up with `gettext` directly. The result is the same string with the same safety (Django
marks a literal's translation safe), so pages render the same bytes at about a tenth of the
calls per tag (a page holds 30 to 65 of them). Every other form renders through Django's code.

Each such node keeps its literal's translation per language once it has looked it up: the
catalogs are fixed while a process runs, so `gettext` would give the same text every time (about
33 Python calls, a lookup through the active translation and its fallbacks). This is the
translation of one literal, not rendered output; it is forgotten when a test changes the
settings that choose the catalogs (`setting_changed`), as Django forgets its own catalogs then.
"""

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
# Raised when the catalogs may have changed (tests only): every node's translations start again.
_catalogs = [0]


@receiver(setting_changed)
def _catalogs_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _catalogs[0] += 1


register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class TranslateNode(django_i18n.TranslateNode):
    """Django's node; a plain literal is translated with one gettext call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        expression = self.filter_expression
        var = expression.var
        self.msgid: str | None = None
        if (
            not self.noop
            and self.message_context is None
            and not expression.filters
            and isinstance(var, Variable)
            and var.lookups is None
            and isinstance(var.literal, SafeString)
        ):
            # What Variable.resolve hands to gettext_lazy: percent signs doubled, as
            # makemessages writes a template's msgid.
            self.msgid = mark_safe(var.literal.replace("%", "%%"))  # noqa: S308 - template text
        self.translations: dict[tuple[str | None, int], SafeString] = {}

    def render(self, context: Any) -> str:
        if self.msgid is None:
            return super().render(context)
        key = (get_language(), _catalogs[0])
        value = self.translations.get(key)
        if value is None:
            # gettext of a safe msgid gives a safe result (no escaping, as in Django's node), and
            # the doubled percent signs are restored as Django's node restores them.
            value = mark_safe(gettext(self.msgid).replace("%%", "%"))  # noqa: S308 - as Django
            self.translations[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Any, token: Any) -> TranslateNode:
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
