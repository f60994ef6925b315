from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lijfwijs.outreach.campaigns"
    label = "campaigns"
