"""The summaries in the REST API (read-only): a list of periods, each with its figures and text."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from reports.choices import SummaryKind
from reports.models import Summary
from ssrtracker.api.filters import ordering
from ssrtracker.api.viewsets import ReadOnlyViewSet


class SummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:summary-detail")

    class Meta:
        model = Summary
        fields = ["id", "url", "kind", "period_start", "period_end", "title", "compiled_at"]


class SummaryDetailSerializer(SummarySerializer):
    data = serializers.JSONField(
        read_only=True, help_text=_("The figures and lists the text was written from.")
    )

    class Meta(SummarySerializer.Meta):
        fields = [*SummarySerializer.Meta.fields, "data", "text", "html"]


class SummaryFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=SummaryKind.choices)
    period_start = df.DateFromToRangeFilter(
        help_text=_("period_start_after / period_start_before (YYYY-MM-DD).")
    )
    ordering = ordering("period_start", "compiled_at")

    class Meta:
        model = Summary
        fields = ["kind"]


@extend_schema_view(
    list=extend_schema(summary="List summaries"),
    retrieve=extend_schema(summary="A summary, with its figures, text and HTML"),
)
class SummaryViewSet(ReadOnlyViewSet):
    """Weekly, monthly and quarterly summaries, compiled once per period by the scheduled job.
    Summaries not yet compiled are not listed."""

    queryset = Summary.objects.filter(compiled_at__isnull=False).order_by(
        "-period_start", "kind", "pk"
    )
    serializer_class = SummarySerializer
    filterset_class = SummaryFilter

    def get_queryset(self) -> QuerySet[Summary]:
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.defer("data", "html", "text")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return SummaryDetailSerializer if self.action == "retrieve" else SummarySerializer
