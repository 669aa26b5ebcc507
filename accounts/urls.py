from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("security/", views.security, name="security"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("two-factor/off/", views.two_factor_off, name="two-factor-off"),
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
