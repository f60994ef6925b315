from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "lijfwijs.learn"
    label = "learn"
    content_loader = "lijfwijs.learn.content.load"
    # the layout's menu links to the practice's articles only for who may write them
    may_write_articles = "lijfwijs.learn.services.user_may_write"
