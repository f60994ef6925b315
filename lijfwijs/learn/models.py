"""Articles of the knowledge base (kennisbank): Markdown in two languages, rendered when saved."""

import math
import re
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.i18n import Translated
from lijfwijs.core.markdown import render as render_markdown

WORDS_PER_MINUTE = 200


def count_words(source: str) -> int:
    return len(re.findall(r"\w+", source))


def reading_minutes_for(source: str) -> int:
    return max(1, math.ceil(count_words(source) / WORDS_PER_MINUTE))


class Category(models.TextChoices):
    BASICS = "basics", _("Basis")
    STRESS = "stress", _("Stress")
    BREATHING = "breathing", _("Ademhaling")
    MOVEMENT = "movement", _("Beweging")
    NUTRITION = "nutrition", _("Voeding")
    SLEEP = "sleep", _("Slaap")
    IMMUNE = "immune", _("Immuunsysteem")


class Status(models.TextChoices):
    DRAFT = "draft", _("concept")
    SCHEDULED = "scheduled", _("ingepland")
    PUBLISHED = "published", _("gepubliceerd")


# A shipped article hidden by the installation's practice: a practice that hid it while no other
# practice exists (with many practices, no one practice speaks for the public pages). Written as
# SQL because every public page of the knowledge base asks it: the same condition built with the
# ORM's nested Exists took ~1 ms to build and compile on each request.
HIDDEN_BY_THE_INSTALLATION = (
    "EXISTS (SELECT 1 FROM learn_hiddenarticle h WHERE h.article_id = learn_article.id"
    " AND NOT EXISTS (SELECT 1 FROM accounts_practice p WHERE p.id <> h.practice_id))"
)


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime | None = None) -> "ArticleQuerySet":
        """What the public knowledge base shows (at `now`, by default the present): published or
        scheduled with its time passed (`publish_scheduled_articles` only sets the status
        afterwards), not hidden by the installation's practice. One query, no lookups before it."""
        return self.filter(
            is_published=True,
            status__in=[Status.SCHEDULED, Status.PUBLISHED],
            published_at__lte=now or timezone.now(),
        ).extra(where=[f"NOT {HIDDEN_BY_THE_INSTALLATION}"])  # noqa: S610 - constant SQL


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices)
    title_nl = models.CharField(_("titel (Nederlands)"), max_length=200)
    title_en = models.CharField(_("titel (Engels)"), max_length=200, blank=True, default="")
    summary_nl = models.TextField(_("samenvatting (Nederlands)"))
    summary_en = models.TextField(_("samenvatting (Engels)"), blank=True, default="")
    body_nl = models.TextField(_("tekst (Nederlands, Markdown)"))
    body_en = models.TextField(_("tekst (Engels, Markdown)"), blank=True, default="")
    body_html_nl = models.TextField(
        _("tekst als HTML (Nederlands)"), blank=True, default="", editable=False
    )
    body_html_en = models.TextField(
        _("tekst als HTML (Engels)"), blank=True, default="", editable=False
    )
    reading_minutes = models.PositiveSmallIntegerField(
        _("leestijd in minuten"), default=1, editable=False
    )
    sources = models.JSONField(
        _("bronnen"), default=list, blank=True, help_text=_('Lijst van {"text": …, "url": …}.')
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("gerelateerde artikelen")
    )
    domains = models.JSONField(_("domeinen"), default=list, blank=True)
    builtin = models.BooleanField(
        _("meegeleverd"),
        default=False,
        help_text=_("Komt uit de artikelbestanden in de code; load_content zet de tekst terug."),
    )
    # The practice that wrote it (None: shipped with Lijfwijs) and who wrote it.
    practice = models.ForeignKey(
        "accounts.Practice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("praktijk"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    # False: withdrawn (a shipped article whose file is gone). The public pages read this, the
    # status and published_at, the planned or actual publication time.
    is_published = models.BooleanField(_("gepubliceerd"), default=True)
    published_at = models.DateTimeField(_("publicatiedatum"), default=timezone.now)
    # The cover image: the stored files' common name ("article-covers/12-ab12cd34"), the widths
    # made (each as .webp and .jpg), and its description for people who do not see it.
    cover = models.CharField(_("omslagafbeelding"), max_length=120, blank=True, default="")
    cover_widths = models.JSONField(default=list, blank=True, editable=False)
    cover_alt_nl = models.CharField(
        _("beschrijving van de afbeelding (Nederlands)"), max_length=300, blank=True, default=""
    )
    cover_alt_en = models.CharField(
        _("beschrijving van de afbeelding (Engels)"), max_length=300, blank=True, default=""
    )
    sort_order = models.PositiveIntegerField(_("volgorde"), default=0)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    title = Translated()
    summary = Translated()
    body = Translated()
    body_html = Translated()
    cover_alt = Translated()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name = _("artikel")
        verbose_name_plural = _("artikelen")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="article_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(reading_minutes__gte=1), name="article_reading_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(cover="") | ~Q(cover_alt_nl=""), name="article_cover_has_alt"
            ),
        ]

    def __str__(self) -> str:
        return self.title_nl

    def save(self, *args: object, **kwargs: object) -> None:
        self.render()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,  # type: ignore[misc]
                "body_html_nl",
                "body_html_en",
                "reading_minutes",
                "updated_at",
            }
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("learn:detail", kwargs={"slug": self.slug})

    @property
    def is_builtin(self) -> bool:
        return self.practice_id is None

    def cover_sources(self) -> list[dict[str, str]]:
        """The cover's `<source>`s for `<picture>`: WebP first, then JPEG, each with its srcset."""
        if not self.cover or not self.cover_widths:
            return []
        out = []
        for fmt, content_type in (("webp", "image/webp"), ("jpg", "image/jpeg")):
            srcset = ", ".join(
                f"{reverse('learn:cover', kwargs={'pk': self.pk, 'width': w, 'fmt': fmt})} {w}w"
                for w in self.cover_widths
            )
            out.append({"type": content_type, "srcset": srcset})
        return out

    def cover_fallback_url(self) -> str:
        width = self.cover_widths[0] if self.cover_widths else 0
        return reverse("learn:cover", kwargs={"pk": self.pk, "width": width, "fmt": "jpg"})

    def render(self) -> None:
        """Derive the HTML and the reading time (from the Dutch text) from the Markdown source."""
        self.body_html_nl = render_markdown(self.body_nl)
        self.body_html_en = render_markdown(self.body_en) if self.body_en else ""
        self.reading_minutes = reading_minutes_for(self.body_nl)


class ArticleRevision(models.Model):
    """The texts of an article as saved once, with who and when. Restoring one saves its texts
    again, which makes a new revision (nothing is rewritten)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("versie"))
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True, default="")
    summary_nl = models.TextField()
    summary_en = models.TextField(blank=True, default="")
    body_nl = models.TextField()
    body_en = models.TextField(blank=True, default="")
    sources = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class HiddenArticle(models.Model):
    """A shipped article a practice's owner hid from the knowledge base."""

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="hidden_articles"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hides")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "article"], name="hidden_article_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} hidden by {self.practice_id}"


@receiver(post_delete, sender=Article)
def _delete_cover_files(sender: type, instance: Article, **kwargs: object) -> None:
    """An article that goes (its practice deleted, or in the admin) takes its image files along,
    once the deletion is committed."""
    if not instance.cover:
        return
    from django.core.files.storage import default_storage

    names = [f"{instance.cover}-{w}.{e}" for w in instance.cover_widths for e in ("webp", "jpg")]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
