"""The client's record's fourth tab: the notes and the assignments, with their forms."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import assignments, notes, program_controls
from .access import practitioner_required
from .client_page import _tab, client_with_access


def care_page(request: HttpRequest, client: Any) -> HttpResponse:
    """The notes and assignments tab (kind NOTES): the newest notes with the empty form to add
    one, and the assignments with the empty forms to give one (a form sent back with mistakes
    comes back on its own page). Both sections are written in one pass."""
    practitioner = request.user
    progress = program_controls.read_progress(client)
    context = assignments.client_section(
        request,
        client,
        assignments=assignments.visible_list(practitioner, client),
        current_step=progress.current_step if progress is not None else None,
    )
    section = notes.client_section(request, client, notes.client_page_notes(practitioner, client))
    context["notes_section"] = notes.section_markup(section, context["csrf_token"])
    context["assignments_section"] = assignments.section_markup(context)
    return _tab(request, client, "client_care", "practice/client_care.html", context)


@never_cache
@practitioner_required
@require_safe
def client_care(request: HttpRequest, client_id: int) -> HttpResponse:
    client, _grant_details = client_with_access(request, client_id)
    return care_page(request, client)


urlpatterns = [
    path("clienten/<int:client_id>/notities-en-opdrachten/", client_care, name="client_care"),
]
