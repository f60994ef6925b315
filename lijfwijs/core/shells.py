"""Whole pages rendered once and filled in per request.

A page whose HTML is the same for everyone of a kind (an exercise's player for signed-in clients
in one language, say) is rendered once with marks where the per-request parts go: the CSRF token
(the logout form and any other form) and the signed-in account's id. Serving it is then a cache
read and two string replacements. A masked CSRF token is still made per request (`get_token`), so
no token is ever shared. Pages with a message waiting are rendered normally.
"""

from typing import Any

from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

CSRF_MARK = "\x02csrf\x02"
ACCOUNT_MARK = "\x02account\x02"


def messages_waiting(request: HttpRequest) -> bool:
    """A flash message is waiting (the page must show it, so it cannot come from a shell)."""
    return CookieStorage.cookie_name in request.COOKIES or "_messages" in request.session


def kind_of_visitor(request: HttpRequest) -> str:
    """What the shared parts of the layout (the menu) depend on: signed in and the role."""
    user = request.user
    return str(user.role) if user.is_authenticated else "visitor"


def render_shell(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    """The page with marks instead of the CSRF token and the account id."""
    html = render_to_string(template, {**context, "csrf_token": CSRF_MARK}, request)
    if request.user.is_authenticated:
        html = html.replace(f'data-account="{request.user.pk}"', f'data-account="{ACCOUNT_MARK}"')
    return html


def fill_shell(request: HttpRequest, shell: str) -> HttpResponse:
    """The response for this request: its own CSRF token and account id in the page."""
    html = shell.replace(CSRF_MARK, get_token(request))
    if request.user.is_authenticated:
        html = html.replace(ACCOUNT_MARK, str(request.user.pk))
    return HttpResponse(html)
