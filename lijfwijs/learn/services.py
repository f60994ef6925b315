"""The only write path for the articles a practice writes, and the lookup other apps link with.

- `may_write(membership)`: the owner, or a practitioner the owner allowed (`may_write_articles`).
- `save_article(...)`: create or change an article and, when its texts changed, add a revision;
  the action says what becomes of it (draft, scheduled, published now, back to draft).
- `restore(...)`: an earlier revision's texts saved again (a new revision).
- `hide(...)` / `show(...)`: a shipped article out of or back into the knowledge base.
- `publish_due(now)`: scheduled articles whose time passed get the status "published"
  (bookkeeping only: `Article.objects.published()` shows them from their time on).
- `article_slugs_for(slugs)`: what a report or program step may link to for the slugs it names.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lijfwijs.accounts.models import Membership, Practice, User

from . import statements
from .models import Article, ArticleRevision, HiddenArticle, Status

REVISED_FIELDS = (
    "category",
    "title_nl",
    "title_en",
    "summary_nl",
    "summary_en",
    "body_nl",
    "body_en",
    "sources",
)
COVER_FOLDER = "article-covers"
COVER_MAX_BYTES = 8 * 1024 * 1024
COVER_MAX_SIDE = 8000  # pixels; checked before decoding (no decompression bombs)
COVER_WIDTHS = (480, 960, 1440)
COVER_FORMATS = {"JPEG", "PNG", "WEBP"}
COVER_FILES = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}


class Action:
    DRAFT = "draft"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


def user_may_write(user: Any) -> bool:
    """Whether the person may write the practice's articles (the menu's "Artikelen")."""
    return bool(getattr(user, "is_practitioner", False)) and may_write(user.membership)


def may_write(membership: Membership | None) -> bool:
    if membership is None:
        return False
    if membership.role == Membership.Role.OWNER:
        return True
    return membership.role == Membership.Role.PRACTITIONER and membership.may_write_articles


# --- cover images --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """A checked cover image: the files to keep, by name suffix ("960.webp": bytes)."""

    files: dict[str, bytes]
    widths: list[int]


def cover_storage() -> Storage:
    return default_storage


def check_cover(upload: Any) -> Cover:
    """A JPEG, PNG or WebP of at most 8 MB, opened and decoded by Pillow and written again at
    the cover widths (not wider than the original) as WebP and JPEG: pixels only, no EXIF
    (a photo's location) and nothing else hidden in the file. ValueError with the message for
    the person otherwise."""
    if upload.size > COVER_MAX_BYTES:
        raise ValueError(_("De afbeelding mag hoogstens 8 MB zijn."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in COVER_FORMATS:
                raise ValueError(_("Kies een JPEG-, PNG- of WebP-afbeelding."))
            if max(image.size) > COVER_MAX_SIDE:
                raise ValueError(_("De afbeelding mag hoogstens 8000 pixels breed en hoog zijn."))
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValueError(_("Dit bestand is geen afbeelding die we kunnen openen.")) from None
    widths = [w for w in COVER_WIDTHS if w <= picture.width] or [picture.width]
    files = {}
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        resized = picture.resize((width, height), Image.Resampling.LANCZOS)
        for extension, (fmt, _type) in COVER_FILES.items():
            out = BytesIO()
            resized.save(out, format=fmt, quality=82)
            files[f"{width}.{extension}"] = out.getvalue()
    return Cover(files, widths)


def cover_file(article: Article, width: int, extension: str) -> tuple[Any, str] | None:
    """One of the article's cover files as (open file, content type), or None."""
    if not article.cover or width not in article.cover_widths or extension not in COVER_FILES:
        return None
    name = f"{article.cover}-{width}.{extension}"
    storage = cover_storage()
    if not storage.exists(name):
        return None
    return storage.open(name, "rb"), COVER_FILES[extension][1]


def _store_cover(article: Article, cover: Cover | None) -> list[str]:
    """Write the new cover's files and point the article at them; returns the old files' names
    (deleted after the commit)."""
    storage = cover_storage()
    old = [f"{article.cover}-{w}.{e}" for w in article.cover_widths for e in COVER_FILES]
    if cover is None:
        article.cover, article.cover_widths = "", []
        return old
    base = f"{COVER_FOLDER}/{article.pk}-{secrets.token_hex(8)}"
    for suffix, data in cover.files.items():
        saved = storage.save(f"{base}-{suffix}", ContentFile(data))
        if saved != f"{base}-{suffix}":  # the storage renamed it: a clash, never expected
            raise OSError("cover name taken")
    article.cover, article.cover_widths = base, cover.widths
    return old


# --- writing -------------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = (slugify(title)[:70] or "artikel").strip("-")
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _revise(article: Article, by: User | None) -> ArticleRevision:
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        author=by,
        **{name: getattr(article, name) for name in REVISED_FIELDS},
    )


def _texts_changed(article: Article, texts: dict[str, Any]) -> bool:
    return any(getattr(article, name) != texts[name] for name in REVISED_FIELDS)


def save_article(
    practice: Practice,
    by: User,
    article: Article | None,
    texts: dict[str, Any],
    *,
    action: str,
    publish_at: datetime | None = None,
    related: list[Article] | None = None,
    cover: Cover | None = None,
    remove_cover: bool = False,
    cover_alt_nl: str | None = None,
    cover_alt_en: str | None = None,
    now: datetime | None = None,
) -> Article:
    """Create (article None) or change one of `practice`'s articles. `texts` holds every field
    of REVISED_FIELDS. `action`: Action.DRAFT keeps (or makes) it a draft, SCHEDULE plans it at
    `publish_at`, PUBLISH publishes it now, UNPUBLISH makes it a draft again."""
    now = now or timezone.now()
    if article is not None and article.practice_id != practice.pk:
        raise ValueError("not this practice's article")
    if action == Action.SCHEDULE and (publish_at is None or publish_at <= now):
        raise ValueError("a schedule needs a time in the future")
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _save(
                    practice, by, article, texts, action, publish_at, related, cover,
                    remove_cover, cover_alt_nl, cover_alt_en, now,
                )  # fmt: skip
        except IntegrityError:
            # a new article's slug taken by another at the same moment: a new slug. (Changes
            # to one article queue on its row lock, so their revision numbers never clash.)
            if attempt == 2 or article is not None:
                raise
    raise AssertionError("unreachable")


def _save(
    practice: Practice,
    by: User,
    article: Article | None,
    texts: dict[str, Any],
    action: str,
    publish_at: datetime | None,
    related: list[Article] | None,
    cover: Cover | None,
    remove_cover: bool,
    cover_alt_nl: str | None,
    cover_alt_en: str | None,
    now: datetime,
) -> Article:
    creating = article is None
    if article is None:
        article = Article(
            practice=practice,
            author=by,
            slug=_unique_slug(texts["title_nl"]),
            status=Status.DRAFT,
            published_at=now,
        )
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
    changed = creating or _texts_changed(article, texts)
    for name in REVISED_FIELDS:
        setattr(article, name, texts[name])
    if cover_alt_nl is not None:
        article.cover_alt_nl = cover_alt_nl
    if cover_alt_en is not None:
        article.cover_alt_en = cover_alt_en
    if action == Action.SCHEDULE:
        article.status, article.published_at = Status.SCHEDULED, publish_at
    elif action == Action.PUBLISH:
        if article.status != Status.PUBLISHED:
            article.published_at = now
        article.status = Status.PUBLISHED
    elif action == Action.UNPUBLISH:
        article.status = Status.DRAFT
    if creating:
        article.save()
    old_files: list[str] = []
    if cover is not None or remove_cover:
        old_files = _store_cover(article, cover)
        if remove_cover and cover is None:
            article.cover_alt_nl = article.cover_alt_en = ""
    article.save()
    if related is not None:
        article.related.set([a for a in related if a.pk != article.pk])
    if changed:
        _revise(article, by)
    if old_files:
        storage = cover_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    return article


def restore(article: Article, revision: ArticleRevision, by: User) -> Article:
    """The revision's texts become the article's again, as a new revision; the status stays."""
    if revision.article_id != article.pk:
        raise ValueError("not this article's revision")
    texts = {name: getattr(revision, name) for name in REVISED_FIELDS}
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        for name, value in texts.items():
            setattr(article, name, value)
        article.save()
        _revise(article, by)
    return article


def publish_due(now: datetime | None = None) -> int:
    """Scheduled articles whose time came: status "published". Idempotent (a second run finds
    none); how many changed."""
    now = now or timezone.now()
    return Article.objects.filter(status=Status.SCHEDULED, published_at__lte=now).update(
        status=Status.PUBLISHED, updated_at=F("published_at")
    )


# --- shipped articles ----------------------------------------------------------------------------


def hide(practice: Practice, article: Article, by: User) -> None:
    """Hide a shipped article from the practice's knowledge base (idempotent)."""
    if article.practice_id is not None:
        raise ValueError("only shipped articles are hidden")
    HiddenArticle.objects.get_or_create(
        practice=practice, article=article, defaults={"hidden_by": by}
    )
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())


def show(practice: Practice, article: Article) -> None:
    HiddenArticle.objects.filter(practice=practice, article=article).delete()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())


def article_slugs_for(slugs: list[str]) -> list[str]:
    """The articles to link for the slugs a report or program step names, in their order: a
    slug the knowledge base shows stays; one it does not (hidden, unpublished) is replaced by a
    shown shipped article of the same category not yet in the list, or left out. One query."""
    return [slug for slug, _title, _summary, _named in article_rows_for(slugs, "nl")]


def _article_rows_query(lang: str, count: int) -> Any:
    """`article_rows_for`'s rows for `count` slugs, with stand-ins for the slugs (each twice: the
    named ones, and the subjects of the named ones) and the moment (`learn.statements`)."""
    named = Article.objects.filter(slug__in=_stand_ins("named", count)).values("category")
    shown = Article.objects.published(statements.NOW).filter(pk=OuterRef("pk"))
    return (
        Article.objects.filter(
            Q(slug__in=_stand_ins("slug", count)) | Q(practice=None, category__in=named)
        )
        .annotate(shown=Exists(shown))
        .order_by("sort_order", "slug")
        .values_list(
            "slug",
            "category",
            "shown",
            "title_nl",
            f"title_{lang}",
            "summary_nl",
            f"summary_{lang}",
        )
    )


def _stand_ins(kind: str, count: int) -> list[str]:
    return [f"{statements.SLUG}-{kind}-{n}" for n in range(count)]


@lru_cache(maxsize=16)
def _article_rows_statement(lang: str, count: int) -> statements.Compiled:
    """The statement of `_article_rows_query`, compiled once per process, language and number of
    slugs (a report names up to three)."""
    slots = {
        f"{kind}{n}": statements.Slot(stand_in, None)
        for kind in ("slug", "named")
        for n, stand_in in enumerate(_stand_ins(kind, count))
    }
    return statements.Compiled(
        f"article-rows-{lang}-{count}",
        lambda: _article_rows_query(lang, count),
        now=statements.MOMENT,
        **slots,
    )


def article_rows_for(slugs: list[str], language: str) -> list[tuple[str, str, str, str]]:
    """`article_slugs_for` with each article's title and summary in `language` (Dutch where
    there is none) and the slug it stands for (itself, or the one it replaces):
    (slug, title, summary, named slug). One query, from a statement compiled once per process
    (building the queryset took the Pijntest report some thirty times what the database takes)."""
    if not slugs:
        return []
    lang = "en" if language == "en" else "nl"
    values = {f"{kind}{n}": slug for kind in ("slug", "named") for n, slug in enumerate(slugs)}
    rows = _article_rows_statement(lang, len(slugs)).rows(now=timezone.now(), **values)
    category_of = {row[0]: row[1] for row in rows}
    by_slug = {row[0]: row for row in rows if row[2]}
    chosen: dict[str, str] = {}  # shown slug: the named slug it stands for
    for slug in slugs:
        if slug in chosen:
            continue
        if slug in by_slug:
            chosen[slug] = slug
            continue
        for other, category, is_shown, *_texts in rows:
            if is_shown and category == category_of.get(slug) and other not in slugs:
                if other not in chosen:
                    chosen[other] = slug
                    break
    return [
        (slug, by_slug[slug][4] or by_slug[slug][3], by_slug[slug][6] or by_slug[slug][5], named)
        for slug, named in chosen.items()
    ]
