"""The booking flow's rows of the authorization matrix (see matrix.py).

What can be booked, the week of free times and the details step are open to everyone: the
matrix's type is for anyone. An empty POST of the details names no time (422 for everyone, nothing
booked). A booked page is its client's own (A's booking: 404 for anyone else); a person's bookings
need signing in. Nothing here shows client A's data to someone else: no access-log rows.
"""

from datetime import timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils import timezone

from lijfwijs.booking import services
from lijfwijs.core.tests.test_authz_matrix import Route, every, signed_in

#                anon  A    B   P+   P-   Px staff asst P-other
OWN_BOOKING = (302, 200, 404, 404, 404, 404, 404, 404, 404)

ROUTES = {
    "afspraak/": Route("/afspraak/", {"GET": every(200)}),
    "afspraak/bevestig-je-e-mail/": Route("/afspraak/bevestig-je-e-mail/", {"GET": every(200)}),
    "afspraak/mijn-afspraken/": Route(
        "/afspraak/mijn-afspraken/",
        {"GET": signed_in(302, 200)},
        unsupported=signed_in(302, 405),
        login=True,
    ),
    "afspraak/<int:type_id>/": Route("/afspraak/{appointment_type}/", {"GET": every(200)}),
    "afspraak/<int:type_id>/gegevens/": Route(
        "/afspraak/{appointment_type}/gegevens/?start={flow_start}",
        {"GET": every(200), "POST": every(422)},
    ),
    "afspraak/<str:token>/bevestigd/": Route(
        "/afspraak/{booking_token}/bevestigd/",
        {"GET": OWN_BOOKING},
        unsupported=signed_in(302, 405),
        login=True,
    ),
}


def ids(objects: dict[str, Any]) -> dict[str, str]:
    """A's booking's token, and a free time of the type a week ahead (as the week page links it)."""
    appointment_type = objects["appointment_type"]
    zone = ZoneInfo(appointment_type.practice.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=7)
    start = services.free_slots(appointment_type, day, day)[0].start
    return {
        "booking_token": objects["booking"].token,
        "flow_start": quote(start.isoformat(), safe=""),
    }
