"""Related objects: compact on read (``{"id", "url", "display"}``), a plain id on write."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.reverse import reverse


class CompactRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key shown as ``{"id": 3, "url": ".../units/3/", "display": "SSRU – ..."}``.

    ``view_name`` is the API route of the related object; ``display`` is a callable giving its
    label (``str`` by default). Only attributes already loaded are read, so a list that selects or
    prefetches the relation costs no query per row.
    """

    def __init__(self, *, view_name: str, display: Any = str, **kwargs: Any) -> None:
        self.view_name = view_name
        self.display = display
        super().__init__(**kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value: models.Model) -> dict[str, Any]:
        request = self.context.get("request")
        return {
            "id": value.pk,
            "url": reverse(self.view_name, kwargs={"pk": value.pk}, request=request),
            "display": self.display(value),
        }


class CompactRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "mandates.api.fields.CompactRelatedField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)  # type: ignore[return-value]
        return build_object_type(
            properties={
                "id": build_basic_type(OpenApiTypes.INT),
                "url": build_basic_type(OpenApiTypes.URI),
                "display": build_basic_type(OpenApiTypes.STR),
            },
            required=["id", "url", "display"],
        )
