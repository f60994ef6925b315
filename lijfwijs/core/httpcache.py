"""HTTP caching of pages that are the same for every visitor: an ETag, and `Cache-Control: public`.

Only for a request without a signed-in person and without a message waiting: what a signed-in
person gets may hold health data and is never stored (`PrivateResponseMiddleware`), and a page
with a message is that visitor's own. The ETag is a hash of the page's bytes, so whatever changed
the page (its data, the release, a setting it shows) changes its tag, with no query to work it
out; a browser or proxy revalidates with a conditional GET and gets a 304 while nothing changed.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

PAGE_MAX_AGE = 5 * 60  # how long a browser or proxy may show a shared page without asking again


def shared(request: HttpRequest) -> bool:
    """Whether this request gets the page everyone gets: nobody signed in, no message waiting."""
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        if "_messages" in request.session:
            return False
        return not request.user.is_authenticated
    return True  # no session, so nobody signed in (and nothing read from a session store)


View = Callable[..., HttpResponse]


def public_for_visitors(*, max_age: int = PAGE_MAX_AGE) -> Callable[[View], View]:
    """A view whose page is the same for every visitor: an ETag from the page's bytes, a 304 for a
    matching conditional GET, and a public max-age. Signed-in requests get the view as it is."""

    def decorator(view: View) -> View:
        conditional = _tagged_by_content(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not shared(request):
                return view(request, *args, **kwargs)
            response = conditional(request, *args, **kwargs)
            if response.status_code in (200, 304):
                patch_cache_control(response, public=True, max_age=max_age)
                # A shared cache keeps this copy for requests without a session cookie only: a
                # signed-in person's request never gets it.
                patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator


def _tagged_by_content(view: View) -> View:
    """The view, its 200 answers tagged with a hash of their bytes and a matching conditional GET
    answered with a 304 (what Django's ConditionalGetMiddleware does, for these views only)."""

    @wraps(view)
    def tagged(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming or response.has_header("ETag"):
            return response
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        return get_conditional_response(request, etag=response["ETag"], response=response)

    return tagged
