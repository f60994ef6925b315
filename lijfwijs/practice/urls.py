"""The workspace's addresses: each module of views lists its own."""

from . import (
    alert_views,
    assignments,
    care,
    client_list,
    client_page,
    invitations,
    notes,
    practice_settings,
)

app_name = "practice"

urlpatterns = [
    *client_list.urlpatterns,
    *client_page.urlpatterns,
    *care.urlpatterns,
    *alert_views.urlpatterns,
    *notes.urlpatterns,
    *assignments.urlpatterns,
    *invitations.urlpatterns,
    *practice_settings.urlpatterns,
]
