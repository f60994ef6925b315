"""Events's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

The public pages are the same for everyone: the list, a published event (an empty sign-up is
refused, 422), the page after signing up (no sign-up in this session: back to the event, 302),
and a sign-up's own pages behind its secret token (an empty cancel is refused, 422; the one-click
unsubscribe needs no session and no CSRF token: 200 for everyone, rolled back).

The practice's pages are for the members of "Praktijk Matrix" (P+ its owner, P- and Px its
practitioners, and the assistant: events hold no health data); clients and staff 403, anonymous
visitors to the login page; P-other (another practice) reaches its own list but Praktijk Matrix's
event is a 404 for them. Empty POSTs: the forms refuse them (422) and the buttons without a
choice say so and go back (302); a practice's cancel of a sign-up is done (302, rolled back).
Sign-ups are no one's health data: no access-log rows.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lijfwijs.core.tests.test_authz_matrix import Route, every

#            anon  A    B   P+   P-   Px staff asst P-other
MEMBERS = (302, 403, 403, 200, 200, 200, 403, 200, 200)
MEMBERS_422 = (302, 403, 403, 422, 422, 422, 403, 422, 422)
EVENT_PAGE = (302, 403, 403, 200, 200, 200, 403, 200, 404)
EVENT_422 = (302, 403, 403, 422, 422, 422, 403, 422, 404)
EVENT_302 = (302, 403, 403, 302, 302, 302, 403, 302, 404)
UNSUPPORTED = (302, 403, 403, 405, 405, 405, 403, 405, 405)

WORKSPACE = "praktijk/evenementen/<int:event_id>/"


def routes() -> dict[str, Any]:
    def member(url: str, methods: dict[str, tuple[int, ...]]) -> Route:
        return Route(url, methods, unsupported=UNSUPPORTED, login=True)

    return {
        # --- public
        "evenementen/": Route("/evenementen/", {"GET": every(200)}),
        "evenementen/<int:event_id>/": Route(
            "/evenementen/{event}/", {"GET": every(200), "POST": every(422)}
        ),
        "evenementen/<int:event_id>/aangemeld/": Route(
            "/evenementen/{event}/aangemeld/", {"GET": every(302)}
        ),
        "evenementen/aanmelding/<str:token>/": Route(
            "/evenementen/aanmelding/{event_signup_token}/",
            {"GET": every(200), "POST": every(422)},
        ),
        "evenementen/aanmelding/<str:token>/agenda.ics": Route(
            "/evenementen/aanmelding/{event_signup_token}/agenda.ics", {"GET": every(200)}
        ),
        "evenementen/aanmelding/<str:token>/geen-mail/": Route(
            "/evenementen/aanmelding/{event_signup_token}/geen-mail/",
            {"GET": every(200), "POST": every(200)},
        ),
        # --- the practice's
        "praktijk/evenementen/": member("/praktijk/evenementen/", {"GET": MEMBERS}),
        "praktijk/evenementen/nieuw/": member(
            "/praktijk/evenementen/nieuw/", {"GET": MEMBERS, "POST": MEMBERS_422}
        ),
        WORKSPACE: member("/praktijk/evenementen/{event}/", {"GET": EVENT_PAGE}),
        WORKSPACE + "bewerken/": member(
            "/praktijk/evenementen/{event}/bewerken/", {"GET": EVENT_PAGE, "POST": EVENT_422}
        ),
        WORKSPACE + "publiceren/": member(
            "/praktijk/evenementen/{event}/publiceren/", {"POST": EVENT_302}
        ),
        WORKSPACE + "afgelasten/": member(
            "/praktijk/evenementen/{event}/afgelasten/", {"GET": EVENT_PAGE, "POST": EVENT_422}
        ),
        WORKSPACE + "aanmeldingen/<int:signup_id>/afmelden/": member(
            "/praktijk/evenementen/{event}/aanmeldingen/{event_signup}/afmelden/",
            {"POST": EVENT_302},
        ),
        WORKSPACE + "aanwezigheid/": member(
            "/praktijk/evenementen/{event}/aanwezigheid/", {"POST": EVENT_302}
        ),
        WORKSPACE + "aanmeldingen.csv": member(
            "/praktijk/evenementen/{event}/aanmeldingen.csv", {"GET": EVENT_PAGE}
        ),
        # --- the API: for everyone; {} is no valid sign-up (422)
        "api/v1/events/events": Route("/api/v1/events/events", {"GET": every(200)}),
        "api/v1/events/events/<event_id>": Route(
            "/api/v1/events/events/{event}", {"GET": every(200)}
        ),
        "api/v1/events/events/<event_id>/signups": Route(
            "/api/v1/events/events/{event}/signups", {"POST": every(422)}, json=True
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    """A published masterclass of Praktijk Matrix next week with one sign-up (a place)."""
    from lijfwijs.outreach.events import services
    from lijfwijs.outreach.events.models import Event

    start = timezone.now() + timedelta(days=7)
    event = services.save_event(
        Event(
            practice=practice,
            title="Matrixmasterclass",
            online_link="https://video.example.org/matrix",
            start=start,
            end=start + timedelta(hours=1),
            capacity=5,
        )
    )
    services.publish(event, True)
    signup = services.sign_up(event, name="Deelnemer Matrix", email="deelnemer@matrix.example")
    return {
        "event": str(event.pk),
        "event_signup": str(signup.signup.pk),
        "event_signup_token": signup.signup.token,
    }
