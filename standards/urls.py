from django.urls import path

from standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("import/", views.standard_import, name="import"),
    path("<int:pk>/", views.standard_detail, name="detail"),
]
