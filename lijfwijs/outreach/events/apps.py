from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "lijfwijs.outreach.events"
    label = "events"
