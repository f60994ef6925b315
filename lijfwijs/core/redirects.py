"""Going back to where a form or a sign-in step came from: a `next` address sent by the browser.

`next` comes from the request, so it is only followed when it is a path on this site: it starts
with one "/", names no other host or scheme (Django's `url_has_allowed_host_and_scheme`) and holds
no control character (a newline cannot go into a `Location` header). Anything else sends the
person to the view's own default page. Views answer with `HttpResponseRedirect(path)`: Django's
`redirect()` would first try a text without "/" or "." as the name of a view, and raise
NoReverseMatch (a server error) for `next=abc`.
"""

import unicodedata

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`."""
    if (
        target
        and target.startswith("/")
        and not any(unicodedata.category(char)[0] == "C" for char in target)
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
