from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lijfwijs.api"
    label = "api"
