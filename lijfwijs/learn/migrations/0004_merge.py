# The practice's articles (0003_practice_articles) and the search index (0003_search) both follow
# 0002. On SQLite the articles' changes rebuild learn_article, which drops the search index's
# triggers, so the index is installed again after both (search.install is idempotent).
from django.db import migrations

from lijfwijs.learn import search


class Migration(migrations.Migration):
    dependencies = [("learn", "0003_practice_articles"), ("learn", "0003_search")]
    operations = [migrations.RunPython(search.install, migrations.RunPython.noop)]
