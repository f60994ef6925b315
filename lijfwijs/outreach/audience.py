"""Who a campaign goes to: the contract between the campaigns and the apps that have audiences.

An app with people a practice may write to (the newsletter's lists, an event's sign-ups) names two
functions in its AppConfig, found through `core.hooks`:

- `campaign_audiences = "module.func"`: `func(practice) -> list[Audience]`, the audiences that app
  offers the practice's campaign editor.
- `campaign_recipients = "module.func"`: `func(practice, audience_key) -> list[Recipient] | None`,
  everyone in that audience now, or None when the key is not this app's.

- `campaign_unsubscribes = "module.func"` (optional): `func(campaign_ids) -> dict[int, int]`, how
  many people unsubscribed through the emails of each campaign. The campaigns add
  `?campaign=<id>` to `Recipient.unsubscribe_url` in every email they send; the app that owns the
  unsubscribe page records that id with the unsubscription.

The campaigns import no such app: they store the audience's key, ask for its recipients when the
campaign is queued, and keep one send record per campaign and `Recipient.key`.
"""

from dataclasses import dataclass

from lijfwijs.core import hooks


@dataclass(frozen=True)
class Audience:
    key: str  # stable and unique across apps, e.g. "list:3" or "event:7"
    label: str  # shown in the editor, already translated
    count: int  # how many would receive a campaign sent now


@dataclass(frozen=True)
class Recipient:
    key: str  # unique within the audience and stable, e.g. "subscriber:12" or "signup:5"
    email: str
    name: str
    language: str  # "nl" or "en": the language of the email's frame (footer, unsubscribe text)
    # the absolute URL (https://…) of the one-click unsubscribe: the visible link in the email and
    # the RFC 8058 List-Unsubscribe target (a POST there without cookies unsubscribes)
    unsubscribe_url: str


def audiences(practice) -> list[Audience]:
    """Every audience any app offers `practice`."""
    found: list[Audience] = []
    for function in hooks.functions("campaign_audiences"):
        found.extend(function(practice))
    return found


def recipients(practice, audience_key: str) -> list[Recipient] | None:
    """Everyone in the audience `audience_key` of `practice` now (None: no app knows the key)."""
    return hooks.first("campaign_recipients", practice, audience_key)


def unsubscribes(campaign_ids: list[int]) -> dict[int, int]:
    """How many unsubscribed through each campaign's emails (0 where none did)."""
    counts = dict.fromkeys(campaign_ids, 0)
    for function in hooks.functions("campaign_unsubscribes"):
        for campaign_id, count in function(campaign_ids).items():
            counts[campaign_id] = counts.get(campaign_id, 0) + count
    return counts
