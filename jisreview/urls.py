import csp.constants as csp
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts import views as accounts_views
from jisreview import views
from reviews.survey.api import SurveyCatalogViewSet
from reviews.survey.filters import SurveyStandardFilter
from standards.api_urls import catalog_router
from standards.urls import catalog_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The catalog's list page and API filter on survey results too: the catalog knows only its own
    # filters, and the survey's are composed in here, where the two apps meet.
    path("standards/", include((catalog_urls(SurveyStandardFilter), "standards"))),
    path("reviews/", include("reviews.urls")),
    path("api/", include(catalog_router(SurveyCatalogViewSet).urls)),
    path("api/", include("reviews.api_urls")),
    path("api/auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    path("api/auth/logout/", accounts_api.LogoutView.as_view(), name="api-logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # DRF views answer 401/403 themselves; the docs page is for browsers, so it redirects to login.
    path(
        "api/docs/",
        # the split view serves its start-up script as a file, so the page needs no inline script;
        # Swagger UI sets inline styles, allowed on this page only
        csp_update({"style-src": [csp.SELF, csp.UNSAFE_INLINE]})(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="schema"))
        ),
        name="api-docs",
    ),
]
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
