from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "lijfwijs.booking"
    label = "booking"
