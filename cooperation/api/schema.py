"""The OpenAPI schema: how the staff lists' filters appear in it, and the refusals it describes.

drf-spectacular does not call a filter's choices when they are a function (they may query the
database), and cannot tell the type of a filter that has a method: it then warns and guesses
"string", and `spectacular --fail-on-warn` fails. Our choice functions (countries, regions,
academic years) are cheap and fixed, so here they are called, and a choice of a record (a unit,
a tag) is its id. Imported by cooperation/api/views.py, which registers the extension."""

import copy

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import has_override
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers


class PortalFilterExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own extension for DjangoFilterBackend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if not has_override(filter_field, "field"):
            if isinstance(filter_field, filters.ModelChoiceFilter):
                filter_field = extend_schema_field(OpenApiTypes.INT)(copy.copy(filter_field))
            elif isinstance(filter_field, filters.ChoiceFilter) and callable(filter_field.extra.get("choices")):
                values = [str(value) for value, _label in filter_field.extra["choices"]()]
                schema = {"type": "string", "enum": values}
                filter_field = extend_schema_field(schema)(copy.copy(filter_field))
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)


class ErrorSerializer(serializers.Serializer):
    """DRF's answer to a refused request: {"detail": "..."}."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


FILTER_ERRORS = {
    "description": "A filter's value is not valid: for each filter, what is wrong with it.",
    "content": {
        "application/json": {
            "schema": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
        }
    },
}


class PortalAutoSchema(AutoSchema):
    """Describes the refusals each endpoint can answer with, not only its 200, so that every
    response, refusals included, can be checked against the schema (test_api.py)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        view = self.view
        responses = operation.setdefault("responses", {})
        listing = getattr(view, "action", None) == "list" or isinstance(view, generics.ListAPIView)
        error_schema = self.resolve_serializer(ErrorSerializer, "response").ref

        def error(code: str, description: str) -> None:
            media_types = self.map_renderers("media_type")
            responses[code] = {
                "content": {media_type: {"schema": error_schema} for media_type in media_types},
                "description": description,
            }

        if view.authentication_classes:
            error("401", "No token, or one that is unknown or revoked.")
            error("403", "The user holds no role in the portal.")
        if listing and getattr(view, "filterset_class", None):
            responses["400"] = FILTER_ERRORS
        if "{" in path:
            error("404", "There is no such record.")
        elif listing:
            error("404", "There is no such page.")
        if view.throttle_classes:
            error("429", "Too many requests from this address: try again after Retry-After seconds.")
            error("503", "The request counter (Redis) is unavailable, so no request is counted or answered.")
        return operation
