"""The trust pages: privacy statement, about us, contact and colofon.

They are the same for every visitor in a language, so they are shared like the visitor's home
page (`core.httpcache.public_for_visitors`), and they read nothing from the database. Who provides
this installation comes from one function, `provider()`, so it can later come from the practice
instead of the settings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lijfwijs.core import httpcache

# When the privacy statement last changed in substance: shown on the page.
PRIVACY_UPDATED = date(2026, 12, 2)


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

    @property
    def phone_link(self) -> str:
        """The number for a `tel:` link: digits and a leading +, nothing else. The trunk
        prefix written as "(0)" after a country code is not dialled."""
        number = self.phone.strip().replace("(0)", "")
        digits = "".join(c for c in number if c.isdigit())
        return ("+" + digits) if number.startswith("+") else digits

    @property
    def website_label(self) -> str:
        """The website without its scheme and trailing slash, as people read it."""
        label = self.website.strip()
        for scheme in ("https://", "http://"):
            label = label.removeprefix(scheme)
        return label.rstrip("/")


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


@cache
def software_version() -> str:
    """The installed Lijfwijs version (from the package metadata)."""
    try:
        return version("lijfwijs")
    except PackageNotFoundError:
        return ""


def _retention() -> dict[str, int]:
    """The retention periods the code keeps, from the settings, for the privacy statement."""
    days = settings.ACCESS_LOG_RETENTION_DAYS
    return {
        "access_log_years": days // 365 if days % 365 == 0 else 0,
        "access_log_days": days,
        "client_idle_days": max(1, settings.CLIENT_IDLE_SECONDS // 86400),
        "practitioner_idle_minutes": max(1, settings.PRACTITIONER_IDLE_SECONDS // 60),
    }


def _page(template: str, extra: Callable[[], dict[str, object]] | None = None):
    """A trust page: the same for every visitor, with the provider's details (and `extra`)."""

    def context() -> dict[str, object]:
        return {"provider": provider(), **(extra() if extra else {})}

    @require_safe
    @httpcache.public_for_visitors()  # its ETag is the page's hash: other settings, another tag
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, context())

    view.__name__ = view.__qualname__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    view.__doc__ = f"The page {template}, the same for every visitor."
    return view


privacy = _page(
    "core/trust/privacy.html",
    lambda: {"updated": PRIVACY_UPDATED, **_retention()},
)
about = _page("core/trust/about.html")
contact = _page("core/trust/contact.html")
colofon = _page("core/trust/colofon.html", lambda: {"version": software_version()})
