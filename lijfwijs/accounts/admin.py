from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "is_active", "date_joined"]
    search_fields = ["email"]
    list_filter = ["role", "is_active"]
