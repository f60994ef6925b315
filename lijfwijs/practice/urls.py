from django.urls import path

from . import views

app_name = "practice"

urlpatterns = [
    path("", views.home, name="home"),
    path("clienten/<int:client_id>/", views.client_detail, name="client"),
    path("clienten/<int:client_id>/programma/", views.client_program, name="client_program"),
    path("meldingen/<int:alert_id>/gezien/", views.acknowledge_alert, name="acknowledge_alert"),
]
