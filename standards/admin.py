from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from standards.models import DraftingBody, InternationalCorrespondence, Ministry, Standard


class CorrespondenceInline(admin.TabularInline):
    model = InternationalCorrespondence
    extra = 0


@admin.register(Standard)
class StandardAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "title_ja",
        "division",
        "status",
        "review_due_on",
        "fast_track",
        "is_generated",
    )
    list_filter = (
        "division",
        "status",
        "fast_track",
        "is_generated",
        "ministries",
        "review_due_fy",
    )
    search_fields = ("number", "title_ja", "title_en", "search_text")
    list_select_related = ()
    show_full_result_count = False
    list_per_page = 50
    autocomplete_fields = ("drafting_body",)
    filter_horizontal = ("ministries",)
    readonly_fields = ("division", "review_due_on", "review_due_fy", "updated_at")
    inlines = [CorrespondenceInline]


@admin.register(Ministry)
class MinistryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ja", "name_en", "contact_email", "sort_order")
    search_fields = ("code", "name_ja", "name_en")


@admin.register(DraftingBody)
class DraftingBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_email")
    search_fields = ("name",)
    show_full_result_count = False


@admin.register(InternationalCorrespondence)
class InternationalCorrespondenceAdmin(SimpleHistoryAdmin):
    list_display = ("designation", "degree", "standard")
    list_filter = ("degree",)
    search_fields = ("designation", "standard__number")
    list_select_related = ("standard",)
    autocomplete_fields = ("standard",)
    show_full_result_count = False
