from django.urls import path, re_path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("saved-searches/", views.saved_search_create, name="saved-search-create"),
    path("saved-searches/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
    path("tokens/", views.api_token_list, name="api-tokens"),
    # a token is named by its digest (SHA-512, 128 hex digits): knox stores nothing else unique
    re_path(
        r"^tokens/(?P<digest>[0-9a-f]{128})/revoke/$",
        views.api_token_revoke_view,
        name="api-token-revoke",
    ),
]
