from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "lijfwijs.exports"
    label = "exports"
    # Withdrawn consent for health data: every export about the person is deleted.
    erase_user_health_data = "lijfwijs.exports.services.erase_user_health_data"
    # The account's JSON download of a large account is made in the background (accounts.views).
    background_export = "lijfwijs.exports.services.background_json_export"
    # Under one's own Pijntest report: the way to the overview for the GP.
    report_panel = "lijfwijs.exports.panels.report_panel"
