from django.contrib import admin

from .models import Exercise


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "kind", "duration_minutes", "builtin", "is_active", "sort_order"]
    list_filter = ["kind", "builtin", "is_active"]
    search_fields = ["slug", "name_nl", "name_en", "summary_nl", "summary_en"]
    prepopulated_fields = {"slug": ["name_nl"]}
    ordering = ["sort_order", "slug"]
