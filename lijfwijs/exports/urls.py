"""Exports's pages, included at the root (inside the language prefix).

- /account/downloads/                      the person's own exports (views.mine)
- /account/downloads/<uuid>/               a made file, for who asked it (views.download)
- /praktijk/clienten/<id>/downloads/       a practitioner's exports of one client
"""

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("account/downloads/", views.mine, name="mine"),
    path("account/downloads/<uuid:job_id>/", views.download, name="file"),
    path("praktijk/clienten/<int:client_id>/downloads/", views.client_exports, name="client"),
]
