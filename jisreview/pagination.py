"""API pagination: pages of 50 by default; clients may ask for up to 200."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def screen_page(request, items, size: int):
    """A screen's page of `items` (?page=, out-of-range numbers give the last page) and the query
    string of the request's other parameters, which the pager's links carry."""
    from django.core.paginator import Paginator

    page = Paginator(items, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
