"""A practice's details, logo and members: the rules the owner's pages call.

A person works in one practice at most, and a practice always keeps an owner. New members get an
account without a password and an email with a link to choose one (Django's password-reset token).
"""

import secrets
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image, UnidentifiedImageError

from lijfwijs.accounts.models import Membership, Practice, User
from lijfwijs.accounts.services import link
from lijfwijs.core.mail import send_email
from lijfwijs.core.ratelimit import hit

# What a member's role in the practice makes of their account.
ACCOUNT_ROLE = {
    Membership.Role.OWNER: User.Role.PRACTITIONER,
    Membership.Role.PRACTITIONER: User.Role.PRACTITIONER,
    Membership.Role.ASSISTANT: User.Role.ASSISTANT,
}

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels; checked before the image is decoded (no decompression bombs)
# Pillow's name of a format -> (file extension, content type). Never SVG: it can hold scripts.
LOGO_FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
LOGO_CONTENT_TYPES = {ext: content_type for ext, content_type in LOGO_FORMATS.values()}
LOGO_FOLDER = "practice-logos"


class MemberError(Exception):
    """A change the rules refuse; `field` is the form field the message belongs next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- members ---------------------------------------------------------------------------------


def owners_left(practice_id: int, without: int | None = None) -> int:
    """How many owners the practice has (leaving out membership `without`)."""
    owners = Membership.objects.filter(practice_id=practice_id, role=Membership.Role.OWNER)
    if without is not None:
        owners = owners.exclude(pk=without)
    return owners.count()


def _lock(practice_id: int) -> None:
    """Serialise changes to one practice's members (two owners demoting each other at once)."""
    Practice.objects.select_for_update().filter(pk=practice_id).exists()


def add_member(
    practice: Practice, *, email: str, role: str, display_name: str, by: User
) -> Membership:
    """Make the person with this email a member (practitioner or assistant) of the practice.

    Without an account one is made, without a usable password, and an email invites them to
    choose one. Refused (MemberError on "email"): a client's account, staff, or someone who
    already works in a practice (this one or another).
    """
    if role not in (Membership.Role.PRACTITIONER, Membership.Role.ASSISTANT):
        raise MemberError(_("Kies behandelaar of assistent."), "role")
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().with_email(email).first()
            made = user is None
            if user is None:
                user = User.objects.create_user(
                    email,
                    None,  # no usable password until they choose one through the link
                    role=ACCOUNT_ROLE[role],
                    display_name=display_name.strip(),
                )
            else:
                _check_may_join(user, practice)
                user.role = ACCOUNT_ROLE[role]
                fields = ["role"]
                if display_name.strip() and not user.display_name:
                    user.display_name = display_name.strip()
                    fields.append("display_name")
                user.save(update_fields=fields)
            membership = Membership.objects.create(practice=practice, user=user, role=role)
            user.__dict__.pop("_membership_cache", None)
            if made or not user.has_usable_password():
                send_invitation(membership, by)
            else:
                send_added(membership, by)
    except IntegrityError:
        # The same address added at the same moment (the account or the membership exists now).
        raise MemberError(_("Dit e-mailadres is net al toegevoegd."), "email") from None
    return membership


def _check_may_join(user: User, practice: Practice) -> None:
    """Refuse an account that cannot join. Which kind of account it is (a client's, staff's,
    another practice's member) is not told: whether someone is a client of Lijfwijs is health
    information about them, and another practice's staff is that practice's business."""
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.practice_id == practice.pk:
        raise MemberError(_("Deze persoon is al lid van jullie praktijk."), "email")
    if (
        membership is not None
        or user.is_client
        or user.is_staff
        or user.is_superuser
        or user.role not in (User.Role.PRACTITIONER, User.Role.ASSISTANT)
    ):
        raise MemberError(
            _(
                "Dit e-mailadres kan geen lid van jullie praktijk worden: het hoort al bij een "
                "ander account in Lijfwijs. Iemand werkt in één praktijk tegelijk, en een "
                "cliëntaccount kan geen lid worden. Gebruik een ander e-mailadres voor het werk."
            ),
            "email",
        )


def change_member(membership: Membership, *, role: str, may_write_articles: bool) -> Membership:
    """Change a member's role and whether they may write articles. The last owner stays owner."""
    if role not in Membership.Role.values:
        raise MemberError(_("Kies een rol."), "role")
    with transaction.atomic():
        _lock(membership.practice_id)
        membership = Membership.objects.select_related("user").get(pk=membership.pk)
        if (
            membership.is_owner
            and role != Membership.Role.OWNER
            and not owners_left(membership.practice_id, without=membership.pk)
        ):
            raise MemberError(
                _(
                    "Een praktijk heeft altijd een eigenaar. Maak eerst iemand anders eigenaar "
                    "voordat je deze rol verandert."
                ),
                "role",
            )
        membership.role = role
        membership.may_write_articles = may_write_articles
        membership.save(update_fields=["role", "may_write_articles"])
        user = membership.user
        if user.role != ACCOUNT_ROLE[role]:
            user.role = ACCOUNT_ROLE[role]
            user.save(update_fields=["role"])
    return membership


def remove_member(membership: Membership) -> None:
    """End a membership. The account stays (with the access clients gave that person, which is
    theirs to withdraw); the last owner cannot be removed."""
    with transaction.atomic():
        _lock(membership.practice_id)
        current = Membership.objects.filter(pk=membership.pk).first()
        if current is None:
            return  # removed already (a second click)
        if is_last_owner(current):
            raise MemberError(
                _(
                    "Een praktijk heeft altijd een eigenaar. Maak eerst iemand anders eigenaar "
                    "voordat je deze persoon verwijdert."
                )
            )
        current.delete()


def awaits_password(user: User) -> bool:
    """Added as a member and not yet chosen a password (the invitation is still open)."""
    return not user.has_usable_password()


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return link("accounts:password_reset_confirm", user.language, uidb64=uid, token=token)


def _role_label(role: str, language: str) -> str:
    """The role's name in the recipient's language (the email is rendered later, by the worker)."""
    with override(language):
        return str(Membership.Role(role).label)


def send_invitation(membership: Membership, by: User) -> None:
    """The email to a new member: who added them to which practice, and a link to choose a
    password (valid for PASSWORD_RESET_TIMEOUT; the owner can send a new one)."""
    user = membership.user
    send_email(
        user.email,
        "practice/emails/member_invitation",
        {
            "name": str(user),
            "account": user.pk,  # found again by it when the account is deleted
            "by": str(by),
            "practice": membership.practice.name,
            "role": _role_label(membership.role, user.language),
            "link": set_password_link(user),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "login_link": link("accounts:login", user.language),
        },
        user.language,
    )


def send_added(membership: Membership, by: User) -> None:
    """The email to someone with an account (and a password) who was added to a practice."""
    user = membership.user
    send_email(
        user.email,
        "practice/emails/member_added",
        {
            "name": str(user),
            "account": user.pk,
            "by": str(by),
            "practice": membership.practice.name,
            "role": _role_label(membership.role, user.language),
            "login_link": link("accounts:login", user.language),
        },
        user.language,
    )


class Resent(StrEnum):
    SENT = "sent"
    SIGNS_IN = "signs_in"  # a password was chosen: nothing to send
    LIMIT = "limit"  # too many for this address in a short time


def resend_invitation(membership: Membership, by: User) -> Resent:
    """A new link for a member who has not chosen a password yet, a few per address an hour (the
    limit of the account emails), so a click held down sends no stream of emails."""
    user = membership.user
    if not awaits_password(user):
        return Resent.SIGNS_IN
    if not hit(
        "practice-member-invitation",
        str(user.pk),
        settings.ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT,
        settings.ACCOUNT_EMAIL_WINDOW,
    ):
        return Resent.LIMIT
    send_invitation(membership, by)
    return Resent.SENT


def is_last_owner(membership: Membership) -> bool:
    return membership.is_owner and not owners_left(membership.practice_id, without=membership.pk)


# --- details and logo ------------------------------------------------------------------------


def logo_storage() -> Storage:
    """Where logos are kept: the default storage, under MEDIA_ROOT (var/media unless set)."""
    return default_storage


@dataclass(frozen=True)
class Logo:
    """A checked logo: the image decoded and written again in its own format."""

    data: bytes
    extension: str
    content_type: str


def check_logo(upload: Any) -> Logo:
    """A PNG, JPEG or WebP image of at most 1 MB, opened with Pillow; or ValueError with the
    message for the person. Written again by Pillow, so what is kept is pixels only: no
    metadata (a photo's location) and nothing else hidden in the file."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValueError(_("Het logo mag hoogstens 1 MB zijn."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = LOGO_FORMATS.get(image.format or "")
            if kind is None:
                raise ValueError(_("Kies een PNG-, JPEG- of WebP-afbeelding."))
            if max(image.size) > LOGO_MAX_SIDE:
                raise ValueError(_("Het logo mag hoogstens 4000 pixels breed en hoog zijn."))
            image.load()
            out = BytesIO()
            options = {"quality": 90} if image.format in ("JPEG", "WEBP") else {}
            image.save(out, format=image.format, **options)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValueError(_("Dit bestand is geen afbeelding die we kunnen openen.")) from None
    return Logo(out.getvalue(), *kind)


def save_logo(practice: Practice, logo: Logo | None) -> None:
    """Keep `logo` as the practice's logo (None: no logo), removing the one before."""
    storage = logo_storage()
    old = practice.logo.name
    if logo is not None:
        name = f"{LOGO_FOLDER}/{practice.pk}-{secrets.token_hex(8)}.{logo.extension}"
        practice.logo = storage.save(name, ContentFile(logo.data))
    else:
        practice.logo = ""
    practice.save(update_fields=["logo", "updated_at"])
    if old and old != practice.logo.name:
        transaction.on_commit(lambda: storage.delete(old))


def logo_file(practice: Practice) -> tuple[Any, str] | None:
    """The practice's logo as (open file, content type), or None when it has none."""
    name = practice.logo.name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name.startswith(f"{LOGO_FOLDER}/") or extension not in LOGO_CONTENT_TYPES:
        return None
    storage = logo_storage()
    if not storage.exists(name):
        return None
    return storage.open(name, "rb"), LOGO_CONTENT_TYPES[extension]


# --- the assistant's start page ------------------------------------------------------------


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    """For an assistant: what they do in Lijfwijs (the practice's page, its members)."""
    membership = request.user.membership
    if membership is None:
        return None
    return "practice/settings_panel.html", {"practice": membership.practice}
