"""A practice's newsletter: its lists, its subscribers (double opt-in) and who is on which list.

A subscriber is one address at one practice (normalised: trimmed and lower-case), whatever list
they are on. Only a `subscribed` subscriber is ever mailed a campaign; `pending` waits for the
confirmation link, `unsubscribed` left, `undeliverable` bounced or complained and is never mailed
again. The consent (its text as shown, its version, where and when it was given) is kept with the
subscriber, and the moment the link confirmed it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Practice


def new_token() -> str:
    """256 random bits, URL-safe: a capability that nobody can guess."""
    return secrets.token_urlsafe(32)


class NewsletterList(models.Model):
    """A list (a segment) of a practice's newsletter that subscribers choose on the preferences page."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("Algemeen")
        PIJNTEST = "pijntest", _("Pijntest gedaan")
        CLIENTS = "clients", _("Cliënten")
        MASTERCLASS = "masterclass", _("Masterclass-deelnemers")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="newsletter_lists"
    )
    name = models.CharField(_("naam"), max_length=80)
    description = models.CharField(_("omschrijving"), max_length=300, blank=True, default="")
    kind = models.CharField(_("soort"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    # One default list per kind and practice (services.default_lists makes them); a sign-up from
    # the footer, a report or an article lands on the default list of its kind. Never deleted.
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "practice",
                "kind",
                condition=Q(is_default=True),
                name="newsletter_one_default_list_per_kind",
            ),
            models.UniqueConstraint(
                "practice", Lower("name"), name="newsletter_list_name_unique_in_practice"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("wacht op bevestiging")
        SUBSCRIBED = "subscribed", _("aangemeld")
        UNSUBSCRIBED = "unsubscribed", _("afgemeld")
        UNDELIVERABLE = "undeliverable", _("onbestelbaar")

    class Source(models.TextChoices):
        FOOTER = "footer", _("onderaan de pagina")
        PAGE = "page", _("aanmeldpagina")
        REPORT = "report", _("Pijntest-uitslag")
        ARTICLE = "article", _("artikel")
        ACCOUNT = "account", _("account")
        EVENT = "event", _("bijeenkomst")
        API = "api", _("app of API")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("e-mailadres"))  # trimmed and lower-case (services.normalise)
    name = models.CharField(_("naam"), max_length=120, blank=True, default="")
    language = models.CharField(
        _("taal"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    lists = models.ManyToManyField(NewsletterList, through="Subscription", related_name="+")
    # The open confirmation: the SHA-256 of the emailed token ("" when none is open).
    confirm_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    preferences_token = models.CharField(max_length=64, unique=True, default=new_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    # The consent: the text as shown (in the language shown), its version, where and when.
    consent_text = models.TextField(blank=True, default="")
    consent_version = models.CharField(max_length=20, blank=True, default="")
    consent_source = models.CharField(max_length=16, choices=Source.choices, default=Source.PAGE)
    consent_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The campaign whose email they left through (a plain id: campaigns is another app).
    unsubscribed_campaign = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    undeliverable_at = models.DateTimeField(null=True, blank=True)
    undeliverable_reason = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "email"]
        constraints = [
            models.UniqueConstraint("practice", "email", name="newsletter_subscriber_unique"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="newsletter_subscriber_email_lower"
            ),
        ]
        indexes = [models.Index(fields=["practice", "status"])]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """A subscriber on a list."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    # RESTRICT: a list with people on it is never deleted, even when one arrives meanwhile (the
    # database refuses); deleting the practice or the subscriber takes the row with it.
    newsletter_list = models.ForeignKey(
        NewsletterList, on_delete=models.RESTRICT, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "subscriber", "newsletter_list", name="newsletter_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} on {self.newsletter_list_id}"
