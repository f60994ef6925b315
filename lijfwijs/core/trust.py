"""The trust pages: privacy statement, about us, contact and colofon.

They are the same for every visitor in a language, so they are shared like the visitor's home
page (`core.httpcache.public_for_visitors`). Who provides this installation comes from one
function, `provider()`: the PROVIDER_* settings when the operator named a provider there; else the
practice, when exactly one runs the installation (one small query); else the settings' defaults,
a made-up demo practice. The ETag is the page's hash, so a practice's new details make a new tag.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lijfwijs.core import hooks, httpcache

# When the privacy statement last changed in substance: shown on the page.
PRIVACY_UPDATED = date(2026, 12, 3)
# PROVIDER_NAME's shipped default (settings.py): while it is unchanged, the operator named no
# provider, and a practice that runs the installation alone is the provider.
DEMO_PROVIDER_NAME = "Demopraktijk Lijfwijs (voorbeeld)"


@dataclass(frozen=True)
class Provider:
    """Who provides this installation of Lijfwijs (the settings, or the one practice)."""

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
    """The provider of this installation: the PROVIDER_* settings when the operator set
    PROVIDER_NAME; otherwise the practice when exactly one exists; otherwise the settings'
    defaults (the demo practice)."""
    if settings.PROVIDER_NAME == DEMO_PROVIDER_NAME:
        practice = _only_practice()
        if practice is not None:
            return _from_practice(practice)
    return _from_settings()


def practice_is_provider(practice_id: int) -> bool:
    """Whether this practice's details are the ones the trust pages show."""
    if settings.PROVIDER_NAME != DEMO_PROVIDER_NAME:
        return False
    practice = _only_practice()
    return practice is not None and practice["pk"] == practice_id


def _only_practice() -> dict[str, object] | None:
    """The one practice of the installation (its details), or None when there are none or many.
    By name through the app registry: core imports no other app."""
    practice_model = apps.get_model("accounts", "Practice")
    rows = list(
        practice_model.objects.order_by().values(
            "pk", "name", "address", "phone", "email", "website", "kvk_number"
        )[:2]
    )
    return rows[0] if len(rows) == 1 else None


def _from_practice(practice: dict[str, object]) -> Provider:
    """The practice's details; its address's last line is the postcode and city."""
    lines = [line.strip() for line in str(practice["address"]).splitlines() if line.strip()]
    return Provider(
        name=str(practice["name"]),
        address=", ".join(lines[:-1]) if len(lines) > 1 else "".join(lines),
        postcode_city=lines[-1] if len(lines) > 1 else "",
        email=str(practice["email"]),
        phone=str(practice["phone"]),
        kvk=str(practice["kvk_number"]),
        website=str(practice["website"]),
    )


def _from_settings() -> Provider:
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


def _page(template: str, extra: Callable[[], dict[str, object]] | None = None, panels: str = ""):
    """A trust page: the same for every visitor, with the provider's details (and `extra`), and
    the panels apps add through the hook `panels` names (`core.hooks.panels`; the same for every
    visitor too: the page is shared)."""

    def context(request: HttpRequest) -> dict[str, object]:
        added = {"panels": hooks.panels(panels, request)} if panels else {}
        return {"provider": provider(), **(extra() if extra else {}), **added}

    @require_safe
    @httpcache.public_for_visitors()  # its ETag is the page's hash: other settings, another tag
    def view(request: HttpRequest) -> HttpResponse:
        return render(request, template, context(request))

    view.__name__ = view.__qualname__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    view.__doc__ = f"The page {template}, the same for every visitor."
    return view


privacy = _page(
    "core/trust/privacy.html",
    lambda: {"updated": PRIVACY_UPDATED, **_retention()},
)
about = _page("core/trust/about.html")
contact = _page("core/trust/contact.html", panels="contact_panel")  # the contact form's way in
colofon = _page("core/trust/colofon.html", lambda: {"version": software_version()})
