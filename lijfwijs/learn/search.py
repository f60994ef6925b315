"""Search in the knowledge base: SQLite FTS5 or PostgreSQL full-text search, published articles only.

What a visitor types is never passed on as query syntax: it is cut into words (letters and digits;
`"`, `*`, `NEAR`, `:` and the like are only characters or plain words), at most `MAX_WORDS` of them,
each matched as the start of a word, all of them required. So no query can fail.

- **SQLite**: the FTS5 table `learn_article_fts` (rowid = the article's id) holds each article's
  words in Dutch and as an English reader sees them (the English text, or the Dutch where there is
  none). Triggers on `learn_article` keep it in step with every write (a save, `update()`,
  `load_content`, the admin), made by migration 0003_search with `install`. A later migration that
  makes SQLite rebuild `learn_article` (adding a NOT NULL column does) drops those triggers: it must
  run `migrations.RunPython(search.install, migrations.RunPython.noop)` after itself (a test checks them).
  A search is one statement per language, compiled once per process (`learn.statements`): the FTS
  table joined with the published articles, ranked by bm25, the summary's matching part by `snippet`.
- **PostgreSQL**: a weighted `tsvector` (title A, summary B, text C) with the language's stemming
  ("dutch" / "english") in a stored generated column per language (`search_nl`, `search_en`,
  added by the migration with `install`, unknown to the model) with a GIN index; ranked with
  `ts_rank`, the summary's matching part by `ts_headline`. A migration that changes the type of a
  column these use must `uninstall` first and `install` after.

Both give plain values (no model rows) and the matching part of the summary with the words marked,
escaped here (`Hit.summary`).
"""

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lijfwijs.core.i18n import current_language

from . import statements

MAX_QUERY_CHARS = 200  # what the form accepts; longer input is cut, not refused
MAX_WORDS = 8
MAX_RESULTS = 50
_WORD = re.compile(r"[^\W_]+")
# Private-use characters mark the matched words in the database's answer; escaped text cannot hold
# them, so they become <mark> after escaping.
_START, _STOP = "\ue000", "\ue001"
PG_CONFIG = {"nl": "dutch", "en": "english"}
FTS_TABLE = "learn_article_fts"
_FTS_COLUMNS = ("title_nl", "summary_nl", "body_nl", "title_en", "summary_en", "body_en")


def words(query: str) -> list[str]:
    """The words of a query: letters and digits only, lower case, no repeats, at most MAX_WORDS."""
    found: list[str] = []
    for word in _WORD.findall(query[:MAX_QUERY_CHARS].lower()):
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


@dataclass
class Hit:
    slug: str
    category: str
    title: str  # in the language searched (Dutch where there is none)
    reading_minutes: int
    summary: SafeString  # the summary's matching part, matched words in <mark>


def search(query: str, language: str | None = None, now: datetime | None = None) -> list[Hit]:
    """The articles published at `now` (the present by default) that hold every word of
    `query`, best first, at most MAX_RESULTS. No words, no hits. One query."""
    terms = words(query)
    if not terms:
        return []
    language = language or current_language()
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        rows = _postgres(terms, language, now)
    else:
        # every word as a quoted string (FTS5 syntax inside it is text), matched as a prefix
        columns = " ".join(f"{name}_{language}" for name in ("title", "summary", "body"))
        match = " AND ".join(f'{{{columns}}} : "{term}"*' for term in terms)
        rows = _SQLITE[language].rows(now=now, match=match)
    return [
        Hit(slug, category, title or title_nl, minutes, _marked(summary))
        for slug, category, title_nl, title, minutes, summary in rows
    ]


def _marked(text: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped here, then only our own marks
        escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    )


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_query(language: str) -> Any:
    """The published articles matching the FTS5 query (a slot), best first by bm25, with the
    summary's matching part (`snippet`)."""
    from .models import Article

    summary_column = _FTS_COLUMNS.index(f"summary_{language}")
    return (
        Article.objects.published(statements.NOW)
        .extra(  # noqa: S610 - this module's constant names; what was typed is a parameter
            select={
                "summary_hit": f"snippet({FTS_TABLE}, %s, %s, %s, '…', 24)",
                "rank": f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0, 10.0, 4.0, 1.0)",
            },
            select_params=[summary_column, _START, _STOP],
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = learn_article.id", f"{FTS_TABLE} MATCH %s"],
            params=[statements.MATCH],
        )
        .order_by("rank", "id")
        .values_list(
            "slug", "category", "title_nl", f"title_{language}", "reading_minutes", "summary_hit"
        )[:MAX_RESULTS]
    )


_SQLITE = {
    language: statements.Compiled(
        f"search-{language}",
        functools.partial(_sqlite_query, language),
        now=statements.MOMENT,
        match=statements.A_MATCH,
    )
    for language in ("nl", "en")
}


def _fts_values(row: str) -> str:
    """The FTS columns' values from a row of learn_article (`new`), English falling back to Dutch."""
    values = []
    for column in _FTS_COLUMNS:
        name, lang = column.rsplit("_", 1)
        if lang == "nl":
            values.append(f"{row}.{column}")
        else:
            values.append(f"coalesce(nullif({row}.{column}, ''), {row}.{name}_nl)")
    return ", ".join(values)


def _sqlite_statements() -> list[str]:  # only this module's constant names in the SQL
    columns = ", ".join(_FTS_COLUMNS)
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {_fts_values('new')});"  # noqa: S608
    delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id;"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({columns}, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        f"DELETE FROM {FTS_TABLE}",  # noqa: S608
        f"INSERT INTO {FTS_TABLE}(rowid, {columns}) "  # noqa: S608
        f"SELECT new.id, {_fts_values('new')} FROM learn_article AS new",
        *(f"DROP TRIGGER IF EXISTS learn_article_fts_{when}" for when in SQLITE_TRIGGERS),
        f"CREATE TRIGGER learn_article_fts_insert AFTER INSERT ON learn_article BEGIN {insert} END",
        f"CREATE TRIGGER learn_article_fts_update AFTER UPDATE ON learn_article BEGIN "
        f"{delete} {insert} END",
        f"CREATE TRIGGER learn_article_fts_delete AFTER DELETE ON learn_article BEGIN {delete} END",
    ]


SQLITE_TRIGGERS = ("insert", "update", "delete")


# --- PostgreSQL -------------------------------------------------------------------------------


def _text(name: str, language: str) -> Any:
    """A column as a reader of `language` sees it: English falls back to Dutch when empty."""
    if language == "nl":
        return F(f"{name}_nl")
    return Coalesce(NullIf(F(f"{name}_en"), Value("")), F(f"{name}_nl"), output_field=TextField())


def vector(language: str) -> SearchVector:
    """The weighted text of an article in `language`: what the stored column `search_<language>`
    holds (PostgreSQL)."""
    config = PG_CONFIG[language]
    return (
        SearchVector(_text("title", language), weight="A", config=config)
        + SearchVector(_text("summary", language), weight="B", config=config)
        + SearchVector(_text("body", language), weight="C", config=config)
    )


def _postgres(terms: list[str], language: str, now: datetime) -> list[tuple[Any, ...]]:
    from .models import Article

    config = PG_CONFIG[language]
    # to_tsquery with each word quoted (so it is one lexeme, stemmed by the language) and a prefix
    query = SearchQuery(
        " & ".join(f"'{term}':*" for term in terms), search_type="raw", config=config
    )
    # the stored column of this language ("nl" or "en": PG_CONFIG's keys, checked above)
    column = f'"learn_article"."search_{language}"'
    stored = RawSQL(column, [], output_field=SearchVectorField())  # noqa: S611
    found = (
        Article.objects.published(now)
        .annotate(search=stored)
        .filter(search=query)
        .annotate(
            rank=SearchRank(F("search"), query),
            summary_hit=SearchHeadline(
                _text("summary", language),
                query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
            ),
        )
        .order_by("-rank", "sort_order", "slug")
        .values_list(
            "slug", "category", "title_nl", f"title_{language}", "reading_minutes", "summary_hit"
        )[:MAX_RESULTS]
    )
    return list(found)


def _postgres_statements(article: Any, schema_editor: Any) -> list[str]:
    """Per language a stored generated column `search_<language>` holding `vector(language)`
    (computed when a row is written, not per search; the model does not know these columns) and a
    GIN index on it."""
    statements = []
    for language in PG_CONFIG:
        query = article.objects.annotate(search=vector(language)).values("search").query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.compile(query.annotations["search"])
        # a generated column names its own row's columns without the table
        expression = (sql % tuple(schema_editor.quote_value(p) for p in params)).replace(
            '"learn_article".', ""
        )
        statements += [
            f"ALTER TABLE learn_article ADD COLUMN IF NOT EXISTS search_{language} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED",
            f"CREATE INDEX IF NOT EXISTS learn_article_search_{language} "
            f"ON learn_article USING GIN (search_{language})",
        ]
    return statements


# --- Installing (migrations) ------------------------------------------------------------------


def install(apps: Any = None, schema_editor: Any = None) -> None:
    """Make (or remake) the search index of this database: a migration's RunPython."""
    if apps is None:
        from .models import Article
    else:
        Article = apps.get_model("learn", "Article")  # noqa: N806 (a model class)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = _sqlite_statements()
        elif connection.vendor == "postgresql":
            if schema_editor is None:
                with connection.schema_editor() as schema_editor:
                    statements = _postgres_statements(Article, schema_editor)
            else:
                statements = _postgres_statements(Article, schema_editor)
        else:
            statements = []
        for statement in statements:
            cursor.execute(statement)


def uninstall(apps: Any = None, schema_editor: Any = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for when in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS learn_article_fts_{when}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            for language in PG_CONFIG:
                cursor.execute(f"DROP INDEX IF EXISTS learn_article_search_{language}")
                cursor.execute(f"ALTER TABLE learn_article DROP COLUMN IF EXISTS search_{language}")
