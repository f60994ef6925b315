"""The workspace's addresses: each module of views lists its own."""

from . import alert_views, client_list, client_page

app_name = "practice"

urlpatterns = [
    *client_list.urlpatterns,
    *client_page.urlpatterns,
    *alert_views.urlpatterns,
]
