"""Campaigns: written in Markdown, sent once to each recipient of an audience, in the background."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lijfwijs.outreach.campaigns"
    label = "campaigns"
    # An address someone asked to be forgotten (the newsletter's forget_address, an account's
    # deletion) leaves the campaigns' send records too: `func(email) -> int` (core.hooks).
    forget_email_address = "lijfwijs.outreach.campaigns.services.forget_address"
