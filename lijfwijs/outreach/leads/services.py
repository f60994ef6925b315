"""The leads' rules: a contact received (added to the person's open lead at the practice, or a new
lead), the notice to the practice and the copy to the sender, status changes, notes, conversion to
a client invitation; a person's leads in their export and their erasure.

Every write of the app goes through here. A lead is per person (email address) and practice;
while it is open (new or contacted) a second contact is added to it, which the database guarantees
(models.py): a racing second insert fails on the constraint and is added to the lead that won.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.models import Membership, Practice, User
from lijfwijs.accounts.services import InvitationOutcome
from lijfwijs.core.mail import send_email

from .models import Lead, LeadChange, LeadMessage, LeadNote, Source

# The version of the consent line under the contact form and the report's "contact me" form:
# raise it when the sentence changes in substance (forms.CONSENT_LABEL).
CONSENT_VERSION = "2026-12"
# Members who receive the notice of a new question and read the questions: owners and practitioners.
READERS = (Membership.Role.OWNER, Membership.Role.PRACTITIONER)


class LeadError(Exception):
    """A change that cannot be made, with a message for the person."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


# --- which practice --------------------------------------------------------------------------


def receiving_practices() -> QuerySet[Practice]:
    """The practices a contact can go to: those with an active owner or practitioner to read it."""
    readers = Membership.objects.filter(role__in=READERS, user__is_active=True)
    return Practice.objects.filter(pk__in=readers.values("practice_id")).order_by("name", "pk")


# --- receiving a contact ---------------------------------------------------------------------


@dataclass
class Contact:
    """What came in: who, to which practice, what they wrote and attached, and how."""

    practice: Practice
    email: str
    source: str
    name: str = ""
    phone: str = ""
    body: str = ""
    language: str = "nl"
    account: Any = None  # the signed-in sender
    assessment_response: Any = None
    booking: Any = None
    consent_version: str = ""


def receive(contact: Contact, *, now: datetime | None = None) -> LeadMessage:
    """Add the contact to the person's open lead at the practice, or open a new lead; then tell
    the practice (a contact form or Pijntest contact) and send the sender a copy of their text.
    A booking already received is not received twice (its message is returned)."""
    now = now or timezone.now()
    email = contact.email.strip().lower()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                message = _store(contact, email, now)
        except IntegrityError:
            if contact.booking is not None:
                earlier = LeadMessage.objects.filter(booking=contact.booking).first()
                if earlier is not None:
                    return earlier
            continue  # another contact opened or closed the lead in between: look again
        if contact.source != Source.BOOKING:
            _notify_practice(message.lead)
            _send_copy(message, contact)
        return message
    raise IntegrityError("the open lead kept changing")


def _store(contact: Contact, email: str, now: datetime) -> LeadMessage:
    lead = (
        Lead.objects.select_for_update()
        .open()
        .filter(practice=contact.practice, email=email)
        .first()
    )
    if lead is None:
        lead = Lead.objects.create(
            practice=contact.practice,
            email=email,
            name=contact.name,
            phone=contact.phone,
            account=contact.account,
            language=contact.language,
            source=contact.source,
            created_at=now,
            last_contact_at=now,
        )
    else:
        # the newest details the person gave win; what they left empty keeps the older
        lead.name = contact.name or lead.name
        lead.phone = contact.phone or lead.phone
        lead.account = contact.account or lead.account
        lead.language = contact.language
        lead.last_contact_at = now
        lead.save(update_fields=["name", "phone", "account", "language", "last_contact_at"])
    return LeadMessage.objects.create(
        lead=lead,
        source=contact.source,
        body=contact.body,
        assessment_response=contact.assessment_response,
        booking=contact.booking,
        consent_version=contact.consent_version,
        created_at=now,
    )


def readers_of(practice: Any) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.filter(practice=practice, role__in=READERS).values("user_id"),
        is_active=True,
    ).order_by("pk")


def _notify_practice(lead: Lead) -> None:
    """Each owner and practitioner of the practice: a new question came in, log in to read it. No
    name, no question, nothing about health: an email can be read by anyone on the way."""
    for reader in readers_of(lead.practice_id):
        send_email(
            reader.email,
            "leads/emails/new_lead",
            {
                "practice": lead.practice.name,
                "link": account_services.link("leads:detail", reader.language, lead_id=lead.pk),
            },
            reader.language,
        )


def _send_copy(message: LeadMessage, contact: Contact) -> None:
    """The sender's copy of what they wrote (their own text; an attached result is named, not sent)."""
    send_email(
        message.lead.email,
        "leads/emails/copy",
        {
            "practice": contact.practice.name,
            "name": contact.name,
            "phone": contact.phone,
            "body": contact.body,
            "source": contact.source,
            "attached": contact.assessment_response is not None,
        },
        contact.language,
    )


def booking_confirmed(booking: Any) -> None:
    """The `booking_confirmed` hook (booking.services.confirm): a visitor's confirmed booking is a
    lead of the practice, with the booking linked. A client's booking is no lead: they are one."""
    if booking.client_id is not None or not booking.email:
        return
    receive(
        Contact(
            practice=booking.practice,
            email=booking.email,
            source=Source.BOOKING,
            name=booking.name,
            phone=booking.phone,
            body=booking.question,
            language=booking.language,
            assessment_response=booking.assessment_response,
            booking=booking,
        ),
        now=booking.confirmed_at,
    )


# --- the practice's work -----------------------------------------------------------------------


def _record(lead: Lead, old: str, new: str, by: Any, now: datetime) -> None:
    LeadChange.objects.create(
        lead=lead,
        old_status=old,
        new_status=new,
        by=by,
        by_name=str(by)[:120] if by is not None else "",
        at=now,
    )


def set_status(lead: Lead, status: str, by: Any, *, now: datetime | None = None) -> bool:
    """Change the lead's status (False when it has it already). One conditional UPDATE, so two
    members clicking at once record one change. Reopening a lead while the person has another
    open lead at the practice is refused (LeadError): add to that one instead."""
    if status not in Lead.Status.values:
        raise LeadError(_("Kies een van de statussen."))
    now = now or timezone.now()
    old = lead.status
    if old == status:
        return False
    try:
        with transaction.atomic():
            updated = Lead.objects.filter(pk=lead.pk, status=old).update(status=status)
            if updated:
                _record(lead, old, status, by, now)
    except IntegrityError:
        raise LeadError(
            _("Deze persoon heeft al een open lead bij de praktijk. Ga daar verder.")
        ) from None
    lead.refresh_from_db(fields=["status"])
    return bool(updated)


MAX_NOTE = 5000


def add_note(lead: Lead, author: Any, body: str, *, now: datetime | None = None) -> LeadNote:
    body = body.strip()
    if not body:
        raise LeadError(_("Schrijf een notitie."))
    return LeadNote.objects.create(
        lead=lead,
        author=author,
        author_name=str(author)[:120],
        body=body[:MAX_NOTE],
        created_at=now or timezone.now(),
    )


def convert(lead: Lead, practitioner: User, *, now: datetime | None = None) -> InvitationOutcome:
    """Invite the lead as a client of `practitioner` (the accounts' invitation, with its email).
    The lead is "client" at once: the practice's work on it is done, and whether the person
    accepts is the invitation's state, shown beside it. A daily resend limit (LIMIT) changes
    nothing."""
    invitation, outcome = account_services.send_invitation(practitioner, lead.email)
    if outcome == InvitationOutcome.LIMIT:
        return outcome
    now = now or timezone.now()
    with transaction.atomic():
        if invitation is not None:
            Lead.objects.filter(pk=lead.pk).update(invitation=invitation)
        old = lead.status
        if old != Lead.Status.CLIENT and Lead.objects.filter(pk=lead.pk, status=old).update(
            status=Lead.Status.CLIENT
        ):
            _record(lead, old, Lead.Status.CLIENT, practitioner, now)
    lead.refresh_from_db(fields=["status", "invitation"])
    return outcome


# --- a person's data ---------------------------------------------------------------------------


def leads_of_person(user: Any) -> QuerySet[Lead]:
    """The leads that are the person's: sent from their account, or from their address (a copy
    of each went to that address, so nothing in them is new to its owner)."""
    return Lead.objects.filter(Q(account=user) | Q(email__iexact=user.email))


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    """The person's leads at practices: what they sent, the status, the practice's notes."""
    leads = (
        leads_of_person(user)
        .select_related("practice")
        .prefetch_related("messages", "notes")
        .order_by("created_at", "pk")
    )
    return {
        "leads": [
            {
                "practice": lead.practice.name,
                "email": lead.email,
                "name": lead.name,
                "phone": lead.phone,
                "status": lead.status,
                "created_at": _iso(lead.created_at),
                "messages": [
                    {
                        "source": m.source,
                        "text": m.body,
                        "pijntest_result": m.assessment_response_id,
                        "booking": m.booking_id,
                        "consent_version": m.consent_version,
                        "created_at": _iso(m.created_at),
                    }
                    for m in lead.messages.all()
                ],
                "notes": [
                    {"author": n.author_name, "text": n.body, "created_at": _iso(n.created_at)}
                    for n in lead.notes.all()
                ],
            }
            for lead in leads
        ]
    }


def _forget_results(messages: QuerySet[LeadMessage]) -> None:
    """Results attached by a visitor (no account holds them) go with the lead; an account's own
    results stay the account's (the assessments app erases those)."""
    from lijfwijs.assessments.models import Response

    ids = list(
        messages.exclude(assessment_response=None).values_list("assessment_response_id", flat=True)
    )
    Response.objects.filter(pk__in=ids, user__isnull=True).delete()


@transaction.atomic
def erase_user_health_data(user: Any) -> None:
    """Withdrawn consent for health data: what the person wrote to practices, the results they
    attached and the practices' notes about them go; the leads stay with their contact details
    and status (being in touch with a practice is no health data)."""
    leads = leads_of_person(user)
    messages = LeadMessage.objects.filter(lead__in=leads)
    _forget_results(messages)
    messages.update(body="", assessment_response=None)
    LeadNote.objects.filter(lead__in=leads).delete()


@transaction.atomic
def erase_user_data(user: Any) -> None:
    """The person deletes their account: their leads go, with what they attached as a visitor
    (the leads sent from the account go with it by cascade as well)."""
    leads = leads_of_person(user)
    _forget_results(LeadMessage.objects.filter(lead__in=leads))
    leads.delete()
