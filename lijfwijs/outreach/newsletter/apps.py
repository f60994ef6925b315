from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "lijfwijs.outreach.newsletter"
    label = "newsletter"
