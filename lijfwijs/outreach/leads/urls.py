"""Leads's pages, included at the root (inside the language prefix)."""

from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("contact/vraag/", views.contact, name="contact"),
    path("contact/pijntest/<str:response_id>/", views.report_contact, name="report_contact"),
    path("contact/verstuurd/", views.sent, name="sent"),
    path("praktijk/leads/", views.lead_list, name="list"),
    path("praktijk/leads/<int:lead_id>/", views.detail, name="detail"),
    path("praktijk/leads/<int:lead_id>/status/", views.change_status, name="status"),
    path("praktijk/leads/<int:lead_id>/notities/", views.add_note, name="note"),
    path("praktijk/leads/<int:lead_id>/uitnodigen/", views.convert, name="convert"),
    path("praktijk/leads/<int:lead_id>/uitslag/<int:message_id>/", views.result, name="result"),
]
