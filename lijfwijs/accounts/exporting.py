"""Export of everything stored about a person, gathered from every app that stores any.

An app contributes by naming a function in its AppConfig: `export_user_data = "module.func"`,
taking the user and returning JSON-ready data; accounts needs no import of the feature apps.
The format is documented in docs/export.md.
"""

from typing import Any

from django.utils import timezone

from lijfwijs.core import hooks

from .models import AccessLog, Consent, Invitation, PractitionerAccess, User

FORMAT_VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def account_data(user: User) -> dict[str, Any]:
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "language": user.language,
            "joined_at": _iso(user.date_joined),
            "email_verified_at": _iso(user.email_verified_at),
        },
        "consents": [
            {
                "kind": c.kind,
                "version": c.version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in Consent.objects.filter(user=user)
        ],
        "membership": _membership(user),
        "practitioner_access": [
            {
                "practitioner": a.practitioner.email,
                "status": a.status,
                "share_notes": a.share_notes,
                "origin": a.origin,
                "consent_version": a.consent_version,
                "granted_at": _iso(a.granted_at),
                "revoked_at": _iso(a.revoked_at),
            }
            for a in PractitionerAccess.objects.filter(client=user).select_related("practitioner")
        ],
        "invitations": [
            {
                "practitioner": i.practitioner.email,
                "status": i.status,
                "created_at": _iso(i.created_at),
            }
            for i in Invitation.objects.to_address(user.email).select_related("practitioner")
        ],
        "access_log": [
            {
                "at": _iso(r.at),
                "actor": r.actor_email,
                "actor_name": r.actor_name,
                "role": r.actor_role,
                "on_behalf_of": r.on_behalf_of,
                "kind": r.kind,
                "action": r.action,
            }
            for r in AccessLog.objects.about(user.pk)
        ],
    }


def _membership(user: User) -> dict[str, Any] | None:
    """The person's place in a practice, if they work in one."""
    membership = user.membership
    if membership is None:
        return None
    return {
        "practice": membership.practice.name,
        "role": membership.role,
        "since": _iso(membership.created_at),
        "silence_days": membership.silence_days,
        "alert_digest": membership.alert_digest,
        "may_write_articles": membership.may_write_articles,
    }


def export_user(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "lijfwijs-export",
        "version": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
    }
    data["account"] = account_data(user)
    for config, export in hooks.named("export_user_data"):
        data[config.label] = export(user)
    return data
