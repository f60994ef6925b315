"""Messaging's pages, included at the root (inside the language prefix)."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("berichten/", views.inbox, name="inbox"),
    path("berichten/<int:conversation_id>/", views.conversation, name="conversation"),
    path("berichten/nieuw/<int:practitioner_id>/", views.start, name="start"),
    path("praktijk/berichten/", views.practice_inbox, name="practice_inbox"),
    path(
        "praktijk/clienten/<int:client_id>/berichten/",
        views.client_conversation,
        name="client_conversation",
    ),
]
