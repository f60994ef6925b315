"""The site's own pages outside the feature apps (trust pages, the style guide), under the
language prefix like every page."""

from django.urls import path

from lijfwijs.core import styleguide, trust

urlpatterns: list = [
    path("privacy/", trust.privacy, name="privacy"),
    path("over-ons/", trust.about, name="about"),
    path("contact/", trust.contact, name="contact"),
    path("colofon/", trust.colofon, name="colofon"),
    path("stijl/", styleguide.styleguide, name="styleguide"),
]
