"""Newsletter's pages, included at the root (inside the language prefix)."""

urlpatterns: list = []
