from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lijfwijs.outreach.messaging"
    label = "messaging"
    # The client's conversations in their data export (accounts/exporting.py).
    export_user_data = "lijfwijs.outreach.messaging.exporting.export_user_data"
    # Withdrawn consent for health data: the conversations go (they hold health information).
    erase_user_health_data = "lijfwijs.outreach.messaging.exporting.erase_user_health_data"
