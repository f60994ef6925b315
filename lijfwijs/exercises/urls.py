from django.urls import path

from . import log_views, views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    # the practice log: before "<slug:slug>/", which would take "logboek" for an exercise
    path("logboek/", log_views.log, name="log"),
    path("logboek/<uuid:session_id>/verwijderen/", log_views.delete, name="log_delete"),
    path("<slug:slug>/", views.exercise_detail, name="detail"),
]
