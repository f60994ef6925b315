"""The booking API's routes in the authorization matrix (see matrix.py).

What a practice offers and its free times are for everyone. A booking is reached by its token:
client A's booking only by A (everyone else, holding the token or not, gets 404, as for a token
that does not exist). Writes with `{}` fail validation (422) where the caller may write at all.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lijfwijs.core.tests.test_authz_matrix import Route, every

#                 anon   A    B   P+   P-   Px  staff
ONLY_CLIENT_A = (404, 200, 404, 404, 404, 404, 404)

ROUTES = {
    "api/v1/booking/appointment-types": Route(
        "/api/v1/booking/appointment-types", {"GET": every(200)}
    ),
    "api/v1/booking/appointment-types/<type_id>/slots": Route(
        "/api/v1/booking/appointment-types/{appointment_type}/slots"
        "?from={booking_api_from}&to={booking_api_to}",
        {"GET": every(200)},
    ),
    "api/v1/booking/bookings": Route("/api/v1/booking/bookings", {"POST": every(422)}, json=True),
    "api/v1/booking/bookings/<token>": Route(
        "/api/v1/booking/bookings/{booking_token}", {"GET": ONLY_CLIENT_A}
    ),
    # A may cancel (3 days ahead, within the limit); the matrix rolls it back
    "api/v1/booking/bookings/<token>/cancel": Route(
        "/api/v1/booking/bookings/{booking_token}/cancel", {"POST": ONLY_CLIENT_A}
    ),
    "api/v1/booking/bookings/<token>/reschedule": Route(
        "/api/v1/booking/bookings/{booking_token}/reschedule",
        {"POST": (404, 422, 404, 404, 404, 404, 404)},
        json=True,
    ),
}


def ids(objects: dict[str, Any]) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "booking_token": objects["booking"].token,
        "booking_api_from": today.isoformat(),
        "booking_api_to": (today + timedelta(days=13)).isoformat(),
    }
