from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "lijfwijs.practice"
    label = "practice"
    home_panel = "lijfwijs.practice.services.home_panel"
    # The practitioners' messages with the program steps they opened (asked for by the program).
    program_messages = "lijfwijs.practice.assignments.program_messages"
    # Safety findings of other apps, found by name (core.hooks): they raise practitioner alerts.
    safety_finding = "lijfwijs.practice.alerts.safety_finding"
    flare_safety_finding = "lijfwijs.practice.alerts.flare_safety_finding"
    # A check-in saved or deleted: the diary's alerts (pain rising, silence) are evaluated anew.
    checkin_saved = "lijfwijs.practice.alerts.checkin_saved"
    # The notes about a client are theirs to read (export) and go with their health data.
    export_user_data = "lijfwijs.practice.notes.export_user_data"
    erase_user_health_data = "lijfwijs.practice.notes.erase_user_health_data"
