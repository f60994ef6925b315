from django.urls import path

from . import covers, feeds, views

app_name = "learn"

urlpatterns = [
    path("", views.article_list, name="list"),
    path(
        "beeld/<int:pk>/<int:width>.<str:fmt>",
        covers.cover,
        name="cover",
    ),
    path("rss.xml", feeds.rss, name="feed_rss"),  # feeds (kb): a slug has no dot, so no clash
    path("atom.xml", feeds.atom, name="feed_atom"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
