from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "lijfwijs.outreach.messaging"
    label = "messaging"
