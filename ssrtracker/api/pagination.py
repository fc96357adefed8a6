"""Pages of 50 by default, up to 500 with ``page_size``; the order always ends with the id."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
