from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "lijfwijs.exports"
    label = "exports"
