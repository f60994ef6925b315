"""Messaging's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

`build` gives client A a conversation with P+ (who has A's consent: a message each way, through
the services) and one with P-revoked from before A revoked that access (made directly: it can no
longer be written). A's pages read both; P+ reads theirs (one access-log row per look or list),
anyone else gets 404 for it, and the pages of the other side's role are 403.
"""

from typing import Any

from lijfwijs.core.tests.test_authz_matrix import Route

#                   anon   A    B   P+   P-   Px  staff   (assistant as staff, P-other as P-)
CLIENT_PAGE = (302, 200, 200, 403, 403, 403, 403)
CLIENT_UNSUPPORTED = (302, 405, 405, 403, 403, 403, 403)
PRACTITIONER_UNSUPPORTED = (302, 403, 403, 405, 405, 405, 403)
LOGGED_FOR_P_PLUS = (0, 0, 0, 1, 0, 0, 0)
API_ONLY_A_AND_P_PLUS = (401, 200, 404, 200, 404, 404, 403)


def routes() -> dict[str, Any]:
    return {
        "berichten/": Route(
            "/berichten/", {"GET": CLIENT_PAGE}, unsupported=CLIENT_UNSUPPORTED, login=True
        ),
        # A's conversation with P+: A reads and writes ({} is an empty message: 422)
        "berichten/<int:conversation_id>/": Route(
            "/berichten/{messaging_conversation}/",
            {
                "GET": (302, 200, 404, 403, 403, 403, 403),
                "POST": (302, 422, 404, 403, 403, 403, 403),
            },
            unsupported=CLIENT_UNSUPPORTED,
            login=True,
        ),
        # writing P+ for the first time: A has a conversation already (GET leads to it)
        "berichten/nieuw/<int:practitioner_id>/": Route(
            "/berichten/nieuw/{messaging_practitioner}/",
            {
                "GET": (302, 302, 404, 403, 403, 403, 403),
                "POST": (302, 422, 404, 403, 403, 403, 403),
            },
            unsupported=CLIENT_UNSUPPORTED,
            login=True,
        ),
        "praktijk/berichten/": Route(
            "/praktijk/berichten/",
            {"GET": (302, 403, 403, 200, 200, 200, 403)},
            unsupported=PRACTITIONER_UNSUPPORTED,
            login=True,
            log={"GET": LOGGED_FOR_P_PLUS},
        ),
        "praktijk/clienten/<int:client_id>/berichten/": Route(
            "/praktijk/clienten/{client_a}/berichten/",
            {
                "GET": (302, 403, 403, 200, 404, 404, 403),
                "POST": (302, 403, 403, 422, 404, 404, 403),
            },
            unsupported=PRACTITIONER_UNSUPPORTED,
            login=True,
            log={"GET": LOGGED_FOR_P_PLUS, "POST": LOGGED_FOR_P_PLUS},
        ),
        "api/v1/messages/conversations": Route(
            "/api/v1/messages/conversations",
            {
                "GET": (401, 200, 200, 200, 200, 200, 403),
                "POST": (401, 422, 422, 422, 422, 422, 403),
            },
            json=True,
            log={"GET": LOGGED_FOR_P_PLUS},
        ),
        "api/v1/messages/conversations/<conversation_id>": Route(
            "/api/v1/messages/conversations/{messaging_conversation}",
            {"GET": API_ONLY_A_AND_P_PLUS},
            log={"GET": LOGGED_FOR_P_PLUS},
        ),
        "api/v1/messages/conversations/<conversation_id>/messages": Route(
            "/api/v1/messages/conversations/{messaging_conversation}/messages",
            {"POST": (401, 422, 404, 422, 404, 404, 403)},
            json=True,
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    from lijfwijs.outreach.messaging import services
    from lijfwijs.outreach.messaging.models import Conversation

    a, p_plus = users["client_a"], users["p_consent"]
    first = services.send(a, client=a, practitioner=p_plus, text="Matrixvraag aan P+")
    services.send(p_plus, client=a, practitioner=p_plus, text="Matrixantwoord van P+")
    closed = Conversation.objects.create(
        client=a, practitioner=users["p_revoked"], practitioner_name=str(users["p_revoked"])
    )
    return {
        "messaging_conversation": str(first.conversation_id),
        "messaging_closed_conversation": str(closed.pk),
        "messaging_practitioner": str(p_plus.pk),
    }
