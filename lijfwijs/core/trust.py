"""The trust pages: privacy statement, about us, contact and colofon.

They are the same for every visitor in a language, so they are shared like the visitor's home
page (`core.httpcache.public_for_visitors`). Who provides this installation comes from one
function, `provider()`, so it can later come from the practice instead of the settings.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lijfwijs.core import httpcache


@dataclass(frozen=True)
class Provider:
    """Who provides this installation of Lijfwijs (the PROVIDER_* settings)."""

    name: str
    address: str
    postcode_city: str
    email: str
    phone: str
    kvk: str
    website: str


def provider() -> Provider:
    """The provider of this installation, from the PROVIDER_* settings."""
    return Provider(
        name=settings.PROVIDER_NAME,
        address=settings.PROVIDER_ADDRESS,
        postcode_city=settings.PROVIDER_POSTCODE_CITY,
        email=settings.PROVIDER_EMAIL,
        phone=settings.PROVIDER_PHONE,
        kvk=settings.PROVIDER_KVK,
        website=settings.PROVIDER_WEBSITE,
    )


def _provider_etag(request: HttpRequest) -> str:
    """The provider's details are part of the page: a change to them makes a new ETag."""
    return repr(provider())


def _page(template: str):
    @require_safe
    @httpcache.public_for_visitors(etag=_provider_etag)
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, {"provider": provider()})

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


privacy = _page("core/trust/privacy.html")
about = _page("core/trust/about.html")
contact = _page("core/trust/contact.html")
colofon = _page("core/trust/colofon.html")
