"""The article editor's form: texts in Dutch (and optionally English), sources, related reads, a
cover image with its description, and when it appears (in the practice's time zone)."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lijfwijs.core.dates import MomentField
from lijfwijs.core.ids import ModelChoices

from . import services
from .models import Article, Category

MAX_BODY = 100_000
MAX_SOURCES = 30
ACTIONS = ("preview", "draft", "schedule", "publish", "unpublish")
MARKDOWN_HINT = gettext_lazy(
    "In Markdown: een lege regel tussen alinea's, ## voor een tussenkop, **vet**, *schuin*, "
    "[linktekst](https://…) en lijstjes met een streepje."
)


def _text(label: Any, max_length: int, *, required: bool, rows: int = 0, **kw: Any) -> Any:
    widget = forms.Textarea(attrs={"rows": rows, "spellcheck": "true"}) if rows else None
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "required": gettext_lazy("Vul dit in."),
            "max_length": gettext_lazy("Dit is te lang: hoogstens %(limit_value)d tekens."),
        },
        **kw,
    )


class ArticleForm(forms.Form):
    title_nl = _text(gettext_lazy("Titel"), 200, required=True)
    summary_nl = _text(
        gettext_lazy("Samenvatting"),
        600,
        required=True,
        rows=3,
        help_text=gettext_lazy("Een of twee zinnen; te zien in de lijst en bij het delen."),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Onderwerp"),
        choices=Category.choices,
        error_messages={"invalid_choice": gettext_lazy("Kies een onderwerp uit de lijst.")},
    )
    body_nl = _text(
        gettext_lazy("Tekst"), MAX_BODY, required=True, rows=18, help_text=MARKDOWN_HINT
    )
    title_en = _text(gettext_lazy("Titel in het Engels (niet verplicht)"), 200, required=False)
    summary_en = _text(
        gettext_lazy("Samenvatting in het Engels (niet verplicht)"), 600, required=False, rows=3
    )
    body_en = _text(
        gettext_lazy("Tekst in het Engels (niet verplicht)"),
        MAX_BODY,
        required=False,
        rows=12,
        help_text=MARKDOWN_HINT,
    )
    sources = _text(
        gettext_lazy("Bronnen (niet verplicht)"),
        10_000,
        required=False,
        rows=4,
        help_text=gettext_lazy(
            "Eén bron per regel. Een link zet je erachter na een verticale streep: "
            "Auteur (2020). Titel. | https://…"
        ),
    )
    related = ModelChoices(
        label=gettext_lazy("Lees ook (niet verplicht)"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Kies artikelen uit de lijst.")},
    )
    cover_upload = forms.FileField(
        label=gettext_lazy("Afbeelding (niet verplicht)"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG of WebP, hoogstens 8 MB. Liefst breed, 1440 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    cover_alt_nl = _text(
        gettext_lazy("Beschrijving van de afbeelding"),
        300,
        required=False,
        help_text=gettext_lazy("Wat er te zien is, voor wie de afbeelding niet ziet."),
    )
    cover_alt_en = _text(
        gettext_lazy("Beschrijving van de afbeelding in het Engels (niet verplicht)"),
        300,
        required=False,
    )
    remove_cover = forms.BooleanField(label=gettext_lazy("Afbeelding weghalen"), required=False)
    publish_at = MomentField(
        label=gettext_lazy("Publiceren op (alleen bij inplannen)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": gettext_lazy("Vul een datum en tijd in, zoals 2026-12-24 09:00.")
        },
    )

    def __init__(
        self,
        *args: Any,
        article: Article | None,
        related_choices: Any,
        time_zone: str,
        action: str = "draft",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.article = article
        self.action = action
        self.zone = ZoneInfo(time_zone)
        self.fields["related"].queryset = related_choices
        self.cover: services.Cover | None = None

    def clean_sources(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["sources"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_SOURCES:
            raise forms.ValidationError(gettext_lazy("Hoogstens 30 bronnen."))
        sources = []
        for line in lines:
            text, _bar, url = (part.strip() for part in line.partition("|"))
            if url and not url.startswith(("https://", "http://")):
                raise forms.ValidationError(
                    gettext_lazy("Een link begint met https:// (bij: %(source)s)."),
                    params={"source": text[:60]},
                )
            if not text:
                raise forms.ValidationError(gettext_lazy("Zet bij elke link ook de bron."))
            sources.append({"text": text, "url": url})
        return sources

    def clean_cover_upload(self) -> Any:
        upload = self.cleaned_data.get("cover_upload")
        if upload:
            try:
                self.cover = services.check_cover(upload)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return upload

    def clean_publish_at(self) -> datetime | None:
        value = self.cleaned_data.get("publish_at")
        if value is None:
            if self.action == "schedule":
                raise forms.ValidationError(gettext_lazy("Kies wanneer het artikel verschijnt."))
            return None
        # the form's time is the practice's wall clock (the browser sends no zone; Django read it
        # in the site's zone)
        local = timezone.make_naive(value) if timezone.is_aware(value) else value
        # within the years of core.dates, every zone's time has one in UTC
        value = local.replace(tzinfo=self.zone).astimezone(UTC)
        if self.action == "schedule" and value <= timezone.now():
            raise forms.ValidationError(gettext_lazy("Kies een moment in de toekomst."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_cover = self.cover is not None or (
            self.article is not None and self.article.cover and not data.get("remove_cover")
        )
        if has_cover and not data.get("cover_alt_nl") and "cover_alt_nl" not in self.errors:
            self.add_error(
                "cover_alt_nl",
                gettext_lazy("Beschrijf de afbeelding, voor wie haar niet kan zien."),
            )
        return data

    def texts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.REVISED_FIELDS}


def initial_for(article: Article, time_zone: str) -> dict[str, Any]:
    zone = ZoneInfo(time_zone)
    return {
        **{name: getattr(article, name) for name in services.REVISED_FIELDS},
        "sources": "\n".join(
            f"{s['text']} | {s['url']}" if s.get("url") else s["text"] for s in article.sources
        ),
        "related": list(article.related.values_list("pk", flat=True)),
        "cover_alt_nl": article.cover_alt_nl,
        "cover_alt_en": article.cover_alt_en,
        "publish_at": timezone.localtime(article.published_at, zone).replace(tzinfo=None)
        if article.status == "scheduled"
        else None,
    }
