from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    # the practice log: before "<slug:slug>/", which would take "logboek" for an exercise
    path("logboek/", views.log, name="log"),
    path("logboek/<uuid:session_id>/verwijderen/", views.log_delete, name="log_delete"),
    # own breathing patterns: also before "<slug:slug>/"
    path("mijn-ritmes/", views.patterns, name="patterns"),
    path("mijn-ritmes/<int:pattern_id>/", views.pattern_edit, name="pattern_edit"),
    path("mijn-ritmes/<int:pattern_id>/verwijderen/", views.pattern_delete, name="pattern_delete"),
    path("mijn-ritmes/<int:pattern_id>/oefenen/", views.pattern_play, name="pattern_play"),
    path("<slug:slug>/", views.exercise_detail, name="detail"),
    path("<slug:slug>/oefenen/", views.play, name="play"),
]
