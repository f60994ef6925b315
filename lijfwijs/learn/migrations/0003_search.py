"""Full-text search of the knowledge base (lijfwijs/learn/search.py): on SQLite an FTS5 table kept in
step by triggers, on PostgreSQL a GIN index per language on the searched expression."""

from django.db import migrations

from lijfwijs.learn import search


class Migration(migrations.Migration):
    dependencies = [
        ("learn", "0002_article_updated_at"),
    ]

    operations = [
        migrations.RunPython(search.install, search.uninstall, elidable=False),
    ]
