from django.urls import path

from reviews.evidence import views as evidence
from reviews.follow_ups import views as follow_ups
from reviews.people import views as people
from reviews.plan import views as plan
from reviews.precheck import views as precheck
from reviews.priority import views as priority
from reviews.reminders import views as reminders
from reviews.reporting import views as reporting
from reviews.roster import views as roster
from reviews.survey import batch_views
from reviews.survey import views as survey
from reviews.tasks import enqueue_replan, enqueue_sends

app_name = "reviews"
urlpatterns = [
    path("plan/", plan.plan_overview, name="plan"),
    path("plan/move/", plan.plan_move, name="plan-move"),
    path("plan/lock/<int:year>/", plan.plan_lock_year, name="plan-lock"),
    path("plan/unlock/<int:year>/", plan.plan_unlock_year, name="plan-unlock"),
    # the plan step may not import the tasks: the re-plan's doorbell is handed to the view here
    path("plan/replan/", plan.plan_replan, {"enqueue": enqueue_replan}, name="plan-replan"),
    path("plan/runs/<int:pk>/", plan.plan_run_status, name="plan-run"),
    path("plan/export.csv", plan.plan_export, {"fmt": "csv"}, name="plan-export-csv"),
    path("plan/export.xlsx", plan.plan_export, {"fmt": "xlsx"}, name="plan-export-xlsx"),
    path("priorities/", priority.priority_list, name="priorities"),
    path(
        "priorities/export.csv",
        priority.priority_export,
        {"fmt": "csv"},
        name="priorities-export-csv",
    ),
    path(
        "priorities/export.xlsx",
        priority.priority_export,
        {"fmt": "xlsx"},
        name="priorities-export-xlsx",
    ),
    path("follow-ups/", follow_ups.follow_up_list, name="follow-ups"),
    path("follow-ups/new/", follow_ups.follow_up_create, name="follow-up-create"),
    path("follow-ups/<int:pk>/status/", follow_ups.follow_up_update, name="follow-up-update"),
    path(
        "follow-ups/export.csv",
        follow_ups.follow_up_export,
        {"fmt": "csv"},
        name="follow-ups-export-csv",
    ),
    path(
        "follow-ups/export.xlsx",
        follow_ups.follow_up_export,
        {"fmt": "xlsx"},
        name="follow-ups-export-xlsx",
    ),
    path("assignments/", survey.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", survey.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/answer/", survey.assignment_answer, name="assignment-answer"),
    path("assignments/<int:pk>/decide/", survey.assignment_decide, name="assignment-decide"),
    path("batches/", batch_views.batch_list, name="batches"),
    path("reminders/", reminders.reminder_log, name="reminders"),
    path(
        "reminders/<int:pk>/resend/",
        reminders.reminder_resend,
        {"enqueue": enqueue_sends},
        name="reminder-resend",
    ),
    path("notifications/", reminders.notification_list, name="notifications"),
    path("batches/<int:pk>/", batch_views.batch_detail, name="batch"),
    path("dashboard/", reporting.survey_dashboard, name="dashboard"),
    path(
        "specifications/not-surveyed/",
        evidence.candidate_list,
        name="specification-candidates",
    ),
    path(
        "specifications/not-surveyed.csv",
        evidence.candidate_export,
        {"fmt": "csv"},
        name="specification-candidates-csv",
    ),
    path(
        "specifications/not-surveyed.xlsx",
        evidence.candidate_export,
        {"fmt": "xlsx"},
        name="specification-candidates-xlsx",
    ),
    path("roster/", roster.roster_upload, name="roster"),
    path("roster/confirm/", roster.roster_confirm, name="roster-confirm"),
    path("roster/coverage/", roster.roster_coverage, name="roster-coverage"),
    path("people/", people.people_list, name="people"),
    path("people/export.csv", people.people_export, {"fmt": "csv"}, name="people-export-csv"),
    path("people/export.xlsx", people.people_export, {"fmt": "xlsx"}, name="people-export-xlsx"),
    path("people/<int:pk>/invite/", people.person_invite, name="person-invite"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person-deactivate"),
    path("invitation/<str:token>/", people.invitation_accept, name="invitation"),
    path("precheck/", precheck.precheck_list, name="precheck"),
    path("precheck/overview/", precheck.precheck_overview, name="precheck-overview"),
    path("precheck/marks/<int:pk>/", precheck.mark_detail, name="precheck-mark"),
    path("hand-overs/", precheck.hand_over_list, name="hand-overs"),
    path(
        "assignments/<int:pk>/hand-over/",
        precheck.assignment_hand_over,
        {"enqueue": enqueue_sends},
        name="assignment-hand-over",
    ),
]
