"""Outreach: newsletter, campaigns, events, the contact form and leads, messages (issue 14).

Each part is its own Django app in this package, so each has its own models and migrations.
"""
