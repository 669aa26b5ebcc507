from rest_framework.routers import DefaultRouter

from reviews.api import PlanEntryViewSet
from reviews.survey_api import AssignmentViewSet, BatchViewSet

router = DefaultRouter()
router.register("plan", PlanEntryViewSet, basename="plan")
router.register("batches", BatchViewSet, basename="batch")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = router.urls
