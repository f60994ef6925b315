from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "lijfwijs.practice"
    label = "practice"
    home_panel = "lijfwijs.practice.services.home_panel"
    # Safety findings of other apps, found by name (core.hooks): they raise practitioner alerts.
    safety_finding = "lijfwijs.practice.alerts.safety_finding"
    flare_safety_finding = "lijfwijs.practice.alerts.flare_safety_finding"
    # A check-in saved or deleted: the diary's alerts (pain rising, silence) are evaluated anew.
    checkin_saved = "lijfwijs.practice.alerts.checkin_saved"
