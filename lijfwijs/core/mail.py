"""Emails: render one message from three templates in the recipient's language, send it in the background.

A message `<name>` is three templates in any app's `templates/` folder:

    <name>_subject.txt   one line (whitespace and newlines are collapsed)
    <name>.txt           the plain-text body
    <name>.html          the HTML body; extend "emails/base.html" for the shared layout

for example `accounts/emails/verify_email_subject.txt`, `.txt` and `.html`, sent with
`send_email(user.email, "accounts/emails/verify_email", {"link": link}, user.language)`.

The subject and text are rendered without HTML escaping (they are not HTML); the HTML body is
escaped as usual. Every template also receives `SITE_NAME` and `SITE_URL` (for absolute links).
See docs/tasks.md for the worker.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_language(language: str | None) -> str:
    """A language the site speaks (`"en-us"` → `"en"`); the default language when unknown or empty."""
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _template_names(template: str) -> tuple[str, str, str]:
    return f"{template}_subject.txt", f"{template}.txt", f"{template}.html"


def _render_plain(name: str, context: dict[str, Any]) -> str:
    # Subject and text are not HTML: "&" must stay "&", not become "&amp;".
    return get_template(name).template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` in `language`."""
    subject_name, text_name, html_name = _template_names(template)
    full_context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(email_language(language)):
        subject = " ".join(_render_plain(subject_name, full_context).split())
        text = _render_plain(text_name, full_context).strip() + "\n"
        html = get_template(html_name).render(full_context)
    return RenderedEmail(subject=subject, text=text, html=html)


def text_attachment(filename: str, content: str, mimetype: str) -> SafeMIMEText:
    """A text attachment whose content type may carry parameters, as a calendar file needs
    (`text/calendar; method=REQUEST`), which `EmailMessage.attach` cannot express."""
    kind, *params = (part.strip() for part in mimetype.split(";"))
    basetype, subtype = kind.split("/", 1)
    if basetype != "text":
        raise ValueError(f"not a text attachment: {mimetype}")
    part = SafeMIMEText(content, subtype, "utf-8")
    for param in params:
        name, _sep, value = param.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def deliver_email(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    attachments: list[dict[str, str]] | None = None,
) -> None:
    """Render and send one email now, from DEFAULT_FROM_EMAIL. Runs in the worker; call
    `send_email` from request code instead. `attachments`: text files, each
    `{"filename", "content", "mimetype"}` (see `text_attachment`)."""
    rendered = render_email(template, context, language)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in attachments or ():
        message.attach(
            text_attachment(attachment["filename"], attachment["content"], attachment["mimetype"])
        )
    message.send()


def send_email(
    to: str,
    template: str,
    context: dict[str, Any],
    language: str,
    attachments: list[dict[str, str]] | None = None,
) -> None:
    """Send an email in the background once the current transaction commits.

    `context` holds only JSON values (strings, numbers, ids, lists, dicts): it is stored with the
    task and the worker renders the templates in `language`. Nothing is enqueued when the
    transaction rolls back; outside a transaction the task is enqueued at once.

    `attachments` (optional): text files to attach, each `{"filename", "content", "mimetype"}`
    with the content as a string (a calendar file: mimetype `text/calendar; method=REQUEST`).

    Raises at the call (so inside the caller's transaction, which then rolls back) when a template
    is missing or the context is not JSON.
    """
    for name in _template_names(template):
        get_template(name)
    extra: dict[str, Any] = {}
    if attachments:
        for attachment in attachments:
            text_attachment(attachment["filename"], attachment["content"], attachment["mimetype"])
        extra["attachments"] = json.loads(json.dumps(attachments))
    # A JSON copy: fails now rather than in the worker, behaves the same with every backend
    # (RQ would pickle what the database backend refuses), and later changes to the caller's
    # dict do not reach the email.
    payload = json.loads(json.dumps(context))
    language = email_language(language)

    # Imported here: tasks imports this module.
    from lijfwijs.core.tasks import send_email_task

    def enqueue() -> None:
        try:
            send_email_task.enqueue(
                to=to, template=template, context=payload, language=language, **extra
            )
        except Exception:
            # The change this email follows has committed; failing the response would not undo
            # it. Log loudly (without the address) instead.
            logger.exception("Could not enqueue email %s", template)

    transaction.on_commit(enqueue)
