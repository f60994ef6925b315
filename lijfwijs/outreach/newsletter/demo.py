"""The demo practice's newsletter: its default lists and ten confirmed subscribers (the demo's
clients and made-up readers), through the services' own path."""

from typing import Any

from django.utils import timezone

from . import services
from .models import NewsletterList, Subscriber

READERS = [
    ("Fenna", "fenna@voorbeeld.nl", "nl"),
    ("Joris", "joris@voorbeeld.nl", "nl"),
    ("Mila", "mila@voorbeeld.nl", "nl"),
    ("Sem", "sem@voorbeeld.nl", "nl"),
    ("Ruth", "ruth@example.org", "en"),
    ("Daan", "daan@voorbeeld.nl", "nl"),
    ("Lotte", "lotte@voorbeeld.nl", "nl"),
    ("Noor", "noor@voorbeeld.nl", "nl"),
    ("Tom", "tom@example.org", "en"),
    ("Evi", "evi@voorbeeld.nl", "nl"),
]


def load(practice: Any, owner: Any, clients: list[Any]) -> None:
    """Idempotent: the default lists, and subscribers confirmed as a verified address is (no
    emails sent). The clients are on "clients" too; every fourth reader did the Pijntest."""
    lists = services.default_lists(practice)
    people = [(c.display_name, c.email, c.language, True) for c in clients]
    people += [(name, email, language, False) for name, email, language in READERS]
    for n, (name, email, language, is_client) in enumerate(people[:10]):
        kinds = [NewsletterList.Kind.GENERAL]
        if is_client:
            kinds.append(NewsletterList.Kind.CLIENTS)
        if n % 4 == 0:
            kinds.append(NewsletterList.Kind.PIJNTEST)
        if Subscriber.objects.filter(practice=practice, email=services.normalise(email)).exists():
            continue
        services.sign_up(
            practice,
            email,
            name=name,
            language=language,
            source=Subscriber.Source.PAGE,
            list_ids=[lists[kind].pk for kind in kinds],
            verified=True,
            now=timezone.now(),
        )
