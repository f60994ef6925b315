from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lijfwijs.accounts"
    label = "accounts"
    home_panel = "lijfwijs.accounts.services.home_panel"
    content_loader = "lijfwijs.accounts.content.load"

    def ready(self) -> None:
        from . import two_factor  # noqa: F401  (connects its login signal receiver)
