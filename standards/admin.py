from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from standards import services
from standards.models import DraftingBody, InternationalCorrespondence, Ministry, Standard
from standards.specifications.models import SpecificationCitation, SpecificationDocument


class CorrespondenceInline(admin.TabularInline):
    model = InternationalCorrespondence
    extra = 0


@admin.register(Standard)
class StandardAdmin(SimpleHistoryAdmin):
    list_display = (
        "number",
        "edition_year",
        "title_ja",
        "kind",
        "division",
        "status",
        "review_due_on",
        "fast_track",
        "is_generated",
    )
    list_filter = (
        "kind",
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
    autocomplete_fields = ("drafting_body", "drafting_bodies")
    filter_horizontal = ("ministries",)
    readonly_fields = ("kind", "division", "review_due_on", "review_due_fy", "updated_at")
    inlines = [CorrespondenceInline]

    def save_model(self, request, obj, form, change):
        # The history entry is written once the ministries are saved too (save_related).
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        standard = form.instance
        del standard.skip_history_when_saving
        services.standard_history_record(
            standard=standard,
            by=request.user,
            reason=request.POST.get("_change_reason", "admin"),
            created=not change,
        )


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Kept by the upload and the scan (standards.specifications.services), which also tell the
    priority verdicts: the admin only looks."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpecificationDocument)
class SpecificationDocumentAdmin(ReadOnlyAdmin):
    # the manager defers the file's content: neither the list nor a document's page reads it
    list_display = ("title", "ministry", "file_name", "state", "pages", "uploaded_at")
    list_filter = ("state", "ministry")
    search_fields = ("title", "file_name", "content_hash")
    list_select_related = ("ministry",)
    exclude = ("content",)


@admin.register(SpecificationCitation)
class SpecificationCitationAdmin(ReadOnlyAdmin):
    list_display = ("number", "edition_year", "status", "document", "page", "sheet", "paragraph")
    list_filter = ("status",)
    search_fields = ("number", "document__title")
    list_select_related = ("document",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document__content")
