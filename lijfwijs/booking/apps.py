from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "lijfwijs.booking"
    label = "booking"
    # What the booking button on the home page and the Pijntest report offers (core.hooks).
    booking_offer = "lijfwijs.booking.flow.booking_offer"
    # A practitioner's bookings of today on their start page (core.hooks).
    home_panel = "lijfwijs.booking.agenda.home_panel"
    # The person's bookings in their data export (accounts/exporting.py).
    export_user_data = "lijfwijs.booking.exporting.export_user_data"
    # Withdrawn consent for health data: the bookings' questions and attached results go.
    erase_user_health_data = "lijfwijs.booking.exporting.erase_user_health_data"
