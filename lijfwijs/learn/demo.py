"""The demo practice's articles (called by practice's `load_demo`): one published a week ago,
beside the shipped ones, and one draft only the practice sees.

Idempotent: an article of the practice with the same Dutch title is left as it is.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Article

PUBLISHED = {
    "category": "movement",
    "title_nl": "Rustig weer gaan wandelen",
    "title_en": "Getting back to walking, calmly",
    "summary_nl": "Kleine, vaste stappen geven je zenuwstelsel het bewijs dat bewegen veilig is.",
    "summary_en": "Small, regular steps show your nervous system that moving is safe.",
    "body_nl": (
        "## Begin kleiner dan je denkt\n\n"
        "Loop **vijf minuten** per dag, op een vast moment. Lukt dat een week, maak er dan "
        "zeven van.\n\n"
        "## Let op je adem\n\n"
        "Adem rustig door je neus. Merk je spanning, ga dan langzamer in plaats van te stoppen.\n\n"
        "- Kies een route die je prettig vindt.\n"
        "- Neem iemand mee als dat helpt.\n\n"
        "Twijfel je of dit bij je past? Bespreek het met je behandelaar."
    ),
    "body_en": (
        "## Start smaller than you think\n\n"
        "Walk for **five minutes** a day, at a set time. Managed it for a week? Make it seven.\n\n"
        "## Mind your breath\n\n"
        "Breathe calmly through your nose. Notice tension? Slow down rather than stop.\n\n"
        "- Choose a route you enjoy.\n"
        "- Take someone along if that helps.\n\n"
        "Not sure this suits you? Talk it over with your practitioner."
    ),
    "sources": [
        {
            "text": "Geneen LJ e.a. (2017). Physical activity and exercise for chronic pain in "
            "adults. Cochrane Database of Systematic Reviews.",
            "url": "https://doi.org/10.1002/14651858.CD011279.pub3",
        }
    ],
}
DRAFT = {
    "category": "stress",
    "title_nl": "Wat een drukke week met je rug doet",
    "title_en": "",
    "summary_nl": "Een concept: stress en spanning in je lijf, en wat je eraan kunt doen.",
    "summary_en": "",
    "body_nl": "Dit artikel is nog niet af.",
    "body_en": "",
    "sources": [],
}


@transaction.atomic
def load(practice: Any, owner: Any) -> None:
    existing = set(Article.objects.filter(practice=practice).values_list("title_nl", flat=True))
    if DRAFT["title_nl"] not in existing:
        services.save_article(practice, owner, None, DRAFT, action=services.Action.DRAFT)
    if PUBLISHED["title_nl"] not in existing:
        article = services.save_article(
            practice, owner, None, PUBLISHED, action=services.Action.PUBLISH
        )
        Article.objects.filter(pk=article.pk).update(
            published_at=timezone.now() - timedelta(days=7)
        )
