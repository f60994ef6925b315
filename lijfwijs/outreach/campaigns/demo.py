"""The demo practice's campaigns (called by practice's `load_demo`): one sent a week ago to the
practice's first audience (its send records marked sent; no email goes out) and one draft.

Idempotent: a campaign with the same subject in the practice is left as it is. The audiences come
from `outreach.audience` (the newsletter's lists once it has them); without any, the sent one has
no recipients.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lijfwijs.outreach import audience

from . import services
from .models import Campaign, Send

SENT = services.Draft(
    subject="Drie kleine dingen voor een soepele rug deze winter",
    preheader="Korte tips van de praktijk, zonder apparaten of abonnement.",
    body=(
        "Hallo,\n\n"
        "De dagen zijn kort en we bewegen minder. Drie dingen die veel mensen helpen:\n\n"
        "- **Elk uur even opstaan.** Twee minuten lopen is genoeg.\n"
        "- **Ademen voor je slaapt.** Probeer de 4-7-8-ademhaling in de app.\n"
        "- **Blijf doen wat je leuk vindt**, ook als het wat minder gaat.\n\n"
        "Meer lezen? Kijk in de [kennisbank](/kennisbank/).\n\n"
        "Hartelijke groet,\nde praktijk"
    ),
    language="nl",
    audience_key="",
)
DRAFT = services.Draft(
    subject="Gratis masterclass: beter omgaan met pijn",
    preheader="",
    body=(
        "Hallo,\n\n"
        "Op donderdagavond geven we een gratis masterclass over omgaan met langdurige pijn. "
        "Je bent van harte welkom.\n\n"
        "Aanmelden kan via onze website."
    ),
    language="nl",
    audience_key="",
)


@transaction.atomic
def load(practice: Any, owner: Any) -> None:
    existing = set(Campaign.objects.filter(practice=practice).values_list("subject", flat=True))
    offered = audience.audiences(practice)
    key = offered[0].key if offered else ""
    if DRAFT.subject not in existing:
        services.create(practice, owner, DRAFT)
    if SENT.subject in existing:
        return
    week_ago = timezone.now() - timedelta(days=7)
    campaign = services.create(
        practice,
        owner,
        services.Draft(**{**SENT.__dict__, "audience_key": key}),
    )
    people = audience.recipients(practice, key) if key else None
    if people:
        services.snapshot(campaign, people)
    # demo data: shown as sent a week ago; nobody is emailed
    sent = Send.objects.filter(campaign=campaign).update(status=Send.Status.SENT, sent_at=week_ago)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.SENT,
        sent_count=sent,
        audience_label=offered[0].label if offered else "",
        created_at=week_ago,
        queued_at=week_ago,
        finished_at=week_ago,
    )
