from django.urls import path

from . import reminder_views, safety_views, views

app_name = "diary"

urlpatterns = [
    path("", views.diary, name="list"),
    path("nieuw/", views.new, name="new"),
    path("inzichten/", views.insights_page, name="insights"),
    path("tags/", views.tags, name="tags"),
    path("<uuid:checkin_id>/", views.edit, name="edit"),
    path("<uuid:checkin_id>/verwijderen/", views.delete, name="delete"),
    path("veiligheid/", safety_views.safety_check, name="safety_check"),
    path("veiligheid/<int:check_id>/", safety_views.safety_result, name="safety_result"),
    path("herinnering/", reminder_views.reminder_settings, name="reminders"),
    path("herinnering/uit/<str:token>/", reminder_views.reminder_off, name="reminder_off"),
]
