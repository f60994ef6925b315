from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lijfwijs.accounts"
    label = "accounts"
