from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "lijfwijs.exercises"
    label = "exercises"
    content_loader = "lijfwijs.exercises.content.load"
    export_user_data = "lijfwijs.exercises.services.export_user_data"
    erase_user_health_data = "lijfwijs.exercises.services.erase_user_health_data"
    # the offer to save a visitor's practices kept on the device, after signing in
    home_panel = "lijfwijs.exercises.views.home_panel"
