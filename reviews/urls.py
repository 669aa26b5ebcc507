from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("plan/", views.plan_overview, name="plan"),
    path("plan/move/", views.plan_move, name="plan-move"),
    path("plan/lock/<int:year>/", views.plan_lock_year, name="plan-lock"),
    path("plan/export.csv", views.plan_export, {"fmt": "csv"}, name="plan-export-csv"),
    path("plan/export.xlsx", views.plan_export, {"fmt": "xlsx"}, name="plan-export-xlsx"),
]
