"""The 5-step program's pages, mounted at /programma/."""

from django.urls import path

from . import views

app_name = "program"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("stap/<int:number>/", views.step_page, name="step"),
    path("stap/<int:number>/verder/", views.advance, name="advance"),
    path("terugvalplan/", views.setback_plan, name="setback_plan"),
]
