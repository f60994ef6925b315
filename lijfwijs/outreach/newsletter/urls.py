"""Newsletter's pages, included at the root (inside the language prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("nieuwsbrief/", views.signup, name="newsletter_signup"),
    path("nieuwsbrief/controleer-je-email/", views.check_email, name="newsletter_check_email"),
    path("nieuwsbrief/bevestig/<str:token>/", views.confirm, name="newsletter_confirm"),
    path("nieuwsbrief/voorkeuren/<str:token>/", views.preferences, name="newsletter_preferences"),
    path("nieuwsbrief/afmelden/<str:token>/", views.unsubscribe, name="newsletter_unsubscribe"),
    path("account/nieuwsbrief/", views.account, name="newsletter_account"),
    path("praktijk/nieuwsbrief/", views.manage, name="newsletter_manage"),
    path("praktijk/nieuwsbrief/lijsten/<int:list_id>/", views.edit_list, name="newsletter_list"),
    path(
        "praktijk/nieuwsbrief/lijsten/<int:list_id>/verwijderen/",
        views.delete_list,
        name="newsletter_list_delete",
    ),
    path("praktijk/nieuwsbrief/abonnees/", views.subscribers, name="newsletter_subscribers"),
    path(
        "praktijk/nieuwsbrief/abonnees/<int:subscriber_id>/verwijderen/",
        views.remove_subscriber,
        name="newsletter_subscriber_delete",
    ),
]
