from django.urls import path

from reviews import dashboard_views, follow_up_views, priority_views, survey_views, views

app_name = "reviews"
urlpatterns = [
    path("plan/", views.plan_overview, name="plan"),
    path("plan/move/", views.plan_move, name="plan-move"),
    path("plan/lock/<int:year>/", views.plan_lock_year, name="plan-lock"),
    path("plan/export.csv", views.plan_export, {"fmt": "csv"}, name="plan-export-csv"),
    path("plan/export.xlsx", views.plan_export, {"fmt": "xlsx"}, name="plan-export-xlsx"),
    path("priorities/", priority_views.priority_list, name="priorities"),
    path(
        "priorities/export.csv",
        priority_views.priority_export,
        {"fmt": "csv"},
        name="priorities-export-csv",
    ),
    path(
        "priorities/export.xlsx",
        priority_views.priority_export,
        {"fmt": "xlsx"},
        name="priorities-export-xlsx",
    ),
    path("follow-ups/", follow_up_views.follow_up_list, name="follow-ups"),
    path("follow-ups/new/", follow_up_views.follow_up_create, name="follow-up-create"),
    path("follow-ups/<int:pk>/status/", follow_up_views.follow_up_update, name="follow-up-update"),
    path(
        "follow-ups/export.csv",
        follow_up_views.follow_up_export,
        {"fmt": "csv"},
        name="follow-ups-export-csv",
    ),
    path(
        "follow-ups/export.xlsx",
        follow_up_views.follow_up_export,
        {"fmt": "xlsx"},
        name="follow-ups-export-xlsx",
    ),
    path("assignments/", survey_views.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", survey_views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/answer/", survey_views.assignment_answer, name="assignment-answer"),
    path("assignments/<int:pk>/decide/", survey_views.assignment_decide, name="assignment-decide"),
    path("batches/", survey_views.batch_list, name="batches"),
    path("reminders/", survey_views.reminder_log, name="reminders"),
    path("notifications/", survey_views.notification_list, name="notifications"),
    path("batches/<int:pk>/", survey_views.batch_detail, name="batch"),
    path("dashboard/", dashboard_views.survey_dashboard, name="dashboard"),
]
