"""The demo practice's leads (called by practice's `load_demo`): three people who asked the
practice to contact them, each in another state.

- Sanne de Wit asked a question through the contact form yesterday: new;
- Joris Bakker asked to be contacted from his Pijntest report last week: contacted, with a note;
- Fatima El Amrani asked a question three weeks ago, came for a talk and is a client now.

Idempotent: when the practice has a lead of one of these addresses, nothing is added. Written
through the services, as the pages do (the practice's notices and the copies are queued as
emails to the demo's made-up addresses).
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Lead, Source

LEADS = [
    {
        "name": "Sanne de Wit",
        "email": "sanne.dewit@demo.lijfwijs.local",
        "phone": "06 11223344",
        "source": Source.CONTACT_FORM,
        "body": (
            "Ik heb sinds een paar maanden last van mijn onderrug, vooral na lang zitten op mijn "
            "werk. Kan ik bij jullie terecht, en hoe gaat een eerste afspraak?"
        ),
        "days_ago": 1,
        "status": Lead.Status.NEW,
        "note": "",
    },
    {
        "name": "Joris Bakker",
        "email": "joris.bakker@demo.lijfwijs.local",
        "phone": "",
        "source": Source.PIJNTEST,
        "body": "Ik heb de Pijntest gedaan en wil graag eens overleggen wat ik zelf kan doen.",
        "days_ago": 6,
        "status": Lead.Status.CONTACTED,
        "note": "Gebeld op woensdag. Stuurt zelf een mail als hij een afspraak wil maken.",
    },
    {
        "name": "Fatima El Amrani",
        "email": "fatima.elamrani@demo.lijfwijs.local",
        "phone": "06 99887766",
        "source": Source.CONTACT_FORM,
        "body": "Mijn nek en schouders zitten vast sinds ik thuiswerk. Werken jullie ook online?",
        "days_ago": 21,
        "status": Lead.Status.CLIENT,
        "note": "Adviesgesprek gehad, start volgende week met behandelingen.",
    },
]


@transaction.atomic
def load(practice: Any, owner: Any) -> None:
    """The three demo leads of `practice`, their statuses and notes by `owner`."""
    emails = [lead["email"] for lead in LEADS]
    if Lead.objects.filter(practice=practice, email__in=emails).exists():
        return
    now = timezone.now()
    for entry in LEADS:
        when = now - timedelta(days=entry["days_ago"])
        message = services.receive(
            services.Contact(
                practice=practice,
                email=entry["email"],
                source=entry["source"],
                name=entry["name"],
                phone=entry["phone"],
                body=entry["body"],
                consent_version=services.CONSENT_VERSION,
            ),
            now=when,
        )
        lead = message.lead
        if entry["note"]:
            services.add_note(lead, owner, entry["note"], now=when + timedelta(days=1))
        if entry["status"] != Lead.Status.NEW:
            services.set_status(lead, entry["status"], owner, now=when + timedelta(days=1))
