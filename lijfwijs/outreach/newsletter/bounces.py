"""Bounces and complaints from the mail provider's webhooks, through django-anymail's tracking
signal: an address that bounced, complained or was rejected is undeliverable at every practice
and never mailed again; one the provider reports as unsubscribed is unsubscribed."""

from typing import Any

from . import services

UNDELIVERABLE = ("bounced", "complained", "rejected")


def on_tracking(sender: Any, event: Any, esp_name: str = "", **kwargs: Any) -> None:
    recipient = getattr(event, "recipient", None)
    if not recipient:
        return
    if event.event_type in UNDELIVERABLE:
        services.mark_undeliverable([recipient], reason=event.event_type)
    elif event.event_type == "unsubscribed":
        services.unsubscribe_everywhere([recipient])


def connect() -> None:
    from anymail.signals import tracking

    tracking.connect(on_tracking, dispatch_uid="newsletter.bounces")
