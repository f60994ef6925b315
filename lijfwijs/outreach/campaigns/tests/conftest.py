"""Shared fixtures of the campaign tests.

"Fysio De Brug": Pieter (owner) and Lotte (practitioner) write campaigns; Aafke is its assistant
(Lotte and Aafke as booking's tests make them).
Rita owns "Praktijk Elders". The audiences are a small fake provider (`fake_audience`): the
campaigns import no app that has audiences, they ask `lijfwijs.outreach.audience`, which the fake
replaces (its three functions) for the test. `fake_audience.add(practice, key, label, n)` gives a
practice an audience of `n` people (`person-<i>@example.org`, every third one in English).
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import get_resolver

from lijfwijs.booking.tests.conftest import (  # noqa: F401 (fixtures)
    assistant,
    assistant_browser,
    lotte,
    lotte_browser,
)
from lijfwijs.outreach import audience
from lijfwijs.outreach.audience import Audience, Recipient
from lijfwijs.outreach.campaigns import services
from lijfwijs.outreach.campaigns.models import Campaign

BODY = (
    "Hallo,\n\nDeze week: **drie tips**.\n\n- [Lees meer](https://voorbeeld.nl/tips?a=1&b=2)\n"
    "- [De kennisbank](https://lijfwijs.example/kennisbank/)\n\nGroet, Pieter"
)


@dataclass
class FakeAudience:
    lists: dict[tuple[int, str], tuple[str, list[Recipient]]] = field(default_factory=dict)
    unsubscribed: dict[int, int] = field(default_factory=dict)

    def add(self, practice: Any, key: str, label: str, count: int, start: int = 0) -> list:
        people = [
            Recipient(
                key=f"subscriber:{n}",
                email=f"person-{n}@example.org",
                name=f"Persoon {n}",
                language="en" if n % 3 == 2 else "nl",
                unsubscribe_url=f"https://lijfwijs.example/nieuwsbrief/afmelden/t{n}/",
            )
            for n in range(start, start + count)
        ]
        self.lists[(practice.pk, key)] = (label, people)
        return people

    def audiences(self, practice: Any) -> list[Audience]:
        return [
            Audience(key=key, label=label, count=len(people))
            for (practice_id, key), (label, people) in self.lists.items()
            if practice_id == practice.pk
        ]

    def recipients(self, practice: Any, key: str) -> list[Recipient] | None:
        found = self.lists.get((practice.pk, key))
        return None if found is None else list(found[1])

    def unsubscribes(self, ids: list[int]) -> dict[int, int]:
        return {i: self.unsubscribed.get(i, 0) for i in ids}


@pytest.fixture(autouse=True)
def urls_loaded() -> None:
    """The URL configuration (and the API's pydantic schemas) imported before any frozen clock."""
    assert get_resolver().url_patterns


@pytest.fixture
def fake_audience(monkeypatch) -> FakeAudience:
    fake = FakeAudience()
    monkeypatch.setattr(audience, "audiences", fake.audiences)
    monkeypatch.setattr(audience, "recipients", fake.recipients)
    monkeypatch.setattr(audience, "unsubscribes", fake.unsubscribes)
    return fake


@pytest.fixture
def practice(pieter) -> Any:
    practice = pieter.membership.practice
    practice.address = "Brugstraat 1\n1234 AB Utrecht"
    practice.email = "info@debrug.example"
    practice.save()
    return practice


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks,
) -> Callable[[], AbstractContextManager[None]]:
    """`with committed(): …` runs what the block queued on commit (tasks) when it ends."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def draft(practice: Any, author: Any, key: str = "list:1", **changes: Any) -> Campaign:
    fields = {
        "subject": "Nieuws van De Brug",
        "preheader": "Drie tips voor je rug",
        "body": BODY,
        "language": "nl",
        "audience_key": key,
        **changes,
    }
    return services.create(practice, author, services.Draft(**fields))
