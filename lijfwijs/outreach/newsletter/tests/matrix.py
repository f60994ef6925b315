"""Newsletter's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

The public pages answer everyone alike: the sign-up (Praktijk Matrix, the oldest practice, is the
installation's), and the pages a token opens (a pending subscriber's confirmation link, their
preferences and unsubscribe pages): the token is the key, not who is signed in. An empty POST is
refused (422) where a form needs something. The practice's pages are for members of the practice
(P+, P-, Px and the assistant of Praktijk Matrix; P-other sees their own, and 404 for Matrix's
list and subscriber); clients and staff 403. No client's health data: no access-log rows.
"""

from typing import Any

from django.utils import timezone

from lijfwijs.core.tests.test_authz_matrix import Route, every, signed_in
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import Subscriber

CONFIRM_TOKEN = "matrix-confirm-token-0123456789abcdef"
#           anon  A    B   P+   P-   Px staff asst P-other
MEMBERS = (302, 403, 403, 200, 200, 200, 403, 200, 200)
MEMBERS_422 = (302, 403, 403, 422, 422, 422, 403, 422, 422)
MEMBERS_405 = (302, 403, 403, 405, 405, 405, 403, 405, 405)
MATRIX_MEMBERS = (302, 403, 403, 200, 200, 200, 403, 200, 404)
MATRIX_MEMBERS_422 = (302, 403, 403, 422, 422, 422, 403, 422, 404)
MATRIX_MEMBERS_302 = (302, 403, 403, 302, 302, 302, 403, 302, 404)


def routes() -> dict[str, Any]:
    return {
        "nieuwsbrief/": Route("/nieuwsbrief/", {"GET": every(200), "POST": every(422)}),
        # the API: the lists anyone may choose; a sign-up's {} has no address (422)
        "api/v1/newsletter/lists": Route("/api/v1/newsletter/lists", {"GET": every(200)}),
        "api/v1/newsletter/signups": Route(
            "/api/v1/newsletter/signups", {"POST": every(422)}, json=True
        ),
        "nieuwsbrief/controleer-je-email/": Route(
            "/nieuwsbrief/controleer-je-email/", {"GET": every(200)}
        ),
        "nieuwsbrief/bevestig/<str:token>/": Route(
            f"/nieuwsbrief/bevestig/{CONFIRM_TOKEN}/", {"GET": every(200), "POST": every(200)}
        ),
        "nieuwsbrief/voorkeuren/<str:token>/": Route(
            "/nieuwsbrief/voorkeuren/{newsletter_preferences}/",
            {"GET": every(200), "POST": every(422)},
        ),
        "nieuwsbrief/afmelden/<str:token>/": Route(
            "/nieuwsbrief/afmelden/{newsletter_unsubscribe}/",
            {"GET": every(200), "POST": every(200)},
        ),
        "account/nieuwsbrief/": Route(
            "/account/nieuwsbrief/",
            {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
            unsupported=signed_in(302, 405),
            login=True,
        ),
        "praktijk/nieuwsbrief/": Route(
            "/praktijk/nieuwsbrief/",
            {"GET": MEMBERS, "POST": MEMBERS_422},
            unsupported=MEMBERS_405,
            login=True,
        ),
        "praktijk/nieuwsbrief/lijsten/<int:list_id>/": Route(
            "/praktijk/nieuwsbrief/lijsten/{newsletter_list}/",
            {"GET": MATRIX_MEMBERS, "POST": MATRIX_MEMBERS_422},
            unsupported=MEMBERS_405,
            login=True,
        ),
        "praktijk/nieuwsbrief/lijsten/<int:list_id>/verwijderen/": Route(
            "/praktijk/nieuwsbrief/lijsten/{newsletter_list}/verwijderen/",
            {"POST": MATRIX_MEMBERS_302},
            unsupported=MEMBERS_405,
            login=True,
        ),
        "praktijk/nieuwsbrief/abonnees/": Route(
            "/praktijk/nieuwsbrief/abonnees/",
            {"GET": MEMBERS},
            unsupported=MEMBERS_405,
            login=True,
        ),
        "praktijk/nieuwsbrief/abonnees/<int:subscriber_id>/verwijderen/": Route(
            "/praktijk/nieuwsbrief/abonnees/{newsletter_subscriber}/verwijderen/",
            {"POST": MATRIX_MEMBERS_302},
            unsupported=MEMBERS_405,
            login=True,
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    """Praktijk Matrix's default lists, an empty list of its own, and a pending subscriber whose
    confirmation link is CONFIRM_TOKEN."""
    lists = services.default_lists(practice)
    empty = services.save_list(practice, name="Matrixlijst", description="")
    subscriber = Subscriber.objects.create(
        practice=practice,
        email="lezer@matrix.example",
        confirm_digest=services.digest(CONFIRM_TOKEN),
        confirm_sent_at=timezone.now(),
    )
    subscriber.lists.add(lists["general"])
    return {
        "newsletter_list": str(empty.pk),
        "newsletter_subscriber": str(subscriber.pk),
        "newsletter_preferences": subscriber.preferences_token,
        "newsletter_unsubscribe": subscriber.unsubscribe_token,
    }
