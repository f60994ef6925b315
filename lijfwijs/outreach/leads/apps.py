from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "lijfwijs.outreach.leads"
    label = "leads"
