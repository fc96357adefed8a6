"""Related objects: compact on read (``{"id", "url", "display"}``), a plain id on write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import (
    ResolvedComponent,
    build_array_type,
    build_basic_type,
    build_object_type,
)
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS
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

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        # A nullable foreign key is shown as null: say so in the schema too.
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is not None and not getattr(self, "allow_null", False):
            try:
                model_field = model._meta.get_field(self.source)
            except FieldDoesNotExist:  # a source that is not a model field
                return
            self.allow_null = bool(getattr(model_field, "null", False))

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> CompactManyField:
        """As :meth:`RelatedField.many_init`, with :class:`CompactManyField` around it."""
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return CompactManyField(**list_kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_representation(self, value: models.Model) -> dict[str, Any]:
        return {"id": value.pk, "url": self._url(value.pk), "display": self.display(value)}

    def _url(self, pk: Any) -> str:
        return detail_url(self.context, self.view_name, pk)


class CompactManyField(serializers.ManyRelatedField):
    """Several related objects, compact. When the queryset prefetched them into a list with
    ``Prefetch(name, to_attr=prefetched_list(name))``, that list is read as it is: a page of
    100 requests then builds no related manager and no queryset per row and relation."""

    def get_attribute(self, instance: Any) -> Any:
        prefetched = getattr(instance, prefetched_list(self.source), None)
        if prefetched is not None:
            return prefetched
        return super().get_attribute(instance)


def prefetched_list(name: str) -> str:
    """The attribute a list view prefetches relation ``name`` into."""
    return f"_{name}_list"


# An id no object has, set into a route to find where ids go in its address.
_MARKER = 987654321987


def detail_url(context: dict[str, Any], view_name: str, pk: Any) -> str:
    """The absolute address of an object's detail route, as ``reverse`` gives it.

    URL resolution and building the absolute URI cost more than the rest of a row, and a page of
    100 requests links about 800 objects; so the route is reversed once per serializer (the
    template is kept in its context) and each id set into it.
    """
    template = detail_url_template(context, view_name)
    if not template:
        return reverse(view_name, kwargs={"pk": pk}, request=context.get("request"))
    return f"{template[0]}{pk}{template[1]}"


def detail_url_template(context: dict[str, Any], view_name: str) -> tuple[str, ...]:
    """What comes before and after the id in the addresses of ``view_name`` (kept in
    ``context``); empty for a route whose address does not end with the id as text."""
    cache = context.setdefault("_detail_url_templates", {})
    template: tuple[str, ...] | None = cache.get(view_name)
    if template is None:
        url = reverse(view_name, kwargs={"pk": _MARKER}, request=context.get("request"))
        parts = url.rsplit(str(_MARKER), 1)
        # No marker in the address (an unusual route): no shortcut.
        template = cache[view_name] = tuple(parts) if len(parts) == 2 else ()
    return template


class DetailUrlField(serializers.HyperlinkedIdentityField):
    """The object's own ``url``, as :class:`~rest_framework.serializers.HyperlinkedIdentityField`
    gives it, through :func:`detail_url`."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: Any) -> str | None:
        if format or self.lookup_field != "pk" or obj.pk is None:
            return super().get_url(obj, view_name, request, format)
        return detail_url(self.context, view_name, obj.pk)


#: The schema component of a compact related object. A named component rather than an object
#: inlined into each field: client generators name an inlined object after its parent and field,
#: and ``StatusUpdate`` + ``request`` would then collide with the request body component
#: ``StatusUpdateRequest``.
RELATED_COMPONENT = "Related"


class CompactRelatedFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "mandates.api.fields.CompactRelatedField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)  # type: ignore[return-value]
        component = ResolvedComponent(
            name=RELATED_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=RELATED_COMPONENT,
            schema=build_object_type(
                properties={
                    "id": build_basic_type(OpenApiTypes.INT),
                    "url": build_basic_type(OpenApiTypes.URI),
                    "display": build_basic_type(OpenApiTypes.STR),
                },
                required=["id", "url", "display"],
                description="A related object: its id, its address in the API and its label.",
            ),
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_null:
            return {"allOf": [component.ref], "nullable": True}
        return component.ref


class NullableItemsListField(serializers.ListField):
    """A list some of whose items are null (its ``child`` has ``allow_null=True``), documented
    so: drf-spectacular documents the child of a list as never null."""


class NullableItemsListFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "mandates.api.fields.NullableItemsListField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        item = auto_schema._map_serializer_field(self.target.child, direction)
        if "$ref" in item:
            item = {"allOf": [item]}
        return build_array_type({**item, "nullable": True})
