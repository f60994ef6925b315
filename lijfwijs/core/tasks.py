"""Background tasks of the core app: sending email.

Request code does not enqueue these directly: it calls `lijfwijs.core.mail.send_email`, which
checks the templates and context and enqueues `send_email_task` when the transaction commits.
The worker (`manage.py db_worker`, or `manage.py rqworker` with Redis; see docs/tasks.md) then
renders the email in the recipient's language and sends it.

Tasks are stored by their import path: renaming or moving one orphans the tasks already queued,
so keep the old name importable until the queue has drained.

Idempotence: rendering and sending change nothing in the database, so running the task again is
harmless except that the person gets the email again. Neither backend retries a failed task by
itself; a failed send is recorded as a FAILED result with its traceback (the database backend
shows it in the admin) and is not repeated behind anyone's back.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.db import router, transaction
from django_tasks import task

from lijfwijs.core.mail import deliver_email

logger = logging.getLogger(__name__)


@task
def send_email_task(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    attachments: list[dict[str, str]] | None = None,
) -> None:
    """Render `template` in `language` and send it to `to` (see `mail.send_email`), with the
    text attachments given, if any."""
    deliver_email(to, template, context, language, attachments)


def enqueue_following(
    task: Any,
    model: Any,
    enqueue: Callable[[], object],
    *,
    label: str,
    on_error: Callable[[], None] | None = None,
) -> None:
    """Queue `task` (by calling `enqueue`) for a row of `model` written in this transaction.

    With the database task backend on the same database, the task row is written in the current
    transaction: the row and its task commit together, or neither does. Other backends (RQ) are
    not part of the transaction, so the job is queued once the row has committed; when the process
    dies in between or the queue refuses, the caller's requeue finds the row and queues it again
    (`on_error` lets it count the refusal).
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(
        DBTaskResult
    ) == router.db_for_write(model):
        enqueue()
        return

    def enqueue_after_commit() -> None:
        try:
            enqueue()
        except Exception:
            logger.exception("Could not queue %s; it is queued again later", label)
            if on_error is not None:
                on_error()

    transaction.on_commit(enqueue_after_commit)
