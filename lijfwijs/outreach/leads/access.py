"""Who may see which leads: deny by default, one queryset for lists and one function for one lead
(404 when not allowed), side by side.

A lead belongs to its practice; every member of the practice (owner, practitioners, assistants)
sees the practice's leads: who, how to reach them, the status. What people wrote, the results they
attached and the notes may be about their health: only the owner and the practitioners read those
(an assistant calls people back; the questions are not theirs to read). Another practice's lead
is a 404.
"""

from typing import Any

from django.http import Http404, HttpRequest

from .models import Lead, LeadQuerySet
from .services import READERS


def leads_of(membership: Any) -> LeadQuerySet:
    """The leads of the member's own practice (none without a membership)."""
    if membership is None:
        return Lead.objects.none()
    return Lead.objects.filter(practice_id=membership.practice_id)


def lead_for(request: HttpRequest, lead_id: int | str) -> Lead:
    """One lead of the requesting member's practice, or 404."""
    try:
        return (
            leads_of(request.membership)  # type: ignore[attr-defined]
            .select_related("practice", "invitation")
            .get(pk=int(lead_id))
        )
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise Http404("no such lead") from None


def reads_questions(membership: Any) -> bool:
    """Whether the member reads what people wrote, attached results and notes."""
    return membership is not None and membership.role in READERS


def invites(request: HttpRequest) -> bool:
    """Whether the member may turn a lead into a client invitation (a practitioner's own)."""
    return bool(request.user.is_practitioner) and reads_questions(request.membership)  # type: ignore[attr-defined]
