from django.urls import path
from rest_framework.routers import DefaultRouter

from reviews.api import AnswerDistributionView, BurndownView, PlanEntryViewSet, ProgressView
from reviews.follow_up_api import FollowUpViewSet
from reviews.priority_api import PriorityStandardViewSet
from reviews.survey_api import AssignmentViewSet, BatchViewSet

router = DefaultRouter()
router.register("plan", PlanEntryViewSet, basename="plan")
router.register("priorities", PriorityStandardViewSet, basename="priority")
router.register("batches", BatchViewSet, basename="batch")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("assignments", AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("reports/progress/", ProgressView.as_view(), name="progress"),
    path("reports/burndown/", BurndownView.as_view(), name="burndown"),
    path("reports/answers/", AnswerDistributionView.as_view(), name="answers"),
    *router.urls,
]
