"""Every write of the newsletter: sign-up with double opt-in, confirmation, preferences,
unsubscribing, undeliverable addresses, and the practice's lists and subscribers.

Nothing here tells a caller whether an address was already known: `sign_up` returns what it did
for the tests and logs, and every page answers all outcomes the same way.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.deletion import RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Practice
from lijfwijs.accounts.services import link
from lijfwijs.core import hooks
from lijfwijs.core.mail import email_language, send_email
from lijfwijs.core.ratelimit import hit

from .models import NewsletterList, Subscriber, Subscription, new_token

logger = logging.getLogger(__name__)

CONFIRM_DAYS = 7  # a confirmation link works once, for this many days
EMAILS_PER_ADDRESS = 3  # sign-up emails to one address per hour (counted whether known or not)
HOUR = 60 * 60
# The consent a sign-up form shows, stored with the subscriber in the language shown. A new
# wording is a new version.
CONSENT_VERSION = "2026-12-03"
CONSENT_TEXT = _(
    "Ja, stuur mij de nieuwsbrief per e-mail. Ik krijg eerst een e-mail om mijn aanmelding te "
    "bevestigen en kan me altijd met één klik afmelden."
)
# The default lists of a practice, made on first use (`default_lists`), in Dutch like other
# content a practice writes; the practice renames them as it likes.
DEFAULT_LISTS = {
    NewsletterList.Kind.GENERAL: (
        "Nieuwsbrief",
        "Nieuws, tips en oefeningen van de praktijk.",
    ),
    NewsletterList.Kind.PIJNTEST: (
        "Pijntest gedaan",
        "Uitleg en oefeningen die aansluiten bij de Pijntest.",
    ),
    NewsletterList.Kind.CLIENTS: (
        "Cliënten",
        "Praktijknieuws voor wie bij de praktijk onder behandeling is.",
    ),
    NewsletterList.Kind.MASTERCLASS: (
        "Masterclasses",
        "Uitnodigingen voor masterclasses en andere bijeenkomsten.",
    ),
}
# Where a short form (no choice of lists) puts a new subscriber.
SOURCE_KINDS = {
    Subscriber.Source.FOOTER: [NewsletterList.Kind.GENERAL],
    Subscriber.Source.PAGE: [NewsletterList.Kind.GENERAL],
    Subscriber.Source.ARTICLE: [NewsletterList.Kind.GENERAL],
    Subscriber.Source.REPORT: [NewsletterList.Kind.GENERAL, NewsletterList.Kind.PIJNTEST],
    Subscriber.Source.ACCOUNT: [NewsletterList.Kind.GENERAL],
    Subscriber.Source.EVENT: [NewsletterList.Kind.MASTERCLASS],
    Subscriber.Source.API: [NewsletterList.Kind.GENERAL],
}
UNDELIVERABLE_REASONS = ("bounced", "complained", "rejected", "manual")


class SignUp(Enum):
    """What a sign-up did (never shown to the person: every outcome gets the same answer)."""

    CONFIRMATION_SENT = "confirmation_sent"
    ALREADY_SUBSCRIBED = "already_subscribed"  # told so by email, with their preferences link
    SUBSCRIBED = "subscribed"  # a signed-in person with a verified address: no second step
    NOT_MAILED = "not_mailed"  # undeliverable, or too many emails to this address


def normalise(email: str) -> str:
    """An address as stored: trimmed and lower-case. Mail servers treat the local part as
    case-sensitive in theory; in practice none does, and `Anna@` and `anna@` are one person."""
    return email.strip().lower()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consent_text() -> str:
    """The consent as shown now, in the active language."""
    return str(CONSENT_TEXT)


# --- which practice, which lists -----------------------------------------------------------------


def public_practice() -> Practice | None:
    """The practice a public sign-up (footer, report, article, account) belongs to: the
    installation's practice, the oldest when there are several (one query)."""
    return Practice.objects.order_by("created_at", "pk").first()


def default_lists(practice: Practice) -> dict[str, NewsletterList]:
    """The practice's default list of every kind, made when missing (safe to call twice at once:
    a unique constraint holds one default per kind)."""
    found = {
        nl.kind: nl for nl in NewsletterList.objects.filter(practice=practice, is_default=True)
    }
    for kind, (name, description) in DEFAULT_LISTS.items():
        if kind in found:
            continue
        try:
            with transaction.atomic():
                found[kind] = NewsletterList.objects.create(
                    practice=practice,
                    kind=kind,
                    is_default=True,
                    name=_free_name(practice, name),
                    description=description,
                )
        except IntegrityError:  # made by another request meanwhile
            found[kind] = NewsletterList.objects.get(practice=practice, kind=kind, is_default=True)
    return found


def _free_name(practice: Practice, name: str) -> str:
    """`name`, or `name (2)`… when the practice already has a list of that name."""
    taken = {
        n.lower()
        for n in NewsletterList.objects.filter(practice=practice).values_list("name", flat=True)
    }
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def lists_of(practice: Practice | int) -> QuerySet[NewsletterList]:
    return NewsletterList.objects.filter(practice=practice).order_by("-is_default", "name", "pk")


def _lists_for(
    practice: Practice, source: str, list_ids: Iterable[int] | None
) -> list[NewsletterList]:
    """The chosen lists (the practice's only), or the source's default lists; locked, so a list
    deleted meanwhile is either still there for this sign-up or already gone from it."""
    if list_ids is not None:
        ids = list(list_ids)
    else:
        defaults = default_lists(practice)
        ids = [defaults[kind].pk for kind in SOURCE_KINDS[source]]
    return list(lists_of(practice).filter(pk__in=ids).select_for_update())


def _set_lists(subscriber: Subscriber, lists: list[NewsletterList]) -> None:
    ids = [nl.pk for nl in lists]
    Subscription.objects.filter(subscriber=subscriber).exclude(newsletter_list_id__in=ids).delete()
    Subscription.objects.bulk_create(
        [Subscription(subscriber=subscriber, newsletter_list_id=pk) for pk in ids],
        ignore_conflicts=True,
    )


# --- signing up ------------------------------------------------------------------------------


def may_email(email: str) -> bool:
    """One more sign-up email to this address this hour (counted by hash, known or not)."""
    return hit("newsletter-to", digest(normalise(email)), EMAILS_PER_ADDRESS, HOUR)


def sign_up(
    practice: Practice,
    email: str,
    *,
    name: str = "",
    language: str = "nl",
    source: str = Subscriber.Source.PAGE,
    list_ids: Iterable[int] | None = None,
    verified: bool = False,
    now: datetime | None = None,
) -> SignUp:
    """Ask `email` to confirm a subscription to the practice's newsletter.

    A new, pending or unsubscribed address gets a (new) confirmation link and is subscribed only
    by following it; a subscribed one gets an email saying so with its preferences link; an
    undeliverable one gets nothing. `list_ids`: the lists chosen (the practice's only), else the
    source's default lists. `verified`: the address is a signed-in person's verified account
    address, which the person has already proved is theirs, so it is subscribed at once.
    """
    now = now or timezone.now()
    email = normalise(email)
    language = email_language(language)
    with transaction.atomic():
        lists = _lists_for(practice, source, list_ids)
        subscriber = _row_for(practice, email, language, now)
        if subscriber.status == Subscriber.Status.UNDELIVERABLE:
            return SignUp.NOT_MAILED
        if subscriber.status == Subscriber.Status.SUBSCRIBED:
            if verified:
                _set_lists(subscriber, lists)
                return SignUp.SUBSCRIBED
            if not may_email(email):
                return SignUp.NOT_MAILED
            _send_already(subscriber)
            return SignUp.ALREADY_SUBSCRIBED
        subscriber.name = name.strip() or subscriber.name
        subscriber.language = language
        subscriber.consent_text = consent_text()
        subscriber.consent_version = CONSENT_VERSION
        subscriber.consent_source = source
        subscriber.consent_at = now
        if verified:
            subscriber.status = Subscriber.Status.SUBSCRIBED
            subscriber.confirm_digest = ""
            subscriber.confirmed_at = now
            subscriber.unsubscribed_at = None
            subscriber.save()
            _set_lists(subscriber, lists)
            return SignUp.SUBSCRIBED
        if not may_email(email):
            subscriber.save()
            _set_lists(subscriber, lists)
            return SignUp.NOT_MAILED
        token = new_token()
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirm_digest = digest(token)
        subscriber.confirm_sent_at = now
        subscriber.save()
        _set_lists(subscriber, lists)
        _send_confirmation(subscriber, token)
    return SignUp.CONFIRMATION_SENT


def _row_for(practice: Practice, email: str, language: str, now: datetime) -> Subscriber:
    """The practice's row for `email`, locked; made (pending) when missing. Two sign-ups at once
    make one row: the second meets the unique constraint and reads the first's."""
    found = Subscriber.objects.select_for_update().filter(practice=practice, email=email).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Subscriber.objects.create(
                practice=practice, email=email, language=language, consent_at=now, created_at=now
            )
    except IntegrityError:
        return Subscriber.objects.select_for_update().get(practice=practice, email=email)


def _links(subscriber: Subscriber) -> dict[str, str]:
    return {
        "preferences_link": link(
            "newsletter_preferences", subscriber.language, token=subscriber.preferences_token
        ),
        "unsubscribe_link": unsubscribe_url(subscriber),
    }


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The absolute one-click unsubscribe address of a subscriber, in their language."""
    return unsubscribe_link(subscriber.unsubscribe_token, subscriber.language)


def unsubscribe_link(token: str, language: str) -> str:
    """The absolute unsubscribe address for a token: the address is reversed once per language
    (a campaign asks it for every recipient)."""
    return _unsubscribe_prefix(email_language(language), settings.SITE_URL) + token + "/"


@cache
def _unsubscribe_prefix(language: str, site_url: str) -> str:
    marker = "x" * 32
    return link("newsletter_unsubscribe", language, token=marker).removesuffix(marker + "/")


def _send_confirmation(subscriber: Subscriber, token: str) -> None:
    send_email(
        subscriber.email,
        "newsletter/emails/confirm",
        {
            "name": subscriber.name,
            "practice": subscriber.practice.name,
            "confirm_link": link("newsletter_confirm", subscriber.language, token=token),
            "valid_days": CONFIRM_DAYS,
        },
        subscriber.language,
    )


def _send_already(subscriber: Subscriber) -> None:
    send_email(
        subscriber.email,
        "newsletter/emails/already",
        {"name": subscriber.name, "practice": subscriber.practice.name, **_links(subscriber)},
        subscriber.language,
    )


# --- confirming, preferences, leaving ------------------------------------------------------------


def pending_for(token: str, now: datetime | None = None) -> Subscriber | None:
    """The subscriber whose open confirmation link this is (None: unknown, used or expired)."""
    now = now or timezone.now()
    if not token or len(token) > 64:
        return None
    return (
        Subscriber.objects.select_related("practice")
        .filter(
            confirm_digest=digest(token),
            status=Subscriber.Status.PENDING,
            confirm_sent_at__gte=now - timedelta(days=CONFIRM_DAYS),
        )
        .first()
    )


def confirm(token: str, now: datetime | None = None) -> Subscriber | None:
    """Follow a confirmation link: subscribed now, and the link used up. One conditional UPDATE,
    so a link followed twice at once confirms once; None when it no longer works."""
    now = now or timezone.now()
    subscriber = pending_for(token, now)
    if subscriber is None:
        return None
    done = Subscriber.objects.filter(
        pk=subscriber.pk, confirm_digest=subscriber.confirm_digest, status=Subscriber.Status.PENDING
    ).update(
        status=Subscriber.Status.SUBSCRIBED,
        confirm_digest="",
        confirmed_at=now,
        unsubscribed_at=None,
    )
    if not done:
        return None
    subscriber.refresh_from_db()
    return subscriber


def by_token(field: str, token: str) -> Subscriber | None:
    if not token or len(token) > 64:
        return None
    return Subscriber.objects.select_related("practice").filter(**{field: token}).first()


def save_preferences(
    subscriber: Subscriber, *, list_ids: Iterable[int], language: str, name: str
) -> None:
    """The lists (the practice's only), language and name the subscriber chose."""
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(
            language=email_language(language), name=name.strip()
        )
        chosen = lists_of(subscriber.practice_id).filter(pk__in=list(list_ids)).select_for_update()
        _set_lists(subscriber, list(chosen))


def unsubscribe(
    subscriber: Subscriber, *, campaign_id: int | None = None, now: datetime | None = None
) -> bool:
    """Leave the newsletter (every list). Only a subscribed person's leaving is counted for the
    campaign whose email they used; a second click changes nothing. True when it changed."""
    now = now or timezone.now()
    changed = Subscriber.objects.filter(
        pk=subscriber.pk, status=Subscriber.Status.SUBSCRIBED
    ).update(
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=now,
        unsubscribed_campaign=campaign_id,
    )
    if not changed:  # a pending sign-up is cancelled: its link stops working
        changed = Subscriber.objects.filter(
            pk=subscriber.pk, status=Subscriber.Status.PENDING
        ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now, confirm_digest="")
    return bool(changed)


def mark_undeliverable(
    emails: Iterable[str], *, reason: str, practice: Practice | int | None = None
) -> int:
    """Never mail these addresses again (at every practice, or one): a bounce, a complaint, a
    rejection or a manual mark. Returns how many subscribers changed."""
    if reason not in UNDELIVERABLE_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    addresses = {normalise(e) for e in emails if e and e.strip()}
    if not addresses:
        return 0
    found = Subscriber.objects.filter(email__in=addresses).exclude(
        status=Subscriber.Status.UNDELIVERABLE
    )
    if practice is not None:
        found = found.filter(practice=practice)
    return found.update(
        status=Subscriber.Status.UNDELIVERABLE,
        undeliverable_at=timezone.now(),
        undeliverable_reason=reason,
        confirm_digest="",
    )


def unsubscribe_everywhere(emails: Iterable[str]) -> int:
    """The mail provider says the person unsubscribed (outside our link): at every practice."""
    addresses = {normalise(e) for e in emails if e and e.strip()}
    return Subscriber.objects.filter(
        email__in=addresses, status__in=[Subscriber.Status.SUBSCRIBED, Subscriber.Status.PENDING]
    ).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now(), confirm_digest=""
    )


def prune_unconfirmed(now: datetime | None = None) -> tuple[int, int]:
    """Sign-ups whose link expired unused: an address nobody confirmed is deleted (whoever typed
    it, its owner never agreed to anything); one that had been confirmed before (a re-subscription
    left unconfirmed) is unsubscribed again, keeping its history. Idempotent. Returns (deleted,
    unsubscribed again)."""
    now = now or timezone.now()
    expired = Q(confirm_sent_at__lt=now - timedelta(days=CONFIRM_DAYS)) | Q(
        confirm_sent_at__isnull=True, created_at__lt=now - timedelta(days=CONFIRM_DAYS)
    )
    pending = Subscriber.objects.filter(expired, status=Subscriber.Status.PENDING)
    _, per_model = pending.filter(confirmed_at__isnull=True).delete()
    deleted = per_model.get(Subscriber._meta.label, 0)
    reverted = pending.filter(confirmed_at__isnull=False).update(
        status=Subscriber.Status.UNSUBSCRIBED, confirm_digest=""
    )
    return deleted, reverted


# --- the practice's side -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    newsletter_list: NewsletterList
    subscribed: int
    pending: int


def list_rows(practice: Practice | int) -> list[ListRow]:
    """The practice's lists with how many are subscribed and pending on each (one query)."""
    rows = lists_of(practice).annotate(
        n_subscribed=Count(
            "subscriptions",
            filter=Q(subscriptions__subscriber__status=Subscriber.Status.SUBSCRIBED),
        ),
        n_pending=Count(
            "subscriptions",
            filter=Q(subscriptions__subscriber__status=Subscriber.Status.PENDING),
        ),
    )
    return [ListRow(r, r.n_subscribed, r.n_pending) for r in rows]


def status_counts(practice: Practice | int) -> dict[str, int]:
    """How many subscribers the practice has in each status (one query)."""
    counts = dict.fromkeys(Subscriber.Status.values, 0)
    for row in (
        Subscriber.objects.filter(practice=practice)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    return counts


def save_list(
    practice: Practice | int,
    *,
    name: str,
    description: str,
    kind: str = NewsletterList.Kind.GENERAL,
    existing: NewsletterList | None = None,
) -> NewsletterList | None:
    """A new list, or new words for one; None when the practice has a list of that name."""
    try:
        with transaction.atomic():
            if existing is None:
                practice_id = practice if isinstance(practice, int) else practice.pk
                return NewsletterList.objects.create(
                    practice_id=practice_id,
                    name=name.strip(),
                    description=description.strip(),
                    kind=kind,
                )
            existing.name, existing.description = name.strip(), description.strip()
            existing.save(update_fields=["name", "description"])
            return existing
    except IntegrityError:
        return None


def delete_list(newsletter_list: NewsletterList) -> bool:
    """Delete a list that nobody is on (a default list stays). The database refuses it when a
    subscription arrives meanwhile (RESTRICT), so a list with people on it is never emptied."""
    if newsletter_list.is_default:
        return False
    try:
        with transaction.atomic():
            if Subscription.objects.filter(newsletter_list=newsletter_list).exists():
                return False
            newsletter_list.delete()
    except (IntegrityError, RestrictedError):
        return False
    return True


def remove_subscriber(subscriber: Subscriber) -> None:
    """The practice removes a subscriber and everything stored about them."""
    subscriber.delete()


# --- the person's own data ----------------------------------------------------------------------


def subscriptions_of_address(email: str) -> QuerySet[Subscriber]:
    return (
        Subscriber.objects.filter(email=normalise(email))
        .select_related("practice")
        .prefetch_related("lists")
        .order_by("practice__name", "pk")
    )


def forget_address(email: str) -> int:
    """Delete every subscription of the address (the account was deleted), and let every app
    that keeps something under the address forget it (`forget_email_address`, e.g. the
    campaigns' send records)."""
    _, per_model = Subscriber.objects.filter(email=normalise(email)).delete()
    for forget in hooks.functions("forget_email_address"):
        forget(email)
    return per_model.get(Subscriber._meta.label, 0)
