from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "lijfwijs.outreach.events"
    label = "events"
    # The campaigns' audiences: everyone with a place, and the waiting list (outreach/audience.py).
    campaign_audiences = "lijfwijs.outreach.events.people.campaign_audiences"
    campaign_recipients = "lijfwijs.outreach.events.people.campaign_recipients"
    campaign_unsubscribes = "lijfwijs.outreach.events.people.campaign_unsubscribes"
    # A person's sign-ups (by their account's address) in their data export.
    export_user_data = "lijfwijs.outreach.events.people.export_user_data"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from .services import forget_on_delete

        # A deleted account's sign-ups go with it (their places move up the waiting list).
        pre_delete.connect(forget_on_delete, sender=get_user_model(), dispatch_uid="events-forget")
