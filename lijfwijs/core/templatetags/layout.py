"""Tags of the site's layout (`core/base.html`)."""

from django import template

from lijfwijs.core import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_nav(context: template.Context) -> str:
    """The header's navigation for a signed-in person (lijfwijs/core/nav.py)."""
    return nav.signed_in_nav(context)
