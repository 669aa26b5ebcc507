"""The catalog's pages. The project mounts them through catalog_urls(), which lets another app
compose its filters into the list page (jisreview/urls.py does, with the survey filters)."""

from django.urls import path

from standards import views
from standards.filters import StandardFilter

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
        path("<int:pk>/", views.standard_detail, name="detail"),
    ]


urlpatterns = catalog_urls()
