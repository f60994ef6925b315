"""A person's newsletter subscriptions: in their data export (matched by their account's
address), and deleted with their account (the `erase_user_data` hook of accounts'
delete_account, since the subscriptions are kept by address, not by account)."""

from typing import Any

from . import services


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "subscriptions": [
            {
                "practice": s.practice.name,
                "email": s.email,
                "name": s.name,
                "language": s.language,
                "status": s.status,
                "lists": [nl.name for nl in s.lists.all()],
                "consent_text": s.consent_text,
                "consent_version": s.consent_version,
                "consent_source": s.consent_source,
                "consent_at": _iso(s.consent_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
                "undeliverable_at": _iso(s.undeliverable_at),
                "created_at": _iso(s.created_at),
            }
            for s in services.subscriptions_of_address(user.email)
        ]
    }


def erase_user_data(user: Any) -> None:
    """The account is being deleted: its address's subscriptions go, and every app forgets it."""
    if user.email:
        services.forget_address(user.email)
