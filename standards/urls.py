"""The catalog's pages. The project mounts them through catalog_urls(), which lets another app
compose its filters into the list page (jisreview/urls.py does, with the survey filters)."""

from django.urls import path

from standards import views
from standards.alignment import views as alignment_views
from standards.filters import StandardFilter
from standards.specifications import views as specifications

app_name = "standards"


def catalog_urls(filterset_class: type[StandardFilter] = StandardFilter) -> list:
    return [
        path("", views.standard_list, {"filterset_class": filterset_class}, name="list"),
        path("import/", views.standard_import, name="import"),
        path(
            "import/<str:token>/<str:name>.csv",
            views.standard_import_file,
            name="import-file",
        ),
        path("international/", alignment_views.international_import, name="international-import"),
        path("<int:pk>/", views.standard_detail, name="detail"),
        *specification_urls(),
    ]


def specification_urls() -> list:
    return [
        path("specifications/", specifications.specification_list, name="specifications"),
        path(
            "specifications/progress/",
            specifications.specification_progress,
            name="specification-progress",
        ),
        path("specifications/fix-it/", specifications.fix_it_list, name="specification-fix-it"),
        path(
            "specifications/fix-it.csv",
            specifications.fix_it_export,
            {"fmt": "csv"},
            name="specification-fix-it-csv",
        ),
        path(
            "specifications/fix-it.xlsx",
            specifications.fix_it_export,
            {"fmt": "xlsx"},
            name="specification-fix-it-xlsx",
        ),
        path(
            "specifications/<int:pk>/",
            specifications.specification_detail,
            name="specification",
        ),
        path(
            "specifications/<int:pk>/rescan/",
            specifications.specification_rescan,
            name="specification-rescan",
        ),
    ]


urlpatterns = catalog_urls()
