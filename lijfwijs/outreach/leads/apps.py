"""The contact form and the practice's leads (contact form, Pijntest, advice-call bookings)."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "lijfwijs.outreach.leads"
    label = "leads"
    # "Contact me" under the Pijntest report, and the contact form on the contact page.
    report_panel = "lijfwijs.outreach.leads.views.report_panel"
    contact_panel = "lijfwijs.outreach.leads.views.contact_panel"
    # A visitor's confirmed booking becomes a lead (booking.services.confirm).
    booking_confirmed = "lijfwijs.outreach.leads.services.booking_confirmed"
    # A person's leads in their export; what they wrote goes with their health data.
    export_user_data = "lijfwijs.outreach.leads.services.export_user_data"
    erase_user_health_data = "lijfwijs.outreach.leads.services.erase_user_health_data"
    # The person deletes their account (asked of accounts.services.delete_account).
    erase_user_data = "lijfwijs.outreach.leads.services.erase_user_data"
