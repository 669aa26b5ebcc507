"""Login everywhere: pages redirect to the login page; the API answers 401/403 itself."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware

# DRF authenticates these (session or token) and answers with JSON rather than a redirect.
_API_PREFIX = "/api/"
_BROWSER_PAGES = ("/api/docs/",)


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if path.startswith(_API_PREFIX) and not path.startswith(_BROWSER_PAGES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
