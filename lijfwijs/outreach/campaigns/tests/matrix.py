"""Campaigns's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

The editor is for writers: the owner and practitioners of a practice (P+, P-, Px of "Praktijk
Matrix"; P-other in their own practice). Its assistant, clients and staff get 403, anonymous
visitors are sent to sign in. `build` makes a draft of Praktijk Matrix without an audience (P+
wrote it): every writer of the practice reaches it, P-other gets 404. The {} POSTs pass no
validation (422); sending the draft is refused (no audience: 422); taking back the schedule of a
draft changes nothing and leads back to it (302). The preview answers any writer (200). Nothing
here shows a client's data: no access-log rows.
"""

from typing import Any

#         anon  A    B   P+   P-   Px staff asst P-other
WRITERS = (302, 403, 403, 200, 200, 200, 403, 403, 200)
WRITERS_422 = (302, 403, 403, 422, 422, 422, 403, 403, 422)
OWN_DRAFT = (302, 403, 403, 200, 200, 200, 403, 403, 404)
OWN_DRAFT_422 = (302, 403, 403, 422, 422, 422, 403, 403, 404)
OWN_DRAFT_302 = (302, 403, 403, 302, 302, 302, 403, 403, 404)
UNSUPPORTED = (302, 403, 403, 405, 405, 405, 403, 403, 405)


def routes() -> dict[str, Any]:
    from lijfwijs.core.tests.test_authz_matrix import Route

    return {
        "praktijk/campagnes/": Route(
            "/praktijk/campagnes/", {"GET": WRITERS}, unsupported=UNSUPPORTED, login=True
        ),
        "praktijk/campagnes/nieuw/": Route(
            "/praktijk/campagnes/nieuw/",
            {"GET": WRITERS, "POST": WRITERS_422},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/campagnes/voorbeeld/": Route(
            "/praktijk/campagnes/voorbeeld/",
            {"POST": WRITERS},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/campagnes/<int:campaign_id>/": Route(
            "/praktijk/campagnes/{campaign}/",
            {"GET": OWN_DRAFT, "POST": OWN_DRAFT_422},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/campagnes/<int:campaign_id>/versturen/": Route(
            "/praktijk/campagnes/{campaign}/versturen/",
            {"GET": OWN_DRAFT, "POST": OWN_DRAFT_422},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/campagnes/<int:campaign_id>/niet-inplannen/": Route(
            "/praktijk/campagnes/{campaign}/niet-inplannen/",
            {"POST": OWN_DRAFT_302},
            unsupported=UNSUPPORTED,
            login=True,
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    from lijfwijs.outreach.campaigns import services

    campaign = services.create(
        practice,
        users["p_consent"],
        services.Draft(
            subject="Matrixcampagne",
            preheader="",
            body="Hallo **iedereen**.",
            language="nl",
            audience_key="",
        ),
    )
    return {"campaign": str(campaign.pk)}
