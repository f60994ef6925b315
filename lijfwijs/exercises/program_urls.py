"""The 5-step program's pages, mounted at /programma/."""

from django.urls import path

from . import program_views

app_name = "program"

urlpatterns = [
    path("", program_views.overview, name="overview"),
    path("stap/<int:number>/", program_views.step_page, name="step"),
    path("stap/<int:number>/verder/", program_views.advance, name="advance"),
    path("terugvalplan/", program_views.setback_plan, name="setback_plan"),
]
