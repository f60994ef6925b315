"""Site-wide pages: home, health check, errors; the web app's service worker and manifest."""

import base64
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lijfwijs.core import hooks, httpcache, trust


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers. Touches no database on purpose."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public home page, or for someone signed in their own start page made of app panels.

    An app adds a panel by naming a function in its AppConfig (`home_panel = "module.func"`) that
    takes the request and returns (template name, context), a list of those, or None. A panel
    that must come before all others (a flare-up's plan) is (template name, context, "first").
    The panels are rendered for every request; what is costly to compute behind them comes from
    the computed-data cache (`core.datacache`), never their HTML.
    """
    if not request.user.is_authenticated:
        return _visitor_home(request)
    first, rest = [], []
    for home_panel in hooks.functions("home_panel"):
        for panel in _panels(home_panel(request)):
            # Panels hold no forms: rendered without the request's context processors.
            html = render_to_string(panel[0], {"user": request.user, **panel[1]})
            (first if panel[2:] == ("first",) else rest).append(html)
    return render(request, "core/dashboard.html", {"panels": first + rest})


@httpcache.public_for_visitors()
def _visitor_home(request: HttpRequest) -> HttpResponse:
    """The home page for visitors: the same for everyone in a language (its URL), so shared.
    It names the provider (from the settings, no query)."""
    context = {"provider": trust.provider(), "booking_offer": hooks.first("booking_offer", request)}
    return render(request, "core/home.html", context)


def _panels(result: object) -> list[tuple]:
    """What a panel function returned, as a list of panels."""
    if result is None:
        return []
    return list(result) if isinstance(result, list) else [result]


SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "core" / "sw.js"
# What the start page, the check-in page and the exercise players need without a connection,
# stored when the worker installs. Other static files (a page's own CSS) are kept when first used.
APP_SHELL = (
    "core/site.css",
    "core/outbox.js",
    "core/checkin.js",
    "core/nav.js",
    "exercises/player.js",
    "exercises/kept.js",
    "exercises/player.css",
    "core/favicon.svg",
    "core/icon.svg",
    "core/icon-192.png",
    "core/icon-512.png",
)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so that its scope is the whole site.

    The static file gets the shell's URLs as `static()` gives them (hashed in production), the
    static prefix and a version made from them and its own text, so a new deployment installs a
    new worker.
    """
    shell = [static(name) for name in APP_SHELL]
    source = SERVICE_WORKER.read_text(encoding="utf-8")
    version = hashlib.sha256("\n".join([source, settings.STATIC_URL, *shell]).encode()).hexdigest()
    body = (
        source.replace('/*VERSION*/"dev"', json.dumps(version[:16]))
        .replace("/*SHELL*/[]", json.dumps(shell))
        .replace('/*STATIC*/"/static/"', json.dumps(settings.STATIC_URL))
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # the browser asks for a new worker on every visit
    return response


def outbox_key_for(user: object) -> str:
    """The key (base64url, 256 bits) that encrypts what waits in a person's outbox on a device.

    Derived, not stored: an HMAC under SECRET_KEY of the account's id and the moment it was made
    (a salt that never changes and differs between an account and a later one with a reused id).
    A device holds it only while the person is signed in there, so after sign-out what still
    waits cannot be read; it reads again when the same person signs in.
    """
    value = f"{user.pk}:{user.date_joined.isoformat()}"  # type: ignore[attr-defined]
    digest = salted_hmac("lijfwijs.core.outbox_key", value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@never_cache
@require_safe
def outbox_key(request: HttpRequest) -> HttpResponse:
    """The signed-in person's outbox key (outbox.js keeps it on the device until sign-out)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "signed out"}, status=401)
    return JsonResponse({"account": str(request.user.pk), "key": outbox_key_for(request.user)})


@require_safe
def web_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: Lijfwijs can be installed on a phone's home screen."""
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "lang": "nl",
        "id": "/",
        "start_url": "/",  # the start page, kept by the service worker for use offline
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f5f0",  # site.css: --color-bg
        "theme_color": "#1f6660",  # --color-primary, as base.html's theme-color
        "icons": [
            {"src": static("core/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("core/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("core/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("core/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/manifest+json")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)
