from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "lijfwijs.assessments"
    label = "assessments"
