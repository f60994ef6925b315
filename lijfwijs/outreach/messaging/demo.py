"""The demo's conversation (`manage.py load_demo`): the first demo client asks her practitioner
something about her breathing exercise and gets an answer she has not read yet, so the menu shows
one unread message. Idempotent."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from .models import Conversation
from .services import mark_read, send

QUESTION = (
    "Ik merk dat de 4-7-8-ademhaling 's avonds goed werkt, maar overdag word ik er een beetje "
    "licht van in mijn hoofd. Moet ik iets anders doen?"
)
ANSWER = (
    "Fijn dat de avondoefening helpt! Overdag kun je de uitademing wat korter maken of de "
    "rustige buikademhaling nemen. Lichtheid in je hoofd betekent meestal dat je te diep ademt: "
    "rustiger en minder diep is dan beter. We bespreken het volgende keer verder."
)


def load(client: Any, practitioner: Any) -> None:
    if Conversation.objects.filter(client=client, practitioner=practitioner).exists():
        return
    now = timezone.now()
    asked = send(
        client,
        client=client,
        practitioner=practitioner,
        text=QUESTION,
        now=now - timedelta(days=2, hours=3),
    )
    conversation = asked.conversation
    mark_read(conversation, reader_is_client=False, up_to=asked.pk, now=now - timedelta(days=2))
    send(
        practitioner,
        client=client,
        practitioner=practitioner,
        text=ANSWER,
        now=now - timedelta(days=1, hours=20),
    )
