from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import PlanEntry, PlanYear, Programme


class PlanYearInline(admin.TabularInline):
    model = PlanYear
    extra = 0
    readonly_fields = ("locked_by",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "start_fy",
        "years",
        "yearly_capacity",
        "tolerance_percent",
        "planned_at",
    )
    inlines = [PlanYearInline]


@admin.register(PlanEntry)
class PlanEntryAdmin(SimpleHistoryAdmin):
    list_display = ("standard", "fiscal_year", "reason", "locked", "ministry")
    list_filter = ("programme", "fiscal_year", "reason", "locked", "ministry")
    search_fields = ("standard__number", "standard__title_ja")
    list_select_related = ("standard", "ministry")
    raw_id_fields = ("standard",)
    show_full_result_count = False
