"""Leads's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

`build` makes one lead in "Praktijk Matrix": client A asked the practice to contact her, signed in,
with her Pijntest attached (through the real service). Every member of the practice (P+ its owner,
P- and Px its practitioners, the assistant) reaches the practice's leads: Px too, whose access A
revoked, because what A sent to the practice is the practice's to answer. The assistant sees who
and the status, not what A wrote, her result or the notes (404). P-other's own list answers;
A's lead is a 404 for them. Clients and staff are no member (403); anonymous visitors sign in.

A's lead is her data: the list and the lead's page write one LIST or VIEW row about her for
whoever sees them, her result one PIJNTEST row. The contact form is for visitors and clients
(members and staff: 404); A's result may be sent only by A herself. The {} POSTs are rejected by
the forms (422), except the conversion (a practitioner's invitation, rolled back by the matrix).
"""

from typing import Any


def routes() -> dict[str, Any]:
    from lijfwijs.core.tests.test_authz_matrix import Route

    #                anon  A    B   P+   P-   Px staff asst P-other
    visitors = (200, 200, 200, 404, 404, 404, 404, 404, 404)
    visitors_422 = (422, 422, 422, 404, 404, 404, 404, 404, 404)
    only_a = (404, 200, 404, 404, 404, 404, 404, 404, 404)
    only_a_422 = (404, 422, 404, 404, 404, 404, 404, 404, 404)
    members = (302, 403, 403, 200, 200, 200, 403, 200, 200)
    matrix_members = (302, 403, 403, 200, 200, 200, 403, 200, 404)
    readers = (302, 403, 403, 200, 200, 200, 403, 404, 404)
    unsupported = (302, 403, 403, 405, 405, 405, 403, 405, 405)
    logged_for_members = (0, 0, 0, 1, 1, 1, 0, 1, 0)
    logged_for_readers = (0, 0, 0, 1, 1, 1, 0, 0, 0)
    return {
        "contact/vraag/": Route("/contact/vraag/", {"GET": visitors, "POST": visitors_422}),
        "contact/pijntest/<str:response_id>/": Route(
            "/contact/pijntest/{response}/", {"GET": only_a, "POST": only_a_422}
        ),
        "contact/verstuurd/": Route("/contact/verstuurd/", {"GET": (200,) * 9}),
        "praktijk/leads/": Route(
            "/praktijk/leads/",
            {"GET": members},
            unsupported=unsupported,
            login=True,
            log={"GET": logged_for_members},
        ),
        "praktijk/leads/<int:lead_id>/": Route(
            "/praktijk/leads/{leads_lead}/",
            {"GET": matrix_members},
            unsupported=unsupported,
            login=True,
            log={"GET": logged_for_members},
        ),
        # {} names no status: the lead's page again with the error (one row, as its page)
        "praktijk/leads/<int:lead_id>/status/": Route(
            "/praktijk/leads/{leads_lead}/status/",
            {"POST": (302, 403, 403, 422, 422, 422, 403, 422, 404)},
            unsupported=unsupported,
            login=True,
            log={"POST": logged_for_members},
        ),
        "praktijk/leads/<int:lead_id>/notities/": Route(
            "/praktijk/leads/{leads_lead}/notities/",
            {"POST": (302, 403, 403, 422, 422, 422, 403, 404, 404)},
            unsupported=unsupported,
            login=True,
            log={"POST": logged_for_readers},
        ),
        # a practitioner invites A (P+: she is his client already; P-: his invitation is open)
        "praktijk/leads/<int:lead_id>/uitnodigen/": Route(
            "/praktijk/leads/{leads_lead}/uitnodigen/",
            {"POST": (302, 403, 403, 302, 302, 302, 403, 404, 404)},
            unsupported=unsupported,
            login=True,
        ),
        "praktijk/leads/<int:lead_id>/uitslag/<int:message_id>/": Route(
            "/praktijk/leads/{leads_lead}/uitslag/{leads_message}/",
            {"GET": readers},
            unsupported=unsupported,
            login=True,
            log={"GET": logged_for_readers},
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    from lijfwijs.assessments.models import Response
    from lijfwijs.outreach.leads import services
    from lijfwijs.outreach.leads.models import Source

    client_a = users["client_a"]
    result = Response.objects.completed().filter(user=client_a).order_by("completed_at").first()
    message = services.receive(
        services.Contact(
            practice=practice,
            email=client_a.email,
            source=Source.CONTACT_FORM,
            name="Cliënt A",
            body="Matrixvraag",
            account=client_a,
            assessment_response=result,
            consent_version=services.CONSENT_VERSION,
        )
    )
    return {"leads_lead": str(message.lead_id), "leads_message": str(message.pk)}
