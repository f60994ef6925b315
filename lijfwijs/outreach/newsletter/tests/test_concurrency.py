"""Sign-ups and confirmations under real parallel clients: gunicorn with 4 workers, over HTTP, on
the database this run uses (SQLite by default; PostgreSQL when DATABASE_URL is one).

- 30 sign-ups of one address at once (from 30 client addresses): every answer the same 202, no
  server error, one subscriber, and at most the per-address limit of confirmation emails queued,
  counted across the workers.
- 20 clicks on one confirmation link at once: one confirms, the others find it used.

The server is booking's (gunicorn with 4 workers on this run's test database): the tests are
transactional, so what each one makes is committed where the workers read it.
"""

import json
from collections import Counter
from urllib.parse import urlsplit

import pytest

from lijfwijs.booking.tests.test_concurrency import (  # noqa: F401 (site: the server fixture)
    Answer,
    at_once,
    call,
    site,
)
from lijfwijs.core.tests.test_many_processes import HOST

EMAIL_TASK = "lijfwijs.core.tasks.send_email_task"
ADDRESS = "tegelijk@example.org"


def confirmation_tasks() -> list[dict]:
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(task_path=EMAIL_TASK).values_list("args_kwargs", flat=True)
    return [
        args["kwargs"]
        for args in found
        if args["kwargs"]["to"] == ADDRESS
        and args["kwargs"]["template"] == "newsletter/emails/confirm"
    ]


def form_post(port: int, path: str, address: str) -> Answer:
    """A POST without a body, as the confirmation page's button sends it."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("POST", path, headers={"X-Forwarded-For": address, "Content-Length": "0"})
        response = conn.getresponse()
        return Answer(response.status, {"body": response.read().decode(errors="replace")})
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_and_clicks_on_one_link(site):  # noqa: F811
    port = site.port
    from lijfwijs.accounts.tests.helpers import make_practitioner
    from lijfwijs.outreach.newsletter import services
    from lijfwijs.outreach.newsletter.models import Subscriber

    practice = make_practitioner("eigenaar@example.org").membership.practice
    services.default_lists(practice)

    answers = at_once(
        [
            lambda n=n: call(
                port,
                "POST",
                "/api/v1/newsletter/signups",
                {"email": ADDRESS.upper() if n % 2 else ADDRESS},
                f"10.20.{n}.1",
            )
            for n in range(30)
        ]
    )
    assert Counter(a.status for a in answers) == {202: 30}, [a.body for a in answers]
    assert len({json.dumps(a.body) for a in answers}) == 1
    [subscriber] = Subscriber.objects.filter(practice=practice)
    assert subscriber.email == ADDRESS and subscriber.status == "pending"
    queued = confirmation_tasks()
    assert 1 <= len(queued) <= services.EMAILS_PER_ADDRESS

    # the link the last queued email holds is the open one; 20 clicks confirm it once
    digest = subscriber.confirm_digest
    links = [task["context"]["confirm_link"] for task in queued]
    [link] = [
        link for link in links if services.digest(link.rstrip("/").rsplit("/", 1)[1]) == digest
    ]
    path = urlsplit(link).path
    clicks = at_once([lambda n=n: form_post(port, path, f"10.30.{n}.1") for n in range(20)])
    assert Counter(a.status for a in clicks) == {200: 1, 404: 19}
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed"
