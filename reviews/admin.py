from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Assignment,
    Batch,
    FollowUp,
    PlanEntry,
    PlanYear,
    Programme,
    QuestionnaireVersion,
    Response,
    RoutingRule,
    StandardOutcome,
    Transition,
)


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


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "title_ja", "content_hash", "published_at")
    readonly_fields = (
        "code",
        "version",
        "title_ja",
        "title_en",
        "definition",
        "content_hash",
        "published_at",
    )

    def has_change_permission(self, request, obj=None):
        return False  # a published version never changes


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "value")
    list_filter = ("kind",)
    filter_horizontal = ("reviewers",)


@admin.register(Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ("name", "fiscal_year", "reviewer", "due_on")
    list_filter = ("fiscal_year",)
    list_select_related = ("reviewer",)
    raw_id_fields = ("reviewer", "coordinator")


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    """Read-only here: states change only through the workflow (screens and API)."""

    list_display = ("standard", "reviewer", "state", "due_on", "fiscal_year")
    list_filter = ("state", "fiscal_year")
    search_fields = ("standard__number",)
    list_select_related = ("standard", "reviewer")
    readonly_fields = (
        "batch",
        "standard",
        "reviewer",
        "questionnaire",
        "fiscal_year",
        "state",
        "due_on",
        "submitted_at",
        "decided_at",
        "return_comment",
    )
    inlines = [TransitionInline]
    show_full_result_count = False


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ("assignment", "version", "updated_at", "updated_by")
    readonly_fields = ("assignment", "answers", "version", "updated_by")
    list_select_related = ("assignment", "updated_by")


@admin.register(StandardOutcome)
class StandardOutcomeAdmin(SimpleHistoryAdmin):
    list_display = (
        "standard",
        "usability",
        "cited_in_procurement",
        "recommended_action",
        "accepted_at",
    )
    list_filter = ("usability", "cited_in_procurement", "recommended_action")
    list_select_related = ("standard",)
    raw_id_fields = ("standard", "response")


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("standard", "action", "ministry", "due_on", "status", "updated_at")
    list_filter = ("status", "ministry")
    search_fields = ("standard__number", "action")
    list_select_related = ("standard", "ministry")
    raw_id_fields = ("standard", "created_by")
