from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("saved-searches/", views.saved_search_create, name="saved-search-create"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
]
