from django.urls import path

from . import reminder_views, views

app_name = "diary"

urlpatterns = [
    path("", views.diary, name="list"),
    path("nieuw/", views.new, name="new"),
    path("inzichten/", views.insights_page, name="insights"),
    path("tags/", views.tags, name="tags"),
    path("<uuid:checkin_id>/", views.edit, name="edit"),
    path("<uuid:checkin_id>/verwijderen/", views.delete, name="delete"),
    path("herinnering/", reminder_views.reminder_settings, name="reminders"),
    path("herinnering/uit/<str:token>/", reminder_views.reminder_off, name="reminder_off"),
]
