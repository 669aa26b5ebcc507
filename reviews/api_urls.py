from django.urls import path
from rest_framework.routers import DefaultRouter

from reviews.api import PlanEntryViewSet, ProgressView
from reviews.survey_api import AssignmentViewSet, BatchViewSet

router = DefaultRouter()
router.register("plan", PlanEntryViewSet, basename="plan")
router.register("batches", BatchViewSet, basename="batch")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = [path("reports/progress/", ProgressView.as_view(), name="progress"), *router.urls]
