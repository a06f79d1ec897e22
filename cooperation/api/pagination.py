"""Pages of the API's lists (REST_FRAMEWORK's default; in a module of its own, as DRF imports
it while it loads the views)."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response_schema(self, schema):
        # DRF describes "next" and "previous" in OpenAPI 3.0's words ("nullable"); our schema is
        # 3.1 (SPECTACULAR_SETTINGS), where a value that may be null has "null" among its types.
        described = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            field = described["properties"][link]
            field.pop("nullable", None)
            field["type"] = ["string", "null"]
        return described
