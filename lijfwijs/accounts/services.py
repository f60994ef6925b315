"""Account rules: registration, verification, email change, consent, access, export, deletion."""

from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from lijfwijs.core import hooks, statements
from lijfwijs.core.mail import email_language, send_email
from lijfwijs.core.ratelimit import hit

from .access import clients_of
from .localtime import zone_of
from .models import (
    AccessLog,
    Consent,
    ConsentText,
    Invitation,
    Membership,
    Practice,
    PractitionerAccess,
    User,
    invitation_expiry,
)

VERIFY_SALT = "lijfwijs.accounts.verify-email"
CHANGE_SALT = "lijfwijs.accounts.change-email"
LINK_MAX_AGE = 60 * 60 * 24 * 3  # three days


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def link(name: str, language: str, **kwargs: Any) -> str:
    """An absolute link for an email, in the recipient's language."""
    with override(language):
        return absolute(reverse(name, kwargs=kwargs))


def register(
    *, email: str, password: str, display_name: str, language: str, consent_version: str
) -> User | None:
    """A new account, with its consent and the verification email; or, when the address already
    has an account, None and an email telling its owner. The caller answers both the same way."""
    existing = User.objects.with_email(email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, display_name=display_name, language=language
                )
                Consent.objects.create(
                    user=user, kind=ConsentText.Kind.HEALTH_DATA, version=consent_version
                )
                send_verification(user)
                return user
        except IntegrityError:  # registered at the same moment by another request
            existing = User.objects.with_email(email).get()
    # As much work as a new account (the password hash), so the time taken does not tell either.
    make_password(password)
    send_email(
        existing.email,
        "accounts/emails/account_exists",
        {
            "name": str(existing),
            "account": existing.pk,  # found again by it when the account is deleted
            "login_link": link("accounts:login", existing.language),
            "reset_link": link("accounts:password_reset", existing.language),
        },
        existing.language,
    )
    return None


def send_verification(user: User) -> None:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    send_email(
        user.email,
        "accounts/emails/verify_email",
        {
            "name": str(user),
            "account": user.pk,  # found again by it when the account is deleted
            "link": link("accounts:verify_email", user.language, token=token),
        },
        user.language,
    )


def verify_email(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def request_email_change(user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is followed."""
    token = signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=CHANGE_SALT)
    send_email(
        new_email,
        "accounts/emails/confirm_email_change",
        {
            "name": str(user),
            "account": user.pk,  # sent to an address not yet the account's: found by the id
            "link": link("accounts:confirm_email_change", user.language, token=token),
        },
        user.language,
    )
    send_email(
        user.email,
        "accounts/emails/email_change_requested",
        {"name": str(user), "account": user.pk, "new_email": new_email},
        user.language,
    )


def confirm_email_change(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=CHANGE_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("old")).first()
    if user is None or User.objects.with_email(data["new"]).exists():
        return None
    user.email = data["new"]
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    return user


def grant_access(
    client: User, practitioner: User, origin: str = PractitionerAccess.Origin.CLIENT_GRANT
) -> PractitionerAccess:
    """The client's own act; a second grant while one is active changes nothing."""
    version = ConsentText.current(ConsentText.Kind.PRACTITIONER_ACCESS).version
    try:
        with transaction.atomic():
            return PractitionerAccess.objects.create(
                client=client, practitioner=practitioner, origin=origin, consent_version=version
            )
    except IntegrityError:
        return PractitionerAccess.objects.active().get(client=client, practitioner=practitioner)


def revoke_access(client: User, access_id: int) -> bool:
    """Withdrawal: from the next request on the practitioner sees nothing."""
    return bool(
        PractitionerAccess.objects.active()
        .filter(pk=access_id, client=client)
        .update(status=PractitionerAccess.Status.REVOKED, revoked_at=timezone.now())
    )


def join_practice(user: User, practice: Practice, role: str) -> Membership:
    """Make the person a member of the practice (a person works in one practice at most)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"practice": practice, "role": role}
    )
    user.__dict__.pop("_membership_cache", None)
    return membership


class InvitationOutcome(StrEnum):
    """What sending, resending or withdrawing an invitation came to (the page says it in words)."""

    SENT = "sent"
    RESENT = "resent"  # sent again, open for another 14 days
    ALREADY_OPEN = "already_open"  # an open invitation to the address exists: nothing sent
    ALREADY_CLIENT = "already_client"  # the person grants the practitioner access already
    JUST_SENT = "just_sent"  # sent less than RESEND_GAP ago (a second click): nothing sent
    LIMIT = "limit"  # RESENDS_PER_DAY reached for this invitation today
    CLOSED = "closed"  # accepted, declined or withdrawn: it cannot be sent or withdrawn again
    WITHDRAWN = "withdrawn"


RESEND_GAP = timedelta(minutes=1)
RESENDS_PER_DAY = 3
DAY = 24 * 60 * 60


def invitations_of(user: Any) -> QuerySet[Invitation]:
    """The invitations a person may see: a practitioner their own, an assistant those of the
    practitioners of their practice (to read only); nobody else any. Newest first."""
    found = Invitation.objects.select_related("practitioner")
    if not user.is_authenticated or not user.is_active:
        return found.none()
    if user.is_practitioner:
        return found.filter(practitioner=user)
    membership = user.membership if user.is_assistant else None
    if membership is None:
        return found.none()
    colleagues = Membership.objects.filter(practice_id=membership.practice_id).values("user_id")
    return found.filter(practitioner__in=colleagues)


def invitation_for(user: Any, invitation_id: int | str) -> Invitation:
    """One invitation the practitioner sent, to act on (resend, withdraw); 404 for any other."""
    try:
        return invitations_of(user).filter(practitioner=user).get(pk=int(invitation_id))
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404("no such invitation") from None


def send_invitation(practitioner: User, email: str) -> tuple[Invitation | None, InvitationOutcome]:
    """Invite the address: a new invitation and its email. When an open one exists, nothing is
    sent while it is valid; an expired one is sent again (it must not block the address for good).
    A person who grants the practitioner access already is not invited."""
    email = email.strip().lower()
    if clients_of(practitioner).with_email(email).exists():
        return None, InvitationOutcome.ALREADY_CLIENT
    for _attempt in range(2):  # the open one may be closed between the insert and the read
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(practitioner=practitioner, email=email)
        except IntegrityError:
            open_one = Invitation.objects.filter(
                practitioner=practitioner, email=email, status=Invitation.Status.PENDING
            ).first()
            if open_one is None:
                continue
            if open_one.is_expired:
                return open_one, resend_invitation(open_one)
            return open_one, InvitationOutcome.ALREADY_OPEN
        _send_invitation_email(invitation)
        return invitation, InvitationOutcome.SENT
    raise IntegrityError("an open invitation kept appearing and disappearing")


def invite(practitioner: User, email: str) -> Invitation:
    """`send_invitation` for callers that only need the invitation."""
    invitation, _outcome = send_invitation(practitioner, email)
    if invitation is None:
        raise ValueError("the person grants this practitioner access already")
    return invitation


def resend_invitation(invitation: Invitation) -> InvitationOutcome:
    """Send an open (or expired) invitation again: valid for another 14 days from now. One
    conditional UPDATE, so a double click or two processes send it once; at most RESENDS_PER_DAY
    resends per invitation per day, counted where every process sees them."""
    now = timezone.now()
    if invitation.status != Invitation.Status.PENDING:
        return InvitationOutcome.CLOSED
    if invitation.last_sent_at > now - RESEND_GAP:
        return InvitationOutcome.JUST_SENT
    if not hit("invitation-resend", str(invitation.pk), RESENDS_PER_DAY, DAY):
        return InvitationOutcome.LIMIT
    updated = Invitation.objects.filter(
        pk=invitation.pk,
        practitioner_id=invitation.practitioner_id,
        status=Invitation.Status.PENDING,
        last_sent_at__lte=now - RESEND_GAP,
    ).update(expires_at=invitation_expiry(), sent_count=F("sent_count") + 1, last_sent_at=now)
    invitation.refresh_from_db()
    if not updated:
        if invitation.status != Invitation.Status.PENDING:
            return InvitationOutcome.CLOSED
        return InvitationOutcome.JUST_SENT
    _send_invitation_email(invitation)
    return InvitationOutcome.RESENT


def withdraw_invitation(invitation: Invitation) -> InvitationOutcome:
    """Withdraw an open invitation: from now on it cannot be accepted. A second click, or an
    invitation answered in the meantime, changes nothing (CLOSED)."""
    updated = Invitation.objects.filter(
        pk=invitation.pk,
        practitioner_id=invitation.practitioner_id,
        status=Invitation.Status.PENDING,
    ).update(status=Invitation.Status.WITHDRAWN)
    invitation.refresh_from_db()
    return InvitationOutcome.WITHDRAWN if updated else InvitationOutcome.CLOSED


def _send_invitation_email(invitation: Invitation) -> None:
    """The invitation email, in the invited person's language when they have an account, saying
    until when it can be accepted."""
    practitioner = invitation.practitioner
    existing = User.objects.with_email(invitation.email).first()
    language = existing.language if existing else "nl"
    zone = zone_of(existing)  # Europe/Amsterdam for an address without an account
    target = "accounts:settings" if existing else "accounts:register"
    until = invitation.expires_at.astimezone(zone)
    with override(email_language(language)):
        valid_until = date_format(until, "DATETIME_FORMAT")
        valid_until_day = date_format(until, "DATE_FORMAT")
    send_email(
        invitation.email,
        "accounts/emails/invitation",
        {
            "practitioner": str(practitioner),
            "practice": practitioner.practice_name,
            "link": link(target, language),
            "valid_until": valid_until,
            "valid_until_day": valid_until_day,
        },
        language,
    )


def pending_invitations(user: User) -> Any:
    """The open invitations to the person's address that have not expired."""
    return (
        Invitation.objects.to_address(user.email)
        .filter(status=Invitation.Status.PENDING, expires_at__gt=timezone.now())
        .select_related("practitioner")
    )


@transaction.atomic
def answer_invitation(user: User, invitation_id: int, accept: bool) -> bool:
    invitation = pending_invitations(user).select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        return False
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    if accept:
        grant_access(user, invitation.practitioner, PractitionerAccess.Origin.INVITATION)
    return True


def delete_account(user: User) -> None:
    """Remove the person and everything about them (cascade). The access log stays, by law."""
    with transaction.atomic():
        forget_emails_of(user)
        Invitation.objects.to_address(user.email).delete()
        # what apps hold about the person by their address rather than by a key to the account
        # (a question sent as a visitor before the account existed)
        for erase in hooks.functions("erase_user_data"):
            erase(user)
        _hand_over_ownership(user)
        # Their bookings go with them (cascade), so those practices' free times change: a new
        # booking version (booking.services.touch), in this transaction.
        Practice.objects.filter(bookings__client=user).update(
            booking_version=F("booking_version") + 1
        )
        user.delete()


def _hand_over_ownership(user: User) -> None:
    """A practice always has an owner: when its last owner leaves, the longest-standing
    practitioner (else member) of the practice becomes its owner."""
    membership = Membership.objects.filter(user=user, role=Membership.Role.OWNER).first()
    if membership is None:
        return
    others = Membership.objects.filter(practice_id=membership.practice_id).exclude(user=user)
    if others.filter(role=Membership.Role.OWNER).exists():
        return
    heir = (
        others.filter(role=Membership.Role.PRACTITIONER).order_by("created_at", "pk").first()
        or others.order_by("created_at", "pk").first()
    )
    if heir is not None:
        Membership.objects.filter(pk=heir.pk).update(role=Membership.Role.OWNER)


EMAIL_TASK = "lijfwijs.core.tasks.send_email_task"


def forget_emails_of(user: User) -> int:
    """Delete the email tasks, queued or done, that hold the person's address, name or links:
    those sent to their address or on behalf of their account (`account` in the context, as for
    a change to a new address), and the invitations they sent as a practitioner. A task a worker
    is running now stays; `prune_task_results` removes it within a day (docs/tasks.md)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    invited = list(Invitation.objects.filter(practitioner=user).values_list("email", flat=True))
    deleted, _ = (
        DBTaskResult.objects.filter(task_path=EMAIL_TASK)
        .exclude(status=TaskResultStatus.RUNNING)
        .filter(
            Q(args_kwargs__kwargs__to__iexact=user.email)
            | Q(args_kwargs__kwargs__context__account=user.pk)
            | Q(
                args_kwargs__kwargs__template="accounts/emails/invitation",
                args_kwargs__kwargs__to__in=invited,
            )
        )
        .delete()
    )
    return deleted


def access_log_for(user: User) -> Any:
    return AccessLog.objects.about(user.pk)


def pending_invitation_count(user: User) -> int:
    """For the start page. Not cached: an invitation is about an address, not about the person's
    data (whose version keys the computed-data cache), and counting is one small query: the rule
    of `pending_invitations` as a plain statement (`_statement`), held to it by the tests."""
    return _scalar(
        "pending_invitations",
        [user.email, str(Invitation.Status.PENDING), timezone.now()],
    )


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    user = request.user
    invitations = pending_invitation_count(user) if user.is_client else 0
    return "accounts/_home_panel.html", {"invitations": invitations}


def has_health_consent(user: Any) -> bool:
    """Whether health data may be stored for this person now (a consent to health data that is
    not withdrawn). Asked on most of a client's pages, so a plain statement (`_statement`)."""
    if not (user and user.is_authenticated):
        return False
    return bool(_scalar("health_consent", [user.pk, str(ConsentText.Kind.HEALTH_DATA)]))


def _scalar(name: str, params: list[Any]) -> Any:
    alias = router.db_for_read(Consent if name == "health_consent" else Invitation)
    connection = connections[alias]
    params = [
        connection.ops.adapt_datetimefield_value(p) if isinstance(p, datetime) else p
        for p in params
    ]
    with connection.cursor() as cursor:
        cursor.execute(_statement(alias, name), params)
        row = cursor.fetchone()
    return row[0] if row else 0


@lru_cache(maxsize=8)
def _statement(alias: str, name: str) -> str:
    """Two small reads of every client page, written once per process from the models' names:
    built through the ORM each time, they cost more than the database took to answer them."""
    if name == "health_consent":
        table, c = statements.names(alias, Consent)
        return (
            f"SELECT 1 FROM {table} WHERE {c['user']} = %s AND {c['kind']} = %s "  # noqa: S608
            f"AND {c['withdrawn_at']} IS NULL LIMIT 1"
        )
    # the address compared without case, as `Invitation.objects.to_address` does (its index)
    table, c = statements.names(alias, Invitation)
    return (
        f"SELECT COUNT(*) FROM {table} WHERE LOWER({c['email']}) = LOWER(%s) "  # noqa: S608
        f"AND {c['status']} = %s AND {c['expires_at']} > %s"
    )


def give_health_consent(user: User) -> Consent:
    version = ConsentText.current(ConsentText.Kind.HEALTH_DATA).version
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                user=user, kind=ConsentText.Kind.HEALTH_DATA, version=version
            )
            # What is computed about the person depends on the consent (the program starts).
            User.objects.data_changed(user)
            return consent
    except IntegrityError:
        return Consent.objects.get(
            user=user, kind=ConsentText.Kind.HEALTH_DATA, withdrawn_at__isnull=True
        )


@transaction.atomic
def withdraw_health_consent(user: User) -> bool:
    """Withdrawal stops the processing: the person's health data is erased (every app that keeps
    some names an `erase_user_health_data` function in its AppConfig) and no practitioner keeps
    access. The account itself stays, so consent can be given again later."""
    now = timezone.now()
    changed = Consent.objects.filter(
        user=user, kind=ConsentText.Kind.HEALTH_DATA, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    if not changed:
        return False
    for erase in hooks.functions("erase_user_health_data"):
        erase(user)
    PractitionerAccess.objects.active().filter(client=user).update(
        status=PractitionerAccess.Status.REVOKED, revoked_at=now
    )
    # Nothing computed from the erased data is read again, in any process.
    User.objects.data_changed(user)
    return True
