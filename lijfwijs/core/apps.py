from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lijfwijs.core"
    label = "core"
