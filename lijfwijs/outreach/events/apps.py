from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "lijfwijs.outreach.events"
    label = "events"
    # The campaigns' audiences: everyone with a place, and the waiting list (outreach/audience.py).
    campaign_audiences = "lijfwijs.outreach.events.people.campaign_audiences"
    campaign_recipients = "lijfwijs.outreach.events.people.campaign_recipients"
    campaign_unsubscribes = "lijfwijs.outreach.events.people.campaign_unsubscribes"
    # A person's sign-ups (by their account's address) in their data export, and gone with the
    # account (their places move up the waiting list).
    export_user_data = "lijfwijs.outreach.events.people.export_user_data"
    erase_user_data = "lijfwijs.outreach.events.people.erase_user_data"
