"""The agenda's and the offer's rows of the authorization matrix (see matrix.py).

Members of "Praktijk Matrix" (P+ its owner, P- and Px its practitioners, the assistant) reach its
bookings, types, hours and exceptions; P-other owns another practice: every object of Praktijk
Matrix is a 404 for them, their own pages answer. Clients and staff are no member (403);
anonymous visitors are sent to sign in.

Access-log rows about client A: a page that shows her booking (details, cancel, reschedule)
writes one VIEW row for whoever sees it; P+'s list of clients to book for shows her name (one
LIST row); a change of her booking one CHANGE row. The {} POSTs are rejected by the forms (422)
except the cancel (P+ and the assistant cancel A's booking, rolled back by the matrix).
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lijfwijs.booking.models import AvailabilityException, WeeklyHours
from lijfwijs.core.tests.test_authz_matrix import Route

#            anon  A    B   P+   P-   Px staff asst P-other
MEMBERS = (302, 403, 403, 200, 200, 200, 403, 200, 200)
PRACTITIONERS = (302, 403, 403, 200, 200, 200, 403, 403, 200)
PRACTITIONERS_422 = (302, 403, 403, 422, 422, 422, 403, 403, 422)
UNSUPPORTED = (302, 403, 403, 405, 405, 405, 403, 405, 405)
OWNER_ONLY_UNSUPPORTED = (302, 403, 403, 405, 403, 403, 403, 403, 405)
# an object of Praktijk Matrix that only P+ (its practitioner and owner) may change
P_PLUS_CHANGES = (302, 403, 403, 302, 403, 403, 403, 403, 404)
NO_ROWS = (0,) * 9
ONE_FOR_P_PLUS = (0, 0, 0, 1, 0, 0, 0, 0, 0)
ONE_FOR_P_PLUS_AND_ASSISTANT = (0, 0, 0, 1, 0, 0, 0, 1, 0)

ROUTES = {
    # --- the agenda
    "praktijk/agenda/": Route(
        "/praktijk/agenda/", {"GET": MEMBERS}, unsupported=UNSUPPORTED, login=True
    ),
    # A's booking with P+: every member sees it (one row each); P-other 404
    "praktijk/agenda/afspraken/<int:booking_id>/": Route(
        "/praktijk/agenda/afspraken/{booking}/",
        {"GET": (302, 403, 403, 200, 200, 200, 403, 200, 404)},
        unsupported=UNSUPPORTED,
        login=True,
        log={"GET": (0, 0, 0, 1, 1, 1, 0, 1, 0)},
    ),
    # marking: P+ only; {} chooses nothing (422, the page again: one row)
    "praktijk/agenda/afspraken/<int:booking_id>/markeren/": Route(
        "/praktijk/agenda/afspraken/{booking}/markeren/",
        {"POST": (302, 403, 403, 422, 403, 403, 403, 403, 404)},
        unsupported=UNSUPPORTED,
        login=True,
        log={"POST": ONE_FOR_P_PLUS},
    ),
    # cancelling by the practice: P+ and the assistant (the page asks; the POST cancels)
    "praktijk/agenda/afspraken/<int:booking_id>/annuleren/": Route(
        "/praktijk/agenda/afspraken/{booking}/annuleren/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 200, 404),
            "POST": (302, 403, 403, 302, 403, 403, 403, 302, 404),
        },
        unsupported=UNSUPPORTED,
        login=True,
        log={"GET": ONE_FOR_P_PLUS_AND_ASSISTANT, "POST": ONE_FOR_P_PLUS_AND_ASSISTANT},
    ),
    # rescheduling by the practice: P+ and the assistant; {} chooses no time (422)
    "praktijk/agenda/afspraken/<int:booking_id>/verzetten/": Route(
        "/praktijk/agenda/afspraken/{booking}/verzetten/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 200, 404),
            "POST": (302, 403, 403, 422, 403, 403, 403, 422, 404),
        },
        unsupported=UNSUPPORTED,
        login=True,
        log={"GET": ONE_FOR_P_PLUS_AND_ASSISTANT, "POST": ONE_FOR_P_PLUS_AND_ASSISTANT},
    ),
    # booking for one of your own consenting clients (A is P+'s: her name in P+'s list)
    "praktijk/agenda/nieuw/": Route(
        "/praktijk/agenda/nieuw/",
        {"GET": PRACTITIONERS, "POST": PRACTITIONERS_422},
        unsupported=UNSUPPORTED,
        login=True,
        log={"GET": ONE_FOR_P_PLUS, "POST": ONE_FOR_P_PLUS},
    ),
    # blocking time: practitioners (their own; the owner anyone's); the assistant 403
    "praktijk/agenda/blokkeren/": Route(
        "/praktijk/agenda/blokkeren/",
        {"GET": PRACTITIONERS, "POST": PRACTITIONERS_422},
        unsupported=UNSUPPORTED,
        login=True,
    ),
    # removing P+'s block: P+ (its practitioner and the owner)
    "praktijk/agenda/blokkeren/<int:block_id>/verwijderen/": Route(
        "/praktijk/agenda/blokkeren/{block}/verwijderen/",
        {"POST": P_PLUS_CHANGES},
        unsupported=UNSUPPORTED,
        login=True,
    ),
    # --- the offer: every member reads; the owner changes the types
    "praktijk/aanbod/": Route(
        "/praktijk/aanbod/", {"GET": MEMBERS}, unsupported=UNSUPPORTED, login=True
    ),
    "praktijk/aanbod/nieuw/": Route(
        "/praktijk/aanbod/nieuw/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 403, 200),
            "POST": (302, 403, 403, 422, 403, 403, 403, 403, 422),
        },
        unsupported=OWNER_ONLY_UNSUPPORTED,
        login=True,
    ),
    "praktijk/aanbod/<int:type_id>/": Route(
        "/praktijk/aanbod/{appointment_type}/",
        {
            "GET": (302, 403, 403, 200, 403, 403, 403, 403, 404),
            "POST": (302, 403, 403, 422, 403, 403, 403, 403, 404),
        },
        unsupported=OWNER_ONLY_UNSUPPORTED,
        login=True,
    ),
    # {} says neither on nor off: back to the list with a message
    "praktijk/aanbod/<int:type_id>/actief/": Route(
        "/praktijk/aanbod/{appointment_type}/actief/",
        {"POST": P_PLUS_CHANGES},
        unsupported=OWNER_ONLY_UNSUPPORTED,
        login=True,
    ),
    # hours and exceptions: your own (the assistant reads the first practitioner's, 403 on POST)
    "praktijk/aanbod/uren/": Route(
        "/praktijk/aanbod/uren/",
        {"GET": MEMBERS, "POST": PRACTITIONERS_422},
        unsupported=UNSUPPORTED,
        login=True,
    ),
    "praktijk/aanbod/uren/<int:hours_id>/verwijderen/": Route(
        "/praktijk/aanbod/uren/{weekly_hours}/verwijderen/",
        {"POST": P_PLUS_CHANGES},
        unsupported=UNSUPPORTED,
        login=True,
    ),
    "praktijk/aanbod/uitzonderingen/": Route(
        "/praktijk/aanbod/uitzonderingen/",
        {"GET": MEMBERS, "POST": PRACTITIONERS_422},
        unsupported=UNSUPPORTED,
        login=True,
    ),
    "praktijk/aanbod/uitzonderingen/<int:exception_id>/verwijderen/": Route(
        "/praktijk/aanbod/uitzonderingen/{availability_exception}/verwijderen/",
        {"POST": P_PLUS_CHANGES},
        unsupported=UNSUPPORTED,
        login=True,
    ),
}


def ids(objects: dict[str, Any]) -> dict[str, str]:
    """One of P+'s weekly hours, and a day off of P+ far ahead (past every horizon)."""
    p_plus = objects["users"]["p_consent"]
    hours = WeeklyHours.objects.filter(practitioner=p_plus).order_by("pk").first()
    day = timezone.now().date() + timedelta(days=400)
    exception = AvailabilityException.objects.create(
        practice=objects["practice"],
        practitioner=p_plus,
        first_day=day,
        last_day=day,
        note="Matrix vrij",
    )
    return {"weekly_hours": str(hours.pk), "availability_exception": str(exception.pk)}
