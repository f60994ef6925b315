"""The rows of booking's emails in the authorization matrix (see matrix.py): the self-service
pages behind a booking's secret token, the confirm link, the calendar feed and its page.

The token pages are open to whoever holds the token (the links in the emails work without an
account), signed in or not: every actor gets the same answer. The matrix's requests use client
A's booking (and the visitor's held booking for the confirm link, with a valid signature; each
request is rolled back). An empty POST to cancel or reschedule confirms nothing and names no time:
422 for everyone, nothing changed. The feed answers its token alone (calendar apps send no
cookies); its page is for members who give appointments (owners and practitioners, of any
practice: each sees only their own feed), not for the assistant, clients or staff.
Nothing here reads client A's health data: no access-log rows.
"""

from typing import Any

from lijfwijs.booking import notifications
from lijfwijs.booking.models import CalendarFeed
from lijfwijs.core.tests.test_authz_matrix import Route, every

#                     anon  A    B   P+   P-   Px  staff asst P-other
FEED_PAGE_GET = (302, 403, 403, 200, 200, 200, 403, 403, 200)
FEED_PAGE_POST = (302, 403, 403, 422, 422, 422, 403, 403, 422)
FEED_PAGE_OTHER = (302, 403, 403, 405, 405, 405, 403, 405, 405)

ROUTES = {
    "afspraak/beheer/<str:token>/": Route("/afspraak/beheer/{mail_token}/", {"GET": every(200)}),
    "afspraak/beheer/<str:token>/bevestigen/<str:signature>/": Route(
        "/afspraak/beheer/{mail_held_token}/bevestigen/{mail_signature}/", {"GET": every(200)}
    ),
    "afspraak/beheer/<str:token>/annuleren/": Route(
        "/afspraak/beheer/{mail_token}/annuleren/", {"GET": every(200), "POST": every(422)}
    ),
    "afspraak/beheer/<str:token>/verzetten/": Route(
        "/afspraak/beheer/{mail_token}/verzetten/", {"GET": every(200), "POST": every(422)}
    ),
    "afspraak/beheer/<str:token>/agenda.ics": Route(
        "/afspraak/beheer/{mail_token}/agenda.ics", {"GET": every(200)}
    ),
    "agenda/<str:token>.ics": Route("/agenda/{mail_feed_token}.ics", {"GET": every(200)}),
    "praktijk/agenda/kalender/": Route(
        "/praktijk/agenda/kalender/",
        {"GET": FEED_PAGE_GET, "POST": FEED_PAGE_POST},
        unsupported=FEED_PAGE_OTHER,
        login=True,
    ),
}


def ids(objects: dict[str, Any]) -> dict[str, str]:
    """A's booking's token, the held booking's token and confirm signature, P+'s feed token."""
    held = objects["held_booking"]
    feed = CalendarFeed.objects.create(practitioner=objects["users"]["p_consent"])
    return {
        "mail_token": objects["booking"].token,
        "mail_held_token": held.token,
        "mail_signature": notifications.confirm_signature(held.token),
        "mail_feed_token": feed.token,
    }
