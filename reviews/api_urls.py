from django.urls import path
from rest_framework.routers import DefaultRouter

from reviews.evidence.api import CandidateViewSet
from reviews.follow_ups.api import FollowUpViewSet
from reviews.plan.api import PlanEntryViewSet
from reviews.precheck.api import HandOverView
from reviews.priority.api import PriorityStandardViewSet
from reviews.reporting.api import AnswerDistributionView, BurndownView, ProgressView
from reviews.survey.api import AssignmentViewSet, BatchViewSet
from reviews.tasks import enqueue_sends

router = DefaultRouter()
router.register("plan", PlanEntryViewSet, basename="plan")
router.register("priorities", PriorityStandardViewSet, basename="priority")
router.register("batches", BatchViewSet, basename="batch")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("specification-candidates", CandidateViewSet, basename="specification-candidate")

urlpatterns = [
    path("reports/progress/", ProgressView.as_view(), name="progress"),
    path("reports/burndown/", BurndownView.as_view(), name="burndown"),
    path("reports/answers/", AnswerDistributionView.as_view(), name="answers"),
    path(
        "assignments/<int:pk>/hand-over/",
        HandOverView.as_view(enqueue=enqueue_sends),
        name="hand-over",
    ),
    *router.urls,
]
