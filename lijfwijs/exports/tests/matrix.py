"""Exports's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py).

The downloads page is every signed-in person's own (an empty POST names nothing: 422). A made
file is only for who asked it: client A's diary CSV is a 404 for everyone else. A practitioner's
downloads page of client A is for P+ only (P- and P× 404, clients and staff 403); it shows no
health data (the list of what P+ asked for), so no access-log row; an empty POST asks for
nothing (422) and logs nothing.
"""

from typing import Any

from lijfwijs.core.tests.test_authz_matrix import CLIENTS_403, Route, signed_in

#                anon  A    B   P+   P-   Px staff asst P-other
OWN_FILE = (302, 200, 404, 404, 404, 404, 404, 404, 404)


def routes() -> dict[str, Any]:
    return {
        "account/downloads/": Route(
            "/account/downloads/",
            {"GET": signed_in(302, 200), "POST": signed_in(302, 422)},
            unsupported=signed_in(302, 405),
            login=True,
        ),
        "account/downloads/<uuid:job_id>/": Route(
            "/account/downloads/{export_job}/",
            {"GET": OWN_FILE},
            unsupported=signed_in(302, 405),
            login=True,
        ),
        "praktijk/clienten/<int:client_id>/downloads/": Route(
            "/praktijk/clienten/{client_a}/downloads/",
            {
                "GET": (302, 403, 403, 200, 404, 404, 403),
                "POST": (302, 403, 403, 422, 404, 404, 403),
            },
            unsupported=CLIENTS_403,
            login=True,
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    """Client A's own diary CSV, made (small: at once) through the real service."""
    from lijfwijs.exports import services

    a = users["client_a"]
    job = services.request_export(a, a, services.Kind.DIARY_CSV)
    assert job.status == "ready", job.status
    return {"export_job": str(job.pk)}
