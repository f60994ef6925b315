"""Site-wide pages: home, health check and error pages."""

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: the process answers. Touches no database on purpose."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public home page, or for someone signed in their own start page made of app panels.

    An app adds a panel by naming a function in its AppConfig (`home_panel = "module.func"`) that
    takes the request and returns (template name, context) or None.
    """
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    panels = []
    for config in apps.get_app_configs():
        path = getattr(config, "home_panel", None)
        if path:
            panel = import_string(path)(request)
            if panel is not None:
                # Panels hold no forms: rendered without the request's context processors.
                panels.append(render_to_string(panel[0], {"user": request.user, **panel[1]}))
    return render(request, "core/dashboard.html", {"panels": panels})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)
