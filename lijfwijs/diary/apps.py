from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "lijfwijs.diary"
    label = "diary"
    content_loader = "lijfwijs.diary.content.load"
    export_user_data = "lijfwijs.diary.services.export_user_data"
    erase_user_health_data = "lijfwijs.diary.services.erase_user_health_data"
    home_panel = "lijfwijs.diary.services.home_panel"
