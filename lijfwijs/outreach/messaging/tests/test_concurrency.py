"""Messages under real parallel clients: gunicorn with 4 workers, over HTTP, through the pages,
on the database this run uses (SQLite by default; PostgreSQL when DATABASE_URL is one).

A client and her practitioner, each signed in (he with the second factor), write their first
messages to each other at the same moment, six each: every message is stored, in one
conversation (the unique pair decides), and each of them gets exactly one email notice (the
conditional claim of the notice decides). After both have read, the next round mails each once
again. The tests are transactional: what they make is committed where the workers read it.
"""

import re
import time
from collections import Counter

import pytest

from lijfwijs.booking.tests.test_concurrency import at_once, site  # noqa: F401 (site: the server)
from lijfwijs.core.tests.test_many_processes import Browser, people

EACH = 6  # messages each side sends at once
ROUNDS = 3
NOTICE = "messaging/emails/new_message"


def notices() -> Counter:
    """The queued notice emails, per address."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path="lijfwijs.core.tasks.send_email_task", args_kwargs__kwargs__template=NOTICE
    ).values_list("args_kwargs", flat=True)
    return Counter(row["kwargs"]["to"] for row in rows)


@pytest.mark.django_db(transaction=True)
def test_both_sides_writing_at_once_make_one_conversation_and_one_notice_each(site):  # noqa: F811
    from lijfwijs.accounts.services import grant_access
    from lijfwijs.accounts.tests.helpers import code_for, confirmed_device
    from lijfwijs.outreach.messaging.models import Conversation, Message

    made = people("pieter", "anna")
    anna, pieter = made["anna"], made["pieter"]
    grant_access(anna, pieter)
    device = confirmed_device(pieter)
    client, practitioner = Browser(site.port), Browser(site.port)
    client.sign_in(anna.email)
    practitioner.sign_in(pieter.email, code=lambda: code_for(device))
    first = f"/berichten/nieuw/{pieter.pk}/"
    theirs = f"/praktijk/clienten/{anna.pk}/berichten/"

    for round_ in range(ROUNDS):
        began = time.monotonic()
        answers = at_once(
            [
                *(
                    lambda n=n, r=round_: client.post(first, {"message-text": f"Anna {r}.{n}"})
                    for n in range(EACH)
                ),
                *(
                    lambda n=n, r=round_: practitioner.post(
                        theirs, {"message-text": f"Pieter {r}.{n}"}
                    )
                    for n in range(EACH)
                ),
            ]
        )
        assert Counter(a.status for a in answers) == {302: 2 * EACH}, (
            site.database,
            round_,
            [(a.status, a.body[:200]) for a in answers if a.status != 302],
        )
        assert time.monotonic() - began < 60
        assert Conversation.objects.count() == 1, (site.database, round_)
        assert Message.objects.count() == 2 * EACH * (round_ + 1)
        assert notices() == {anna.email: round_ + 1, pieter.email: round_ + 1}, (
            site.database,
            round_,
        )
        # both read: the next round's messages mail each of them once more
        conversation = Conversation.objects.get()
        page = client.get(f"/berichten/{conversation.pk}/")
        assert page.status == 200 and re.search(rb"Pieter \d\.\d", page.body)
        assert practitioner.get(theirs).status == 200
    assert not Message.objects.filter(read_at__isnull=True).exists()
    assert "Traceback" not in site.error_log.read_text()
