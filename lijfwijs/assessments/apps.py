from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "lijfwijs.assessments"
    label = "assessments"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
