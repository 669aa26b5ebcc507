from rest_framework.routers import DefaultRouter

from standards.api import StandardViewSet

router = DefaultRouter()
router.register("standards", StandardViewSet, basename="standard")

urlpatterns = router.urls
