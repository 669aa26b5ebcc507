from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Affiliation"), {"fields": ("ministry", "drafting_body")}),
    )
    list_display = ("username", "email", "ministry", "drafting_body", "is_staff")
    list_filter = ("groups", "ministry", "is_staff", "is_superuser", "is_active")
    list_select_related = ("ministry", "drafting_body")
    autocomplete_fields = ("drafting_body",)
