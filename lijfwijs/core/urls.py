"""The site's own pages outside the feature apps (trust pages, the style guide), under the
language prefix like every page."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
