from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "lijfwijs.learn"
    label = "learn"
    content_loader = "lijfwijs.learn.content.load"
