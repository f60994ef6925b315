"""Every write of events and sign-ups (views, API, demo and commands call these, nothing else).

Places: `Event.taken` is raised only by `UPDATE … SET taken = taken + 1 WHERE taken < capacity`
(one statement; the CHECK `taken <= capacity` stands behind it), and lowered by the cancellation
that frees the place, which fills it from the waiting list in the same transaction. On PostgreSQL
each of these UPDATEs holds the event's row until the commit, so a second sign-up or cancellation
of the same event waits and then reads what the first committed (READ COMMITTED re-reads the row);
SQLite runs one writing transaction at a time. So a place is never given twice, a freed place goes
to the first who waits (a new sign-up cannot take it in between), and free places and a waiting
list never exist together.

One sign-up per address and event: the UNIQUE (event, email_key) constraint; a second submit of
the same address answers the first sign-up (`created` False). A cancelled sign-up signs up again
by the same row (a new place in the queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.core.mail import email_language

from . import notifications
from .models import Event, SignUp

Status = SignUp.Status


class SignUpRefused(Exception):
    """Signing up is not possible now: the message says why (for the person), `field` where."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EventError(Exception):
    """A change of an event that cannot be made (the message is for the practitioner)."""


@dataclass(frozen=True)
class Outcome:
    signup: SignUp
    created: bool  # False: this address had signed up before (the same answer as then)


CLOSED_REASONS = {
    "cancelled": gettext_lazy("Dit evenement gaat niet door."),
    "past": gettext_lazy("Dit evenement is al begonnen of voorbij."),
    "deadline": gettext_lazy("Aanmelden kon tot %(deadline)s. Neem contact op met de praktijk."),
    "draft": gettext_lazy("Aanmelden kan nog niet: dit evenement is nog niet gepubliceerd."),
}


def closed_reason(event: Event, now: datetime | None = None) -> str:
    """Why signing up is not possible now, or "" when it is."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return str(CLOSED_REASONS["cancelled"])
    if event.status != Event.Status.PUBLISHED:
        return str(CLOSED_REASONS["draft"])
    if now >= event.start:
        return str(CLOSED_REASONS["past"])
    if now >= event.closes_at:
        zone = notifications.zone_of(event)
        deadline = event.closes_at.astimezone(zone)
        return str(CLOSED_REASONS["deadline"]) % {
            "deadline": f"{formats.date_format(deadline, 'j F Y')} {deadline:%H:%M}"
        }
    return ""


# --- signing up and cancelling --------------------------------------------------------------------


def _take_place(event_id: int) -> bool:
    """One place of the event, if one is free (the conditional UPDATE; see the docstring)."""
    return bool(
        Event.objects.filter(pk=event_id, taken__lt=F("capacity")).update(taken=F("taken") + 1)
    )


def sign_up(
    event: Event, *, name: str, email: str, language: str = "nl", now: datetime | None = None
) -> Outcome:
    """A place if one is free, else a place on the waiting list; the email confirms either.
    Raises SignUpRefused when signing up is closed."""
    now = now or timezone.now()
    reason = closed_reason(event, now)
    if reason:
        raise SignUpRefused(reason)
    name, email = name.strip(), email.strip()
    key = email.lower()
    language = email_language(language)
    try:
        with transaction.atomic():
            took = _take_place(event.pk)
            signup = SignUp.objects.create(
                event=event,
                name=name,
                email=email,
                email_key=key,
                language=language,
                status=Status.CONFIRMED if took else Status.WAITING,
                queued_at=now,
                confirmed_at=now if took else None,
            )
            signup.event = event
            notifications.send(signup, "signed_up")
        return Outcome(signup, True)
    except IntegrityError:
        pass  # this address signed up before (the place taken above was given back)
    existing = SignUp.objects.select_related("event__practice").get(event=event, email_key=key)
    if existing.status == Status.CANCELLED:
        return _sign_up_again(existing, name, language, now)
    return Outcome(existing, False)


def _sign_up_again(signup: SignUp, name: str, language: str, now: datetime) -> Outcome:
    """A cancelled sign-up of this address signs up again: at the back of the queue, or a place."""
    with transaction.atomic():
        changed = SignUp.objects.filter(pk=signup.pk, status=Status.CANCELLED).update(
            name=name,
            language=language,
            status=Status.WAITING,
            queued_at=now,
            confirmed_at=None,
            cancelled_at=None,
            cancelled_by="",
            attended=None,
        )
        if changed:
            if _take_place(signup.event_id):
                SignUp.objects.filter(pk=signup.pk).update(
                    status=Status.CONFIRMED, confirmed_at=now
                )
            signup.refresh_from_db()
            notifications.send(signup, "signed_up")
    if not changed:  # signed up again at this moment by another request: that one counts
        signup.refresh_from_db()
    return Outcome(signup, bool(changed))


def _fill(event_id: int, now: datetime) -> list[SignUp]:
    """Give free places to the first who wait, in order; inside the caller's transaction."""
    promoted: list[SignUp] = []
    while True:
        first = (
            SignUp.objects.filter(event_id=event_id, status=Status.WAITING)
            .order_by("queued_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if first is None or not _take_place(event_id):
            return promoted
        moved = SignUp.objects.filter(pk=first, status=Status.WAITING).update(
            status=Status.CONFIRMED, confirmed_at=now
        )
        if moved:
            promoted.append(SignUp.objects.select_related("event__practice").get(pk=first))
        else:  # they cancelled at this moment: the place goes back, the next one gets it
            Event.objects.filter(pk=event_id).update(taken=F("taken") - 1)


def cancel_signup(
    signup: SignUp, *, by: str, now: datetime | None = None, tell_person: bool = True
) -> list[SignUp]:
    """Cancel a sign-up (by "person" or "practice"); a freed place goes to the first on the
    waiting list in the same transaction, with an email. Returns who moved up. Cancelling a
    cancelled sign-up changes nothing."""
    now = now or timezone.now()
    while True:
        with transaction.atomic():
            was = (
                SignUp.objects.filter(pk=signup.pk, status__in=(Status.CONFIRMED, Status.WAITING))
                .values_list("status", flat=True)
                .first()
            )
            if was is None:
                return []
            changed = SignUp.objects.filter(pk=signup.pk, status=was).update(
                status=Status.CANCELLED, cancelled_at=now, cancelled_by=by
            )
            if not changed:  # moved up (or cancelled) at this very moment: read it again
                continue
            promoted: list[SignUp] = []
            if was == Status.CONFIRMED:
                Event.objects.filter(pk=signup.event_id).update(taken=F("taken") - 1)
                event = Event.objects.get(pk=signup.event_id)
                if event.status == Event.Status.PUBLISHED and now < event.start:
                    promoted = _fill(signup.event_id, now)
            if tell_person:
                signup.refresh_from_db()
                notifications.send(signup, "signup_cancelled", by_practice=by == "practice")
            for person in promoted:
                notifications.send(person, "moved_up")
            return promoted


def opt_out(signup: SignUp, campaign_id: int | None = None, now: datetime | None = None) -> None:
    """No more campaign emails about this event to this address (one-click; idempotent)."""
    SignUp.objects.filter(pk=signup.pk, mail_opt_out_at__isnull=True).update(
        mail_opt_out_at=now or timezone.now(), opt_out_campaign=campaign_id
    )


def mark_attendance(
    event: Event, marks: dict[int, bool | None], now: datetime | None = None
) -> int:
    """Present (True), absent (False) or not marked (None) per confirmed sign-up, after the start.
    Returns how many were changed."""
    now = now or timezone.now()
    if now < event.start:
        raise EventError(_("Aanwezigheid kun je pas na het begin van het evenement bijhouden."))
    changed = 0
    with transaction.atomic():
        for signup_id, value in marks.items():
            changed += SignUp.objects.filter(
                Q(event=event, pk=signup_id, status=Status.CONFIRMED)
                & ~Q(attended=value if value is not None else None)
            ).update(attended=value)
    return changed


# --- events --------------------------------------------------------------------------------------

# A change of these reaches calendars (SEQUENCE); of the first four also everyone's inbox.
TIME_FIELDS = ("start", "end", "online_link", "address", "title")
TOLD_FIELDS = TIME_FIELDS[:4]


def save_event(event: Event, now: datetime | None = None) -> Event:
    """Create or change an event (from the form's cleaned instance). A lower capacity than the
    places taken is refused by the database (EventError); a higher one fills places from the
    waiting list at once, with emails. A new time or place of a published event is emailed to
    everyone signed up or waiting (with the calendar file that moves it, for those with a place)."""
    now = now or timezone.now()
    with transaction.atomic():
        if event.pk is None:
            event.save()
            return event
        before = Event.objects.select_for_update().get(pk=event.pk)
        fields = [
            "title",
            "description",
            "online_link",
            "address",
            "start",
            "end",
            "capacity",
            "signup_deadline",
            "is_free",
            "price_text",
        ]
        if any(getattr(before, name) != getattr(event, name) for name in TIME_FIELDS):
            event.sequence = before.sequence + 1
            fields.append("sequence")
        try:
            with transaction.atomic():
                event.save(update_fields=[*fields, "updated_at"])
        except IntegrityError:
            raise EventError(
                _("Er zijn al %(taken)s aanmeldingen: kies minstens zoveel plaatsen.")
                % {"taken": before.taken}
            ) from None
        event.taken = before.taken
        event.status = before.status
        if before.status != Event.Status.PUBLISHED:
            return event
        if any(getattr(before, name) != getattr(event, name) for name in TOLD_FIELDS):
            for signup in event.signups.filter(status__in=(Status.CONFIRMED, Status.WAITING)):
                signup.event = event
                notifications.send(signup, "event_changed")
        if now < event.start:
            for person in _fill(event.pk, now):
                notifications.send(person, "moved_up")
            event.refresh_from_db()
    return event


def publish(event: Event, published: bool) -> bool:
    """Publish a draft, or take a published event back to a draft (no one can sign up then).
    False when the event is cancelled (it stays so)."""
    target = Event.Status.PUBLISHED if published else Event.Status.DRAFT
    changed = (
        Event.objects.filter(pk=event.pk)
        .exclude(status=Event.Status.CANCELLED)
        .update(status=target, updated_at=timezone.now())
    )
    if changed:
        event.status = target
    return bool(changed)


def cancel_event(event: Event) -> bool:
    """Call the event off: everyone signed up or waiting gets an email (with a calendar file
    that removes it). False when it was already called off."""
    with transaction.atomic():
        changed = (
            Event.objects.filter(pk=event.pk)
            .exclude(status=Event.Status.CANCELLED)
            .update(
                status=Event.Status.CANCELLED,
                sequence=F("sequence") + 1,
                updated_at=timezone.now(),
            )
        )
        if not changed:
            return False
        event.refresh_from_db()
        for signup in event.signups.filter(status__in=(Status.CONFIRMED, Status.WAITING)):
            signup.event = event
            notifications.send(signup, "event_cancelled")
    return True


def forget_address(email: str) -> int:
    """The sign-ups of an address go (an account that is deleted): each is cancelled first, so
    its place moves up the waiting list, then removed. Returns how many."""
    key = email.strip().lower()
    count = 0
    for signup in SignUp.objects.filter(email_key=key).select_related("event__practice"):
        with transaction.atomic():
            cancel_signup(signup, by="person", tell_person=False)
            SignUp.objects.filter(pk=signup.pk).delete()
        count += 1
    return count
