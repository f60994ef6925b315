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

from typing import Any

from django_tasks import task

from lijfwijs.core.mail import deliver_email


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
