"""The catalog's API. The project mounts it through catalog_router(), which lets another app
compose its filters in with a subclass of StandardViewSet (jisreview/urls.py does, with the survey
filters)."""

from rest_framework.routers import DefaultRouter

from standards.api import StandardViewSet
from standards.specifications.api import SpecificationViewSet


def catalog_router(viewset: type[StandardViewSet] = StandardViewSet) -> DefaultRouter:
    router = DefaultRouter()
    router.register("standards", viewset, basename="standard")
    router.register("specifications", SpecificationViewSet, basename="specification")
    return router


urlpatterns = catalog_router().urls
