from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "lijfwijs.program"
    label = "program"
    export_user_data = "lijfwijs.program.services.export_user_data"
    erase_user_health_data = "lijfwijs.program.services.erase_user_health_data"
    home_panel = "lijfwijs.program.views.home_panel"
    # the step a practice counts for (the exercises app asks for it without importing this app)
    practice_step = "lijfwijs.program.services.current_step"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (the program names only exercises of the catalog)
