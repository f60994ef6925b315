"""Root URLs: Dutch pages unprefixed, English under /en/, the API and health check beside them."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

from lijfwijs.api.api import api
from lijfwijs.core import views as core_views
from lijfwijs.learn import sitemaps as learn_sitemaps

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # the web app: the service worker's scope is the folder it is served from, so the root
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", core_views.web_manifest, name="web_manifest"),
    path("outbox-key", core_views.outbox_key, name="outbox_key"),  # outbox.js, signed in
    # the public pages in both languages, with hreflang alternates (learn/sitemaps.py)
    path("sitemap.xml", learn_sitemaps.sitemap, name="sitemap"),
    path("api/v1/", api.urls),
    path("api/docs", require_safe(RedirectView.as_view(url="/api/v1/docs", permanent=False))),
]
if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # the email provider posts bounces and complaints here (e.g. /anymail/postmark/tracking/),
    # outside the language prefix; anymail checks the secret and the provider's signature
    urlpatterns.append(path("anymail/", include("anymail.urls")))

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("", include("lijfwijs.core.urls")),
    path("pijntest/", include("lijfwijs.assessments.urls")),
    path("oefeningen/", include("lijfwijs.exercises.urls")),
    path("programma/", include("lijfwijs.program.urls")),
    path("kennisbank/", include("lijfwijs.learn.urls")),
    path("", include("lijfwijs.learn.workspace")),  # /praktijk/artikelen/…
    path("account/", include("lijfwijs.accounts.urls")),
    path("dagboek/", include("lijfwijs.diary.urls")),
    path("praktijk/", include("lijfwijs.practice.urls")),
    path("", include("lijfwijs.booking.urls")),
    path("", include("lijfwijs.outreach.newsletter.urls")),
    path("", include("lijfwijs.outreach.campaigns.urls")),
    path("", include("lijfwijs.outreach.events.urls")),
    path("", include("lijfwijs.outreach.leads.urls")),
    path("", include("lijfwijs.outreach.messaging.urls")),
    path("", include("lijfwijs.exports.urls")),
    prefix_default_language=False,
)

handler404 = "lijfwijs.core.views.not_found"
handler500 = "lijfwijs.core.views.server_error"
