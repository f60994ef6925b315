"""Load the built-in articles (articles/*.toml) into the database, idempotently.

The files are the source of truth for built-in articles: a second run changes nothing, and an
article whose file was removed is unpublished (never deleted).
"""

import datetime
import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import Article, Category, reading_minutes_for, render_markdown

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
LANGUAGES = ("nl", "en")
DOMAINS = {"stress", "breathing", "movement", "nutrition", "sleep", "immune"}


def _fail(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{path.name}: {message}")


def _texts(path: Path, data: dict[str, Any], key: str) -> dict[str, str]:
    texts = data.get(key, {})
    result = {}
    for lang in LANGUAGES:
        value = texts.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise _fail(path, f"{key}.{lang} is missing")
        result[lang] = value.strip()
    return result


def parse_file(path: Path) -> dict[str, Any]:
    """Read one article file: field values plus `related` (a list of slugs)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    slug = data.get("slug")
    if slug != path.stem:
        raise _fail(path, f"slug {slug!r} must equal the file name")
    category = data.get("category")
    if category not in Category.values:
        raise _fail(path, f"unknown category {category!r}")
    domains = list(data.get("domains", []))
    if not set(domains) <= DOMAINS:
        raise _fail(path, f"unknown domain in {domains!r}")
    sources = []
    for source in data.get("sources", []):
        if not source.get("text"):
            raise _fail(path, "every source needs a text")
        sources.append({"text": source["text"].strip(), "url": source.get("url", "").strip()})
    published_at = data.get("published_at")
    if published_at is not None and not (
        isinstance(published_at, datetime.datetime) and published_at.tzinfo is not None
    ):
        raise _fail(path, "published_at must be a date and time with a UTC offset")

    title = _texts(path, data, "title")
    summary = _texts(path, data, "summary")
    body = _texts(path, data, "body")
    fields: dict[str, Any] = {
        "slug": slug,
        "category": category,
        "title_nl": title["nl"],
        "title_en": title["en"],
        "summary_nl": summary["nl"],
        "summary_en": summary["en"],
        "body_nl": body["nl"],
        "body_en": body["en"],
        "body_html_nl": render_markdown(body["nl"]),
        "body_html_en": render_markdown(body["en"]),
        "reading_minutes": reading_minutes_for(body["nl"]),
        "sources": sources,
        "domains": domains,
        "sort_order": int(data.get("sort_order", 0)),
        "builtin": True,
        "is_published": bool(data.get("published", True)),
    }
    if published_at is not None:
        fields["published_at"] = published_at
    return {"fields": fields, "related": list(data.get("related", []))}


def read_articles(directory: Path = ARTICLES_DIR) -> list[dict[str, Any]]:
    entries = [parse_file(path) for path in sorted(directory.glob("*.toml"))]
    slugs = {entry["fields"]["slug"] for entry in entries}
    for entry in entries:
        unknown = set(entry["related"]) - slugs
        if unknown:
            raise ImproperlyConfigured(
                f"{entry['fields']['slug']}: related article(s) not found: {sorted(unknown)}"
            )
    return entries


def load(directory: Path = ARTICLES_DIR) -> int:
    """Upsert every article by slug and set its related articles; returns how many files hold."""
    entries = read_articles(directory)
    slugs = [entry["fields"]["slug"] for entry in entries]
    articles = {
        a.slug: a
        for a in Article.objects.filter(slug__in=slugs, practice=None).prefetch_related("related")
    }
    for entry in entries:
        fields = entry["fields"]
        article = articles.get(fields["slug"])
        if article is None:
            articles[fields["slug"]] = Article.objects.create(**fields)
            continue
        changed = [name for name, value in fields.items() if getattr(article, name) != value]
        if changed:
            for name in changed:
                setattr(article, name, fields[name])
            article.save(update_fields=changed)
    now = timezone.now()
    for entry in entries:
        article = articles[entry["fields"]["slug"]]
        related = [articles[slug] for slug in entry["related"]]
        if {a.pk for a in article.related.all()} != {a.pk for a in related}:
            article.related.set(related)
            # The article's page shows its related reads: a new list is a new version of it.
            Article.objects.filter(pk=article.pk).update(updated_at=now)
    Article.objects.filter(builtin=True, is_published=True).exclude(slug__in=slugs).update(
        is_published=False, updated_at=now
    )
    return len(entries)
