from django.urls import path

from . import two_factor, views

app_name = "accounts"

urlpatterns = [
    path("registreren/", views.register, name="register"),
    path("bevestigen/<str:token>/", views.verify_email, name="verify_email"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("tweestaps/", two_factor.two_factor, name="two_factor"),
    path("tweestaps/herstelcodes/", two_factor.new_recovery_codes, name="recovery_codes"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", views.settings_page, name="settings"),
    path("toegang/", views.grant_access, name="grant_access"),
    path("toegang/<int:access_id>/intrekken/", views.revoke_access, name="revoke_access"),
    path("toegang/<int:access_id>/notities/", views.share_notes, name="share_notes"),
    path("uitnodigingen/<int:invitation_id>/", views.answer_invitation, name="answer_invitation"),
    path("e-mail/", views.change_email, name="change_email"),
    path("e-mail/bevestigen/<str:token>/", views.confirm_email_change, name="confirm_email_change"),
    path("export/", views.export, name="export"),
    path("verwijderen/", views.delete_account, name="delete"),
    path("inzage/", views.access_log, name="access_log"),
    path("toestemming/", views.health_consent, name="health_consent"),
]
