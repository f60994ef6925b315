from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "lijfwijs.assessments"
    label = "assessments"
    home_panel = "lijfwijs.assessments.services.home_panel"
    export_user_data = "lijfwijs.assessments.services.export_user_data"
    erase_user_health_data = "lijfwijs.assessments.services.erase_user_health_data"
    latest_recommendations = "lijfwijs.assessments.services.latest_recommendations"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the system check and signal receivers)
