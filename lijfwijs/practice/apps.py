from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "lijfwijs.practice"
    label = "practice"
    home_panel = "lijfwijs.practice.services.home_panel"
