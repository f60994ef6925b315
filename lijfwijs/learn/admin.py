from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title_nl",
        "category",
        "reading_minutes",
        "status",
        "is_published",
        "published_at",
        "practice",
        "builtin",
    ]
    list_filter = ["category", "status", "is_published", "builtin"]
    raw_id_fields = ["practice", "author"]
    search_fields = ["slug", "title_nl", "title_en", "summary_nl", "summary_en"]
    prepopulated_fields = {"slug": ["title_nl"]}
    filter_horizontal = ["related"]
    readonly_fields = ["reading_minutes"]
    date_hierarchy = "published_at"
    ordering = ["sort_order", "slug"]
