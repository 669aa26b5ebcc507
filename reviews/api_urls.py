from rest_framework.routers import DefaultRouter

from reviews.api import PlanEntryViewSet

router = DefaultRouter()
router.register("plan", PlanEntryViewSet, basename="plan")

urlpatterns = router.urls
