from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "lijfwijs.exercises"
    label = "exercises"
    content_loader = "lijfwijs.exercises.content.load"
