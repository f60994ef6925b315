"""Articles of the knowledge base (kennisbank): Markdown in two languages, rendered when saved."""

import math
import re
import xml.etree.ElementTree as etree

import markdown
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from lijfwijs.core.i18n import Translated

WORDS_PER_MINUTE = 200
SAFE_LINK = re.compile(r"^(https?://|mailto:|tel:\+?[0-9]+$|/|#)", re.IGNORECASE)


class _SafeLinks(Treeprocessor):
    """Drop link targets with a scheme we do not allow (javascript:, data:, …)."""

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            if not SAFE_LINK.match(link.get("href", "")):
                link.attrib.pop("href", None)


class _SafeLinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


def render_markdown(source: str) -> str:
    """Markdown to HTML with raw HTML escaped (articles are edited in the admin too)."""
    md = markdown.Markdown(extensions=["sane_lists", _SafeLinksExtension()], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(source)


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


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> "ArticleQuerySet":
        return self.filter(is_published=True, published_at__lte=timezone.now())

    def grouped_by_category(self) -> list[tuple[str, str, list["Article"]]]:
        """(category, label, articles) in the order of Category, leaving out empty categories."""
        by_category: dict[str, list[Article]] = {}
        for article in self:
            by_category.setdefault(article.category, []).append(article)
        return [
            (category.value, category.label, by_category[category.value])
            for category in Category
            if category.value in by_category
        ]


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
    is_published = models.BooleanField(_("gepubliceerd"), default=True)
    published_at = models.DateTimeField(_("publicatiedatum"), default=timezone.now)
    sort_order = models.PositiveIntegerField(_("volgorde"), default=0)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    title = Translated()
    summary = Translated()
    body = Translated()
    body_html = Translated()

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

    def render(self) -> None:
        """Derive the HTML and the reading time (from the Dutch text) from the Markdown source."""
        self.body_html_nl = render_markdown(self.body_nl)
        self.body_html_en = render_markdown(self.body_en) if self.body_en else ""
        self.reading_minutes = reading_minutes_for(self.body_nl)
