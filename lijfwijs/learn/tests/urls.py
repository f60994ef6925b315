"""The root URLconf plus the article workspace, until the root includes it (asked of the lead in
/tmp/requests/articles.md); the tests of the workspace use this with `pytest.mark.urls`."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from lijfwijs.urls import handler404, handler500
from lijfwijs.urls import urlpatterns as root_patterns

urlpatterns = [
    *root_patterns,
    *i18n_patterns(path("", include("lijfwijs.learn.workspace")), prefix_default_language=False),
]

__all__ = ["handler404", "handler500", "urlpatterns"]
