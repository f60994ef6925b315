from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "lijfwijs.outreach.newsletter"
    label = "newsletter"
    # The sign-up after the Pijntest report and under articles (core.hooks.panels).
    report_panel = "lijfwijs.outreach.newsletter.panels.report_panel"
    article_panel = "lijfwijs.outreach.newsletter.panels.article_panel"
    # Each list of a practice is an audience of its campaigns (lijfwijs/outreach/audience.py).
    campaign_audiences = "lijfwijs.outreach.newsletter.audience.campaign_audiences"
    campaign_recipients = "lijfwijs.outreach.newsletter.audience.campaign_recipients"
    campaign_unsubscribes = "lijfwijs.outreach.newsletter.audience.campaign_unsubscribes"
    # The person's subscriptions (by their account's address) in their data export.
    export_user_data = "lijfwijs.outreach.newsletter.exporting.export_user_data"
    # Deleting an account forgets its address's subscriptions (accounts' delete_account).
    erase_user_data = "lijfwijs.outreach.newsletter.exporting.erase_user_data"

    def ready(self) -> None:
        from . import bounces

        bounces.connect()
