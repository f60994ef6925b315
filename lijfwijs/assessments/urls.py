from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.start, name="start"),
    path("begin/", views.begin, name="begin"),
    path("vragen/<slug:section_id>/", views.page, name="page"),
    path("uitslag/<str:response_id>/", views.report, name="report"),
    path("mijn-uitslagen/", views.my_results, name="mine"),
    path("vergelijk/", views.compare, name="compare"),
    path("vragenlijsten/", views.scales, name="scales"),
    path("vragenlijsten/<slug:instrument_id>/", views.scale, name="scale"),
]
