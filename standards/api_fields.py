"""Serializer fields every API shares: dates read by the catalog's own parser (standards.dates),
never by Python's fromisoformat, which also takes 2026-W01-1 (an ISO week) and 20260101."""

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from standards.dates import InvalidDate, parse_date


@extend_schema_field(OpenApiTypes.DATE)
class JapaneseDateField(serializers.DateField):
    """ISO 8601 out; in, 2026-12-01, 2026/12/1, 令和8年12月1日 or R8.12.1, nothing else."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                return parse_date(value)
            except InvalidDate as exc:
                raise serializers.ValidationError(str(exc)) from None
        return super().to_internal_value(value)


# For a ModelSerializer: `serializer_field_mapping = STRICT_DATES` makes its model's date
# fields JapaneseDateFields.
STRICT_DATES = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.DateField: JapaneseDateField,
}
