"""Campaigns: written in Markdown, sent once to each recipient of an audience, in the background."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lijfwijs.outreach.campaigns"
    label = "campaigns"
